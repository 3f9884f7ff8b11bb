//! The engine's errors, each with a stable tag (`validation`, `not_found`, `conflict`, `offline`,
//! `unauthorized`, `revoked`, `storage`, …) for the UI and the CLI.

use gridwork_domain::{DomainError, ValidationError};
use serde::Serialize;
use thiserror::Error;

pub use crate::net_error::{NetCause, NetError, TlsReason};

#[derive(Debug, Error)]
pub enum CoreError {
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Validation(Vec<ValidationError>),
    #[error("{0}")]
    Workflow(String),
    /// A step the case cannot take now (the workflow's refusal, with its code).
    #[error("{}", .0.message)]
    Step(Refused),
    /// Not this account's to do (the authority table), with its code (`outside_area`, `forbidden`).
    #[error("not allowed: {}", .0.message)]
    Forbidden(Refused),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("this device is not set up yet: run `gridwork init` or enroll with a server")]
    NotInitialized,
    #[error("no contact-card serials left in this device's block: sync to get a new block")]
    SerialsUsedUp,
    /// A network failure on the way to the server, with its cause (tag `offline` for all).
    #[error("{0}")]
    Offline(NetError),
    /// A plain `http://` server address that is not this machine, without `--insecure`: refused
    /// before any connection.
    #[error(
        "refusing the plain-HTTP server address {0}: names, phones and this device's token would cross the network \
         unencrypted. Use the server's https:// address (on a test network only: enroll with --insecure)"
    )]
    InsecureServer(String),
    /// The server's certificate holds another key than the one this device enrolled with.
    #[error(
        "the server at {server} presented another key than the one this device enrolled with (expected {expected}, \
         seen {seen}); nothing was sent. If the office replaced the server's key, enroll this device again; \
         otherwise someone may be intercepting the connection"
    )]
    PinMismatch { server: String, expected: String, seen: String },
    /// The secure connection failed: the certificate was refused, or the handshake (never retried).
    #[error("the secure connection to the server at {server} failed: {}; nothing was sent ({detail})", .reason.words())]
    Tls { server: String, reason: crate::net_error::TlsReason, detail: String },
    /// The server no longer speaks this app's protocol version (HTTP 426): update the app.
    #[error("this version of Gridwork is too old for the server: update the app, then sync again ({0})")]
    UpgradeRequired(String),
    #[error("the server refused this device's credentials: {0}")]
    Unauthorized(String),
    /// The office withdrew this device (or disabled its user): its store has been wiped, and it
    /// must enroll again with a new code.
    #[error("this device was withdrawn by the grid office and its data was wiped: {0}")]
    Revoked(String),
    #[error("the server answered {code}: {message}")]
    Server { code: String, message: String },
    #[error("no store at {0}: run `gridwork init` or `gridwork enroll` first (or check the --db path)")]
    NoStore(String),
    #[error(
        "{0} is not a Gridwork store (it is another program's file, or not a database at all); it was left as it is"
    )]
    NotAStore(String),
    /// The store failed its integrity check at open. The way out is `gridwork recover`, which
    /// keeps the damaged file aside (never deletes it), enrolls again and pulls everything.
    #[error(
        "the store {path} is damaged ({detail}).{} To go on: get a new one-time code from the grid office and \
         run `gridwork recover --server URL --code CODE`: it moves the damaged file aside (it is kept, not deleted), \
         enrolls this device again and pulls everything from the server",
        salvage_note(*.unsynced)
    )]
    DamagedStore {
        path: String,
        detail: String,
        /// Changes not yet synced that could still be read out of the damaged file, when any.
        unsynced: Option<u64>,
    },
    /// The data key does not open the store (another store's key, or a file that is not one).
    #[error(
        "the key does not open {0}: it belongs to another store, or the file is not a Gridwork store (it was left as it is)"
    )]
    WrongKey(String),
    /// A PIN that does not unlock the store; `left` tries before the device wipes itself, the
    /// next after `wait_ms` (0: at once).
    #[error("wrong PIN: {left} {} left before this device wipes itself{}", if *.left == 1 { "try" } else { "tries" }, wait_note(*.wait_ms))]
    WrongPin { left: u32, wait_ms: u64 },
    /// Too many wrong PINs lately: no try is made until the wait is over.
    #[error("too many wrong PINs: wait {} before trying again", seconds(*.wait_ms))]
    PinWait { wait_ms: u64 },
    /// The last allowed wrong PIN: the key was destroyed and the store wiped.
    #[error(
        "too many wrong PINs: this device destroyed its key and wiped its data; enroll it again with a new code from the grid office"
    )]
    WipedAfterWrongPins,
    #[error("{0}")]
    BadPin(String),
    /// A new PIN that is among the first a thief would try.
    #[error("{0}")]
    WeakPin(String),
    /// The store is locked: nothing is read until the PIN unlocks it.
    #[error("the store is locked: unlock it with the PIN")]
    Locked,
    /// The store's key is split with a secret kept in the OS keyring, and the keyring cannot give it.
    #[error("{0}")]
    KeyringUnreachable(String),
    #[error("the local store failed: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// A sync of this store is running already; this one was not started.
    #[error("a sync is running already: wait for it to finish")]
    SyncRunning,
    /// Too long without reaching the server (the server's policy): only sync, the status and the
    /// outbox answer until a sync reaches it. Nothing was deleted.
    #[error(
        "this handset has not reached the server for {days} days, longer than the grid office allows: sync to go on \
         (nothing was deleted)"
    )]
    OfflineLocked { days: u32 },
}

