//! The sync protocol's wire types (JSON over HTTP under /api/v1), shared by the handset client and
//! the server so that neither writes them twice.

pub mod office;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::area::Area;
use crate::ids::{AreaCode, DeviceId, RecordId};
use crate::merge::FieldConflict;
use crate::record::RecordState;
use crate::serial::SerialBlock;

/// The version of this protocol that this code speaks. It rises only when a handset and a server
/// would misread each other; a kind gaining an optional field does not raise it (docs/protocol.md).
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest protocol a server built from this code answers by default (`--min-protocol`).
pub const MIN_PROTOCOL: u32 = 1;

/// Request header: the protocol the handset speaks (absent: 1, the handsets before the header).
pub const PROTOCOL_HEADER: &str = "gridwork-protocol";

/// Request header: the handset's app version, free text (kept per device for the office).
pub const APP_HEADER: &str = "gridwork-app";

/// Response header on every answer, errors included: the server's wall clock, ms since the epoch.
pub const TIME_HEADER: &str = "gridwork-time";

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
    /// The server's clock when it answered, ms since the epoch (0 from servers older than this
    /// field): the handset stamps its writes by the server's time from the start.
    #[serde(default)]
    pub server_ms: u64,
}

/// `POST /api/v1/reenroll`: an enrolled handset whose store turned out to be a restored or cloned
/// copy takes a new device identity for the same account, authenticated by its current token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReenrollRequest {
    pub device_name: String,
    /// The same on every try of one re-enrollment: a retry gets the same new device.
    pub request_id: Uuid,
}

/// `GET /api/v1/me?cursor=N`: what the server holds of the asking device, read at the start of
/// every sync to tell a store restored from a copy, or a server restored from one, in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeQuery {
    /// The device's pull cursor.
    #[serde(default)]
    pub cursor: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceState {
    pub device_id: DeviceId,
    /// Push batches of this device the server has applied.
    pub pushes: u64,
    /// The server's history token for change number `cursor` (see `PullResponse::history`):
    /// `None` when the server holds no change numbered `cursor` or later, 0 for cursor 0.
    pub history: Option<u64>,
    /// The server's clock, ms since the epoch.
    pub server_ms: u64,
}

/// `POST /api/v1/restore`: versions a device holds with the receipts the server gave for them,
/// sent back to a server that lost them (restored from an older copy). Each is taken as if the
/// server had never lost it; one whose receipt does not match is refused `bad_receipt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub batch_id: Uuid,
    pub records: Vec<Returned>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    pub receipt: String,
    pub state: RecordState,
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
    /// The server's receipt for the version it now holds, when it holds the one sent or the merge:
    /// kept beside the record, it lets the device hand the version back should the server lose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub batch_id: Uuid,
    pub results: Vec<PushOutcome>,
    /// Push batches of this device the server has applied, this one included.
    #[serde(default)]
    pub pushes: u64,
}

/// `GET /api/v1/pull?after=N&limit=M`: changes in the device's scope after cursor N.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullQuery {
    pub after: u64,
    pub limit: Option<u32>,
    /// With the first request of a sync, what the store holds (`standing::Held`, its cursor
    /// being `after`): a server that finds itself out of step with the store answers 409
    /// `store_behind` or `history_changed` instead of a page.
    #[serde(default)]
    pub pushes: Option<u64>,
    #[serde(default)]
    pub in_flight: Option<u64>,
    #[serde(default)]
    pub history: Option<u64>,
}

/// One accepted change, numbered by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    /// The server's receipt for this version (see `PushOutcome::receipt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
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
    /// The server's history token for change number `next`: a random number given to each run of
    /// change numbers one write took. A device keeps it with its cursor; a server restored from an
    /// older copy no longer has the same token there (see `DeviceState::history`).
    #[serde(default)]
    pub history: u64,
}

/// `GET /api/v1/reference`: areas in the device's scope (and its ancestors), for pickers and maps;
/// whom a case may be dispatched to; the steps' deadlines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub areas: Vec<Area>,
    pub departments: Vec<String>,
    /// Everyone a case in the device's area may be dispatched to (older servers send none).
    #[serde(default)]
    pub handlers: Vec<Handler>,
    #[serde(default)]
    pub deadlines: crate::deadline::StepDeadlines,
    /// The lock rules for this device (older servers send none: the defaults).
    #[serde(default)]
    pub policy: crate::policy::DevicePolicy,
}

/// Who handles a case: an account, a mediation committee or centre, or a functional department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum HandlerKind {
    GridWorker,
    GridLeader,
    Supervisor,
    /// A people's mediation committee (village) or a dispute resolution centre (township, banner).
    Mediator,
    /// A functional department that "reports to the grid" (派出所, 司法所 …).
    Department,
}

impl HandlerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GridWorker => "grid_worker",
            Self::GridLeader => "grid_leader",
            Self::Supervisor => "supervisor",
            Self::Mediator => "mediator",
            Self::Department => "department",
        }
    }
}

/// One entry of the dispatch picker. A `dispatched` step names the handler by `key`: an account
/// by its name (so the authority table knows a case was dispatched to that person), a committee,
/// centre or department by its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Handler {
    pub key: String,
    pub name: String,
    pub kind: HandlerKind,
    /// The area the handler serves (none for a department).
    pub area: Option<AreaCode>,
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
