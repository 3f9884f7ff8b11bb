//! The per-record decisions of a push as pure functions: read and check one pushed record, then
//! classify it against the server's version. The store only executes what these decide.

use std::collections::HashMap;

use gridwork_domain::clock::check_not_future;
use gridwork_domain::wire::{PushOutcome, PushResponse, PushStatus};
use gridwork_domain::{
    AreaCode, Causality, ContactCard, DeviceId, Dispute, DisputeEvent, FieldConflict, Household, Record, RecordId,
    RecordKind, RecordState, Visit, merge,
};
use serde_json::Value;
use uuid::Uuid;

/// Why a pushed record was refused: a stable code for machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectCode {
    UnknownKind,
    BadUuid,
    Validation,
    OutOfScope,
    BadVersion,
    ClockSkew,
    Immutable,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownKind => "unknown_kind",
            Self::BadUuid => "bad_uuid",
            Self::Validation => "validation",
            Self::OutOfScope => "out_of_scope",
            Self::BadVersion => "bad_version",
            Self::ClockSkew => "clock_skew",
            Self::Immutable => "immutable",
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
    fn new(id: RecordId, code: RejectCode, message: impl Into<String>) -> Self {
        Self { id, code, message: message.into() }
    }
}

/// A pushed record that passed every check that needs no server state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub state: RecordState,
    pub micro_grid: AreaCode,
    /// The JSON text the record came as: stored and served as is when the server takes it whole.
    pub text: String,
}

/// The result of the stateless checks of one pushed record.
pub type Checked = Result<Candidate, Rejection>;

/// Who pushes: the device and the area it may write in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pusher {
    pub device: DeviceId,
    pub scope: AreaCode,
}

/// The id reported for a record whose own id could not be read.
pub const UNREADABLE_ID: RecordId = RecordId(Uuid::nil());

/// Reads and checks one pushed record as far as possible without the server's version: id, kind,
/// shape, typed validation, scope, version-vector consistency and clock skew.
pub fn check_record(pusher: &Pusher, value: Value, now_ms: u64) -> Checked {
    let Value::Object(obj) = &value else {
        return Err(Rejection::new(UNREADABLE_ID, RejectCode::Validation, "a record must be a JSON object"));
    };
    let id = match obj.get("id").and_then(Value::as_str).map(str::parse::<RecordId>) {
        Some(Ok(id)) => id,
        Some(Err(e)) => return Err(Rejection::new(UNREADABLE_ID, RejectCode::BadUuid, e.message)),
        None => return Err(Rejection::new(UNREADABLE_ID, RejectCode::BadUuid, "the record has no string 'id'")),
    };
    match obj.get("kind").and_then(Value::as_str).map(str::parse::<RecordKind>) {
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(Rejection::new(id, RejectCode::UnknownKind, e.message)),
        None => return Err(Rejection::new(id, RejectCode::UnknownKind, "the record has no string 'kind'")),
    }
    let text = value.to_string();
    let state: RecordState = serde_json::from_value(value)
        .map_err(|e| Rejection::new(id, RejectCode::Validation, format!("the record cannot be read: {e}")))?;
    check_state(pusher, state, text, now_ms)
}

/// Checks one pushed record given as JSON text: read straight into a `RecordState` when it is
/// well formed (the common case), through [`check_record`] for a precise reason when it is not.
pub fn check_text(pusher: &Pusher, text: String, now_ms: u64) -> Checked {
    match serde_json::from_str::<RecordState>(&text) {
        Ok(state) => check_state(pusher, state, text, now_ms),
        Err(_) => check_record(pusher, serde_json::from_str(&text).unwrap_or(Value::Null), now_ms),
    }
}

/// The checks of a record that could be read: its area, scope, version vector and clock.
fn check_state(pusher: &Pusher, state: RecordState, text: String, now_ms: u64) -> Checked {
    let id = state.id;
    let micro_grid = typed_micro_grid(&state).map_err(|m| Rejection::new(id, RejectCode::Validation, m))?;
    if !micro_grid.is_within(&pusher.scope) {
        return Err(Rejection::new(
            id,
            RejectCode::OutOfScope,
            format!("micro-grid {micro_grid} is outside this device's area {}", pusher.scope),
        ));
    }
    check_version(&state).map_err(|m| Rejection::new(id, RejectCode::BadVersion, m))?;
    check_not_future(state.latest_stamp().hlc, now_ms)
        .map_err(|e| Rejection::new(id, RejectCode::ClockSkew, e.to_string()))?;
    Ok(Candidate { state, micro_grid, text })
}

/// A version must name at least one write and include every write its stamps name.
pub fn check_version(state: &RecordState) -> Result<(), String> {
    if state.vv.is_empty() {
        return Err("the version vector is empty".into());
    }
    if !state.vv.covers(&state.origin) {
        return Err(format!(
            "the origin stamp ({}, {}) is not in the version vector",
            state.origin.device, state.origin.n
        ));
    }
    for (field, stamp) in &state.stamps {
        if !state.vv.covers(stamp) {
            return Err(format!(
                "the stamp of field '{field}' ({}, {}) is not in the version vector",
                stamp.device, stamp.n
            ));
        }
    }
    Ok(())
}

