//! The sync protocol's wire types (JSON over HTTP under /api/v1), shared by the handset client and
//! the server so that neither writes them twice.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::area::Area;
use crate::ids::{AreaCode, DeviceId, RecordId};
use crate::merge::FieldConflict;
use crate::record::RecordState;
use crate::serial::SerialBlock;

/// The sync protocol's version, sent by the handset on every request (`Gridwork-Protocol`); a server
/// refuses versions below its minimum with 426 `upgrade_required`.
pub const PROTOCOL_VERSION: u32 = 1;

/// What a user may do; it decides which records a device sees and which actions it may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Role {
    /// 网格员: one or more micro-grids of one grid.
    GridWorker,
    /// 网格长: one grid.
    GridLeader,
    /// 督导 at a township (苏木镇/街道) office.
    Supervisor,
    /// The banner centre.
    Admin,
}

/// `POST /api/v1/enroll`: a new handset trades a one-time enrollment code for its identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// The one-time code from the grid office, as typed (case, spaces and dashes do not matter).
    pub code: String,
    pub device_name: String,
    /// Chosen by the handset, the same on every try of one enrollment: a retry whose first answer
    /// was lost gets the same device back instead of another one.
    pub request_id: Uuid,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: DeviceId,
    /// Bearer token for every later request.
    pub token: String,
    pub user_name: String,
    pub user_phone: String,
    pub role: Role,
    /// The area the device may read and write (records whose micro-grid lies inside it).
    pub scope: AreaCode,
    pub serial_block: SerialBlock,
}

/// `POST /api/v1/push`: a batch of record versions from one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// Chosen by the device; a retried batch carries the same id and is answered the same.
    pub batch_id: Uuid,
    pub records: Vec<RecordState>,
}

/// What happened to one pushed record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushStatus {
    /// New to the server, or newer than what it had: stored as sent.
    Accepted,
    /// Concurrent with the server's version: merged; the device should store `state`.
    Merged { state: RecordState, conflicts: Vec<FieldConflict> },
    /// The server already had this version or a newer one.
    AlreadyKnown,
    /// Refused; the rest of the batch is unaffected.
    Rejected { code: String, message: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushOutcome {
    pub id: RecordId,
    #[serde(flatten)]
    pub status: PushStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub batch_id: Uuid,
    pub results: Vec<PushOutcome>,
}

/// `GET /api/v1/pull?after=N&limit=M`: changes in the device's scope after cursor N.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullQuery {
    pub after: u64,
    pub limit: Option<u32>,
}

/// One accepted change, numbered by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub state: RecordState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// The cursor to ask with next time (the last change's seq, or `after` when there were none).
    pub next: u64,
    /// True when more changes wait after `next`.
    pub more: bool,
    /// The newest conflict id among the records this page looked at (0 when none): a device
    /// whose conflict cursor is below it has conflicts to fetch.
    #[serde(default)]
    pub last_conflict: u64,
}

/// `GET /api/v1/reference`: areas in the device's scope (and its ancestors), for pickers and maps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub areas: Vec<Area>,
    pub departments: Vec<String>,
}

/// `GET /api/v1/conflicts`: conflicts in the device's scope, for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictList {
    pub conflicts: Vec<StoredConflict>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConflict {
    pub id: u64,
    pub conflict: FieldConflict,
    pub detected_at_ms: u64,
}

/// Every error answer: a stable machine code and a human message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}