impl CoreError {
    /// Every tag `tag` gives: the app's catalogs carry words for each (a workspace test exports
    /// this list for the UI's catalog test). A new variant's tag joins it, or
    /// `every_tag_is_listed` fails.
    pub const TAGS: &[&str] = &[
        "validation",
        "workflow",
        "forbidden",
        "not_found",
        "not_initialized",
        "serials_used_up",
        "offline",
        "insecure_server",
        "pin_mismatch",
        "tls",
        "upgrade_required",
        "damaged_store",
        "unauthorized",
        "revoked",
        "server",
        "no_store",
        "not_a_store",
        "wrong_key",
        "wrong_pin",
        "pin_wait",
        "wiped_after_wrong_pins",
        "bad_pin",
        "weak_pin",
        "locked",
        "keyring_unreachable",
        "storage",
        "sync_running",
        "offline_locked",
    ];

    /// The stable tag the UI and scripts switch on.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation",
            Self::Workflow(_) | Self::Step(_) => "workflow",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::NotInitialized => "not_initialized",
            Self::SerialsUsedUp => "serials_used_up",
            Self::Offline(_) => "offline",
            Self::InsecureServer(_) => "insecure_server",
            Self::PinMismatch { .. } => "pin_mismatch",
            Self::Tls { .. } => "tls",
            Self::UpgradeRequired(_) => "upgrade_required",
            Self::DamagedStore { .. } => "damaged_store",
            Self::Unauthorized(_) => "unauthorized",
            Self::Revoked(_) => "revoked",
            Self::Server { .. } => "server",
            Self::NoStore(_) => "no_store",
            Self::NotAStore(_) => "not_a_store",
            Self::WrongKey(_) => "wrong_key",
            Self::WrongPin { .. } => "wrong_pin",
            Self::PinWait { .. } => "pin_wait",
            Self::WipedAfterWrongPins => "wiped_after_wrong_pins",
            Self::BadPin(_) => "bad_pin",
            Self::WeakPin(_) => "weak_pin",
            Self::Locked => "locked",
            Self::KeyringUnreachable(_) => "keyring_unreachable",
            Self::Storage(_) | Self::Corrupt(_) => "storage",
            Self::SyncRunning => "sync_running",
            Self::OfflineLocked { .. } => "offline_locked",
        }
    }

    /// The error as it crosses to the UI: a tag, a message, and the fields that failed.
    pub fn to_tagged(&self) -> TaggedError {
        TaggedError {
            kind: self.tag(),
            message: self.to_string(),
            fields: match self {
                Self::Validation(v) => v.clone(),
                _ => Vec::new(),
            },
            net: match self {
                Self::Offline(n) => Some(Box::new(n.clone())),
                _ => None,
            },
            unsynced: match self {
                Self::DamagedStore { unsynced, .. } => *unsynced,
                _ => None,
            },
            code: match self {
                Self::Tls { reason, .. } => Some(reason.as_str().to_owned()),
                _ => self.refused().map(|r| r.code.to_owned()),
            },
            params: match self {
                Self::OfflineLocked { days } => Some(Box::new([("days".to_owned(), days.to_string())].into())),
                Self::WrongPin { left, wait_ms } => Some(Box::new(
                    [("left".to_owned(), left.to_string()), ("wait_s".to_owned(), wait_ms.div_ceil(1000).to_string())]
                        .into(),
                )),
                Self::PinWait { wait_ms } => {
                    Some(Box::new([("wait_s".to_owned(), wait_ms.div_ceil(1000).to_string())].into()))
                }
                _ => self
                    .refused()
                    .map(|r| Box::new(r.params.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())),
            },
        }
    }

    /// The coded refusal behind a `workflow` or `forbidden` error, when it has one.
    pub fn refused(&self) -> Option<&Refused> {
        match self {
            Self::Step(r) | Self::Forbidden(r) => Some(r),
            _ => None,
        }
    }

    /// The error as `--json` prints it: `{"error": {"tag", "message", …its structured fields}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut e = serde_json::json!({ "tag": self.tag(), "message": self.to_string() });
        let extra = match self {
            Self::Validation(v) => serde_json::json!({ "fields": v }),
            Self::Offline(n) => serde_json::to_value(n).unwrap_or_default(),
            Self::DamagedStore { path, unsynced, .. } => serde_json::json!({ "path": path, "unsynced": unsynced }),
            Self::NoStore(path) | Self::NotAStore(path) | Self::WrongKey(path) => serde_json::json!({ "path": path }),
            Self::WrongPin { left, wait_ms } => serde_json::json!({ "left": left, "wait_ms": wait_ms }),
            Self::PinWait { wait_ms } => serde_json::json!({ "wait_ms": wait_ms }),
            Self::Server { code, .. } => serde_json::json!({ "code": code }),
            Self::InsecureServer(server) => serde_json::json!({ "server": server }),
            Self::PinMismatch { server, expected, seen } => {
                serde_json::json!({ "server": server, "expected": expected, "seen": seen })
            }
            Self::Tls { server, reason, detail } => {
                serde_json::json!({ "server": server, "reason": reason.as_str(), "detail": detail })
            }
            Self::OfflineLocked { days } => serde_json::json!({ "days": days }),
            Self::Step(r) | Self::Forbidden(r) => serde_json::json!({
                "code": r.code,
                "params": r.params.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            }),
            _ => serde_json::Value::Null,
        };
        if let (Some(e), serde_json::Value::Object(extra)) = (e.as_object_mut(), extra) {
            e.extend(extra);
        }
        serde_json::json!({ "error": e })
    }
}