/// Decodes the typed record of the state's kind, validates it and returns its micro-grid.
fn typed_micro_grid(state: &RecordState) -> Result<AreaCode, String> {
    match state.kind {
        RecordKind::Household => typed::<Household>(state),
        RecordKind::Visit => typed::<Visit>(state),
        RecordKind::Dispute => typed::<Dispute>(state),
        RecordKind::DisputeEvent => typed::<DisputeEvent>(state),
        RecordKind::ContactCard => typed::<ContactCard>(state),
    }
}

fn typed<R: Record>(state: &RecordState) -> Result<AreaCode, String> {
    let record: R = state.decode().map_err(|e| e.to_string())?;
    record.validate().map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    Ok(record.micro_grid().clone())
}

/// What to do with one pushed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// New, or newer than the server's: store as sent (the very text) with the next change number.
    Accept {
        state: RecordState,
        micro_grid: AreaCode,
        text: String,
    },
    /// Concurrent with the server's: store the merge with the next change number, keep the conflicts.
    Merge {
        state: RecordState,
        micro_grid: AreaCode,
        conflicts: Vec<FieldConflict>,
    },
    /// The server has this version or a newer one: nothing to write.
    AlreadyKnown,
    Reject {
        code: RejectCode,
        message: String,
    },
}

impl Decision {
    fn reject(code: RejectCode, message: impl Into<String>) -> Self {
        Self::Reject { code, message: message.into() }
    }

    /// The version to store, if any.
    pub fn stored(&self) -> Option<(&RecordState, &AreaCode)> {
        match self {
            Self::Accept { state, micro_grid, .. } | Self::Merge { state, micro_grid, .. } => Some((state, micro_grid)),
            _ => None,
        }
    }
}

/// Classifies a checked record against the server's version of it.
pub fn decide(pusher: &Pusher, server: Option<&RecordState>, candidate: Candidate) -> Decision {
    let Candidate { state: pushed, micro_grid, text } = candidate;
    let Some(server) = server else {
        return Decision::Accept { state: pushed, micro_grid, text };
    };
    if server.kind != pushed.kind {
        return Decision::reject(
            RejectCode::Validation,
            format!("record {} is a {} on the server, not a {}", pushed.id, server.kind, pushed.kind),
        );
    }
    if !server.micro_grid().is_some_and(|m| m.is_within(&pusher.scope)) {
        return Decision::reject(
            RejectCode::OutOfScope,
            format!("record {} lies outside this device's area", pushed.id),
        );
    }
    if server.kind.append_only() && server.fields != pushed.fields {
        return Decision::reject(RejectCode::Immutable, format!("a {} cannot be changed once written", server.kind));
    }
    let causality = server.vv.compare(&pushed.vv);
    let (mine_on_server, mine_pushed) = (server.vv.get(pusher.device), pushed.vv.get(pusher.device));
    if mine_pushed < mine_on_server && causality != Causality::Newer {
        return Decision::reject(
            RejectCode::BadVersion,
            format!(
                "the version vector goes backwards: this device's counter is {mine_pushed}, the server has {mine_on_server}"
            ),
        );
    }
    match causality {
        Causality::Equal | Causality::Newer => Decision::AlreadyKnown,
        Causality::Older => Decision::Accept { state: pushed, micro_grid, text },
        Causality::Concurrent => match merge(server, &pushed) {
            Ok(m) => {
                let micro_grid = m.state.micro_grid().unwrap_or(micro_grid);
                Decision::Merge { state: m.state, micro_grid, conflicts: m.conflicts }
            }
            Err(e) => Decision::reject(RejectCode::Validation, e.to_string()),
        },
    }
}

/// Decides a whole batch in order. `server` holds the server's versions of the batch's records and
/// is updated as the batch goes, so a record pushed twice in one batch meets its first push.
pub fn plan(
    pusher: &Pusher,
    checked: Vec<Checked>,
    server: &mut HashMap<RecordId, RecordState>,
) -> Vec<(RecordId, Decision)> {
    // Only a record that comes again later in the batch needs its new version kept at hand.
    let mut left: HashMap<RecordId, usize> = HashMap::with_capacity(checked.len());
    for c in checked.iter().flatten() {
        *left.entry(c.state.id).or_default() += 1;
    }
    checked
        .into_iter()
        .map(|c| match c {
            Err(r) => (r.id, Decision::Reject { code: r.code, message: r.message }),
            Ok(candidate) => {
                let id = candidate.state.id;
                let decision = decide(pusher, server.get(&id), candidate);
                let again = left.get_mut(&id).map(|n| {
                    *n -= 1;
                    *n > 0
                });
                if again == Some(true)
                    && let Some((state, _)) = decision.stored()
                {
                    server.insert(id, state.clone());
                }
                (id, decision)
            }
        })
        .collect()
}

/// The answer to a batch, one outcome per pushed record in the order they were sent.
pub fn respond(batch_id: Uuid, plan: &[(RecordId, Decision)]) -> PushResponse {
    let results = plan
        .iter()
        .map(|(id, d)| PushOutcome {
            id: *id,
            status: match d {
                Decision::Accept { .. } => PushStatus::Accepted,
                Decision::Merge { state, conflicts, .. } => {
                    PushStatus::Merged { state: state.clone(), conflicts: conflicts.clone() }
                }
                Decision::AlreadyKnown => PushStatus::AlreadyKnown,
                Decision::Reject { code, message } => {
                    PushStatus::Rejected { code: code.as_str().to_owned(), message: message.clone() }
                }
            },
        })
        .collect();
    PushResponse { batch_id, results }
}

#[cfg(test)]
mod tests;
