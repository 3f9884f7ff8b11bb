//! What a failed try was: a network failure named by its cause (read out of the error chain of
//! reqwest, hyper and the OS), a secure connection refused (rustls's error: the reason, or the
//! pin), or an answer of the server's that refused the request.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use super::decide::CONNECT_TIMEOUT;
use super::tls::PinMismatch;
use crate::error::CoreError;
use crate::net_error::{NetCause, NetError, TlsReason};

/// One failed try.
#[derive(Debug)]
pub(super) enum Failure {
    /// Nothing usable came back.
    Net(Cause),
    /// The secure connection was refused (`tls`, `pin_mismatch`): trying again cannot help.
    Tls(CoreError),
    /// The server answered (with this status) and refused; or the answer could not be read.
    Server(Option<u16>, CoreError),
}

impl Failure {
    /// The HTTP status, when the server answered (what `decide::retryable` judges).
    pub(super) fn status(&self) -> Option<u16> {
        match self {
            Self::Net(_) | Self::Tls(_) => None,
            Self::Server(status, _) => *status,
        }
    }
}

/// A network failure's cause, before it is known whether it will be tried again.
#[derive(Debug)]
pub(super) struct Cause {
    pub cause: NetCause,
    pub after_s: Option<u64>,
    pub detail: String,
}

impl Cause {
    pub(super) fn into_error(self, server: &str, attempt: u32, of: u32, wait: Option<Duration>) -> NetError {
        NetError {
            cause: self.cause,
            server: server.to_owned(),
            after_s: self.after_s,
            attempt,
            of,
            retrying: wait.is_some(),
            wait_s: wait.map(|w| w.as_millis().div_ceil(1000) as u64),
            detail: self.detail,
        }
    }
}

/// A failure to send a request and get its answer's head, `limit` being the time the answer was
/// waited for: a refused secure connection, or a network failure named by its cause.
pub(super) fn classify_failure(e: &reqwest::Error, server: &str, limit: Duration) -> Failure {
    match tls_refusal(e, server) {
        Some(refused) => Failure::Tls(refused),
        None => Failure::Net(classify_send(e, server, limit)),
    }
}

/// The refusal a TLS error in the chain makes: `pin_mismatch` when the verifier refused the key,
/// `tls` with the reason otherwise.
pub(super) fn tls_refusal(e: &(dyn StdError + 'static), server: &str) -> Option<CoreError> {
    let tls = rustls_in_chain(e)?;
    let pinned = match tls {
        rustls::Error::Other(other) => other.0.downcast_ref::<PinMismatch>(),
        _ => None,
    };
    Some(match pinned {
        Some(p) => {
            CoreError::PinMismatch { server: server.to_owned(), expected: p.expected.clone(), seen: p.seen.clone() }
        }
        None => CoreError::Tls { server: server.to_owned(), reason: TlsReason::of(tls), detail: chain_text(e) },
    })
}

/// The rustls error in an error chain (also inside the I/O errors that wrap it).
fn rustls_in_chain<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut next: Option<&'a (dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // An io::Error's `source` skips the error it wraps: walk into it.
        next = match err.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => err.source(),
        };
    }
    None
}

/// The cause of a network failure to send a request and get its answer's head.
pub(super) fn classify_send(e: &reqwest::Error, server: &str, limit: Duration) -> Cause {
    let detail = chain_text(e);
    if e.is_timeout() {
        return if e.is_connect() {
            Cause { cause: NetCause::ConnectTimeout, after_s: Some(CONNECT_TIMEOUT.as_secs()), detail }
        } else {
            Cause { cause: NetCause::NoAnswer, after_s: Some(limit.as_secs()), detail }
        };
    }
    if e.is_dns() {
        return Cause { cause: NetCause::NameLookup, after_s: None, detail };
    }
    if let Some(cause) = cause_in_chain(e) {
        return Cause { cause, after_s: None, detail };
    }
    // A connection was made, and then the answer never came in full (hyper's "connection
    // closed before message completed" and the like).
    let cause = if e.is_connect() || e.is_builder() { NetCause::Unreachable } else { NetCause::AnswerLost };
    tracing::debug!(server, %detail, ?cause, "request failed");
    Cause { cause, after_s: None, detail }
}

/// The cause of a failure while reading an answer's body, each read being allowed `limit`.
pub(super) fn classify_io(e: &io::Error, limit: Duration) -> Cause {
    let detail = chain_text(e);
    let timed_out = e.kind() == io::ErrorKind::TimedOut
        || e.get_ref().and_then(|inner| inner.downcast_ref::<reqwest::Error>()).is_some_and(reqwest::Error::is_timeout);
    if timed_out {
        return Cause { cause: NetCause::NoAnswer, after_s: Some(limit.as_secs()), detail };
    }
    // Whatever else breaks a body off (reset, closed early, a chunk cut short) loses the answer.
    Cause { cause: NetCause::AnswerLost, after_s: None, detail }
}

/// The first cause the error chain names: an OS error of a known kind.
fn cause_in_chain(e: &(dyn StdError + 'static)) -> Option<NetCause> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return Some(NetCause::Refused),
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof => return Some(NetCause::AnswerLost),
                io::ErrorKind::TimedOut => return Some(NetCause::ConnectTimeout),
                _ => {}
            }
            // An io::Error's `source` skips the error it wraps (which may be another io::Error
            // wrapping rustls's): walk into it.
            if let Some(inner) = io.get_ref() {
                next = Some(inner as &(dyn StdError + 'static));
                continue;
            }
        }
        next = err.source();
    }
    None
}

/// The error and its sources in one line, for field support.
fn chain_text(e: &(dyn StdError + 'static)) -> String {
    let mut s = e.to_string();
    let mut next = e.source();
    while let Some(err) = next {
        let t = err.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        next = err.source();
    }
    s
}