/// How long a wait is, for a person: seconds under two minutes, else minutes.
fn seconds(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    if s < 120 { format!("{s} s") } else { format!("{} min", s.div_ceil(60)) }
}

fn wait_note(wait_ms: u64) -> String {
    if wait_ms == 0 { String::new() } else { format!("; the next try after {}", seconds(wait_ms)) }
}

/// What the damaged-store message says about unsynced changes still readable in the file.
fn salvage_note(unsynced: Option<u64>) -> String {
    match unsynced {
        Some(0) => " It held no unsynced changes, so nothing is lost once this device pulls again.".into(),
        Some(n) => format!(
            " {n} unsynced change(s) can still be read out of it: keep the damaged file and give it to field support."
        ),
        None => " Whether it held unsynced changes cannot be read; keep the damaged file for field support.".into(),
    }
}

/// An error in the shape the UI receives.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TaggedError {
    pub kind: &'static str,
    pub message: String,
    pub fields: Vec<ValidationError>,
    /// For `offline`: the cause, the server and whether another try follows.
    pub net: Option<Box<NetError>>,
    /// For `damaged_store`: unsynced changes that could still be read out of the damaged file.
    pub unsynced: Option<u64>,
    /// For `tls`: the reason (`TlsReason`: `unknown_issuer`, `expired`, `name_mismatch` …).
    /// For `workflow` and `forbidden`: the refusal's code (`workflow::REFUSAL_CODES`,
    /// `outside_area`, `forbidden`), which the UI's catalog words in the person's language.
    pub code: Option<String>,
    /// The code's parameters (actions, stages, levels and roles by their wire names); for
    /// `offline_locked`, `days` without reaching the server.
    pub params: Option<Box<std::collections::BTreeMap<String, String>>>,
}

/// A coded refusal: a code and its parameters for a screen to word, the reason in English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub message: String,
}

