//! A network failure told the way a worker (or field support) can act on it: what went wrong
//! (`NetCause`), at which server, after how long, and whether the engine is trying again.

use serde::Serialize;
use std::fmt;

/// Why a request to the server failed on the way (never a refusal by the server itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum NetCause {
    /// Nothing listens at the address: the server is not running, or the port is wrong.
    Refused,
    /// No connection was made within `after_s` seconds (no network, or the address is unreachable).
    ConnectTimeout,
    /// The server took the connection but gave no answer within `after_s` seconds.
    NoAnswer,
    /// The connection was reset or closed before the whole answer arrived.
    AnswerLost,
    /// The server's TLS certificate is not one this device trusts. (No longer given: such a
    /// refusal is `CoreError::Tls`, which is not tried again; kept for the app's catalogs.)
    Certificate,
    /// The server's name could not be looked up.
    NameLookup,
    /// Any other failure on the way (no route, network down, a proxy's refusal …).
    Unreachable,
}

impl NetCause {
    /// The stable snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::ConnectTimeout => "connect_timeout",
            Self::NoAnswer => "no_answer",
            Self::AnswerLost => "answer_lost",
            Self::Certificate => "certificate",
            Self::NameLookup => "name_lookup",
            Self::Unreachable => "unreachable",
        }
    }
}

/// Why a TLS connection to the server was refused (`CoreError::Tls`): never tried again, since
/// trying again cannot change the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsReason {
    /// The certificate is not signed by an authority this device trusts.
    UnknownIssuer,
    /// The certificate has expired (or the phone's date is far ahead).
    Expired,
    /// The certificate is not valid yet (or the phone's date is far behind).
    NotYetValid,
    /// The certificate is for other names than the one in the server's address.
    NameMismatch,
    /// The certificate was revoked by its authority.
    Revoked,
    /// Any other fault of the certificate.
    BadCertificate,
    /// The handshake failed before a certificate was judged (a plain-HTTP port, no common cipher …).
    Handshake,
}

impl TlsReason {
    /// The stable snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownIssuer => "unknown_issuer",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::NameMismatch => "name_mismatch",
            Self::Revoked => "revoked",
            Self::BadCertificate => "bad_certificate",
            Self::Handshake => "handshake",
        }
    }

    /// The reason in words, for the error's message.
    pub fn words(self) -> &'static str {
        match self {
            Self::UnknownIssuer => {
                "its certificate is not signed by an authority this device trusts (a private CA's file is given with \
                 --ca-file at enrollment)"
            }
            Self::Expired => "its certificate has expired (or this device's date is wrong)",
            Self::NotYetValid => "its certificate is not valid yet (or this device's date is wrong)",
            Self::NameMismatch => "its certificate is for another name than the one in the address",
            Self::Revoked => "its certificate was revoked",
            Self::BadCertificate => "its certificate cannot be accepted",
            Self::Handshake => "the TLS handshake failed (is the port serving plain HTTP?)",
        }
    }

    /// The reason a rustls error gives.
    pub fn of(e: &rustls::Error) -> Self {
        use rustls::CertificateError as C;
        match e {
            rustls::Error::InvalidCertificate(c) => match c {
                C::UnknownIssuer => Self::UnknownIssuer,
                C::Expired | C::ExpiredContext { .. } => Self::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => Self::NotYetValid,
                C::NotValidForName | C::NotValidForNameContext { .. } => Self::NameMismatch,
                C::Revoked => Self::Revoked,
                _ => Self::BadCertificate,
            },
            _ => Self::Handshake,
        }
    }
}

/// One failed try of a request, with what happens next: another try after `wait_s` seconds
/// (`retrying`), or none (`retrying: false`: this sync stops, and the changes wait on the device).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NetError {
    pub cause: NetCause,
    /// The server's address as configured, e.g. `https://grid.example.cn`.
    pub server: String,
    /// The timeout that ran out, for `connect_timeout` and `no_answer`.
    pub after_s: Option<u64>,
    /// The try that failed (1-based) and how many tries a request gets.
    pub attempt: u32,
    pub of: u32,
    /// Whether another try follows, and after how many seconds.
    pub retrying: bool,
    pub wait_s: Option<u64>,
    /// The library's own words, for field support (English; not shown on a zh-CN screen).
    pub detail: String,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.server;
        let after = self.after_s.unwrap_or_default();
        match self.cause {
            NetCause::Refused => write!(
                f,
                "the server at {s} refused the connection (it is not running there, or the address or port is wrong)"
            )?,
            NetCause::ConnectTimeout => write!(
                f,
                "no connection to the server at {s} within {after} s (no network, or the address is unreachable)"
            )?,
            NetCause::NoAnswer => {
                write!(f, "the server at {s} took the connection but gave no answer within {after} s")?
            }
            NetCause::AnswerLost => {
                write!(f, "the connection to the server at {s} was lost before its answer arrived in full")?
            }
            NetCause::Certificate => {
                write!(f, "the server at {s} presented a certificate this device does not trust ({})", self.detail)?
            }
            NetCause::NameLookup => {
                write!(f, "the server name in {s} could not be found (check the address and the network)")?
            }
            NetCause::Unreachable => write!(f, "the server at {s} cannot be reached ({})", self.detail)?,
        }
        match (self.retrying, self.wait_s) {
            (true, Some(w)) => write!(f, "; will try again in {w} s (try {} of {})", self.attempt + 1, self.of),
            (true, None) => write!(f, "; will try again (try {} of {})", self.attempt + 1, self.of),
            (false, _) if self.attempt > 1 => write!(
                f,
                "; gave up after {} tries — nothing is lost: the changes wait on this device for the next sync",
                self.attempt
            ),
            (false, _) => write!(f, "; nothing is lost: the changes wait on this device for the next sync"),
        }
    }
}

/// A try that failed and will be made again, as a sync progress step carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RetryNote {
    pub cause: NetCause,
    /// The try that failed (1-based), of how many.
    pub attempt: u32,
    pub of: u32,
    /// Seconds until the next try (rounded up).
    pub wait_s: u64,
    pub after_s: Option<u64>,
}

impl NetError {
    pub fn note(&self) -> RetryNote {
        RetryNote {
            cause: self.cause,
            attempt: self.attempt,
            of: self.of,
            wait_s: self.wait_s.unwrap_or_default(),
            after_s: self.after_s,
        }
    }
}
