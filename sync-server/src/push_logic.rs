//! The per-record decisions of a push as pure functions: read and check one pushed record on its
//! own (`check`), then classify it against the server's version and the case it belongs to
//! (`decide`). The store only executes what these decide.

mod cases;
mod check;
mod decide;

pub use cases::{Case, Cases, Wanted};
pub use check::{
    Candidate, Checked, Facts, check_record, check_record_with, check_text, check_text_with, check_version,
};
pub use decide::{Decision, action_of, decide, plan, respond};

use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, DeviceId, RecordId};
use uuid::Uuid;

/// Why a pushed record was refused: a stable code for machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectCode {
    UnknownKind,
    BadUuid,
    Validation,
    OutOfScope,
    /// Not the pushing account's to do (the authority table), or a write claimed for someone else.
    Forbidden,
    BadVersion,
    ClockSkew,
    Immutable,
    /// A write number of the pusher's the server holds with other content: the handset's store
    /// is a restored or cloned copy; the handset takes a new identity and sends its change again.
    DotReused,
    /// A version handed back to a server that lost it, whose receipt is not the server's.
    BadReceipt,
}

impl RejectCode {
    /// Every code, for the lists kept in step with it (the handset's and the app's texts).
    pub const ALL: [RejectCode; 10] = [
        Self::UnknownKind,
        Self::BadUuid,
        Self::Validation,
        Self::OutOfScope,
        Self::Forbidden,
        Self::BadVersion,
        Self::ClockSkew,
        Self::Immutable,
        Self::DotReused,
        Self::BadReceipt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownKind => "unknown_kind",
            Self::BadUuid => "bad_uuid",
            Self::Validation => "validation",
            Self::OutOfScope => "out_of_scope",
            Self::Forbidden => "forbidden",
            Self::BadVersion => "bad_version",
            Self::ClockSkew => "clock_skew",
            Self::Immutable => "immutable",
            Self::DotReused => "dot_reused",
            Self::BadReceipt => "bad_receipt",
        }
    }
}

/// A refused record: its id (the nil UUID when the id itself could not be read), code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub id: RecordId,
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(id: RecordId, code: RejectCode, message: impl Into<String>) -> Self {
        Self { id, code, message: message.into() }
    }

    /// The one answer for a record outside the pusher's area, whether the pushed version or the
    /// server's lies there: it tells nothing of what the server holds outside the area.
    pub fn outside(id: RecordId) -> Self {
        Self::new(id, RejectCode::OutOfScope, format!("record {id} lies outside this device's area"))
    }
}

/// Who pushes: the device, its account's name and role, and the area it may write in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pusher {
    pub device: DeviceId,
    pub name: String,
    pub role: Role,
    pub scope: AreaCode,
}

/// The id reported for a record whose own id could not be read.
pub const UNREADABLE_ID: RecordId = RecordId(Uuid::nil());

#[cfg(test)]
mod tests;