impl From<gridwork_domain::workflow::WorkflowError> for Refused {
    fn from(e: gridwork_domain::workflow::WorkflowError) -> Self {
        Self { code: e.code, params: e.params, message: e.message }
    }
}

impl From<DomainError> for CoreError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(v) => Self::Validation(v),
            DomainError::Workflow(w) => Self::Step(w.into()),
            other => Self::Corrupt(other.to_string()),
        }
    }
}

impl From<ValidationError> for CoreError {
    fn from(e: ValidationError) -> Self {
        Self::Validation(vec![e])
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tag_tests {
    use super::CoreError;

    /// One error of each variant: the match makes a new variant fail to compile until it is added.
    fn samples() -> Vec<CoreError> {
        let all = vec![
            CoreError::Validation(Vec::new()),
            CoreError::Workflow(String::new()),
            CoreError::Step(super::Refused { code: "stage", params: Vec::new(), message: String::new() }),
            CoreError::Forbidden(super::Refused { code: "forbidden", params: Vec::new(), message: String::new() }),
            CoreError::NotFound { what: "record", id: String::new() },
            CoreError::NotInitialized,
            CoreError::SerialsUsedUp,
            CoreError::Offline(crate::net_error::NetError {
                cause: crate::net_error::NetCause::Refused,
                server: String::new(),
                after_s: None,
                attempt: 1,
                of: 1,
                retrying: false,
                wait_s: None,
                detail: String::new(),
            }),
            CoreError::InsecureServer(String::new()),
            CoreError::PinMismatch { server: String::new(), expected: String::new(), seen: String::new() },
            CoreError::Tls {
                server: String::new(),
                reason: crate::net_error::TlsReason::Handshake,
                detail: String::new(),
            },
            CoreError::UpgradeRequired(String::new()),
            CoreError::DamagedStore { path: String::new(), detail: String::new(), unsynced: None },
            CoreError::Unauthorized(String::new()),
            CoreError::Revoked(String::new()),
            CoreError::Server { code: String::new(), message: String::new() },
            CoreError::NoStore(String::new()),
            CoreError::NotAStore(String::new()),
            CoreError::WrongKey(String::new()),
            CoreError::WrongPin { left: 1, wait_ms: 0 },
            CoreError::PinWait { wait_ms: 1 },
            CoreError::WipedAfterWrongPins,
            CoreError::BadPin(String::new()),
            CoreError::WeakPin(String::new()),
            CoreError::Locked,
            CoreError::KeyringUnreachable(String::new()),
            CoreError::Storage(rusqlite::Error::InvalidQuery),
            CoreError::Corrupt(String::new()),
            CoreError::SyncRunning,
            CoreError::OfflineLocked { days: 15 },
        ];
        for e in &all {
            match e {
                CoreError::Validation(_)
                | CoreError::Workflow(_)
                | CoreError::Step(_)
                | CoreError::Forbidden(_)
                | CoreError::NotFound { .. }
                | CoreError::NotInitialized
                | CoreError::SerialsUsedUp
                | CoreError::Offline(_)
                | CoreError::InsecureServer(_)
                | CoreError::PinMismatch { .. }
                | CoreError::Tls { .. }
                | CoreError::UpgradeRequired(_)
                | CoreError::DamagedStore { .. }
                | CoreError::Unauthorized(_)
                | CoreError::Revoked(_)
                | CoreError::Server { .. }
                | CoreError::NoStore(_)
                | CoreError::NotAStore(_)
                | CoreError::WrongKey(_)
                | CoreError::WrongPin { .. }
                | CoreError::PinWait { .. }
                | CoreError::WipedAfterWrongPins
                | CoreError::BadPin(_)
                | CoreError::WeakPin(_)
                | CoreError::Locked
                | CoreError::KeyringUnreachable(_)
                | CoreError::Storage(_)
                | CoreError::Corrupt(_)
                | CoreError::SyncRunning
                | CoreError::OfflineLocked { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_tag_is_listed() {
        let tags: Vec<&str> = samples().iter().map(CoreError::tag).collect();
        for t in &tags {
            assert!(CoreError::TAGS.contains(t), "{t} is missing from CoreError::TAGS");
        }
        for t in CoreError::TAGS {
            assert!(tags.contains(t), "{t} is listed but no variant gives it");
        }
    }
}
