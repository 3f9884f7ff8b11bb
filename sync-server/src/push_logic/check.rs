//! The checks of one pushed record that need no server state: its id, kind and shape, size, known
//! keys (those the server was told of, and those carried from another device's write), typed
//! validation, area, version vector, clock, and that the names it gives for its author are the
//! pushing account's own.

use gridwork_domain::attribution::check_bounds;
use gridwork_domain::clock::check_not_future;
use gridwork_domain::extra_fields::ExtraFields;
use gridwork_domain::highlight::Highlight;
use gridwork_domain::strict::{KeyRules, MAX_RECORD_BYTES, decode_with};
use gridwork_domain::{
    AreaCode, ContactCard, Dispute, DisputeAction, DisputeEvent, Household, Record, RecordId, RecordKind, RecordState,
    Visit,
};
use serde_json::Value;

use super::{Pusher, RejectCode, Rejection, UNREADABLE_ID};

/// What the authority check needs to know of a pushed record's typed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Facts {
    Household { archived: bool },
    Visit,
    Dispute,
    Event { dispute: RecordId, action: DisputeAction, visit: Option<RecordId> },
    Card,
    Highlight,
}

/// A pushed record that passed every check that needs no server state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub state: RecordState,
    pub micro_grid: AreaCode,
    pub facts: Facts,
    /// The JSON text the record came as: stored and served as is when the server takes it whole.
    pub text: String,
    /// Handed back with a receipt the server verified: a version the server itself stored once
    /// (and lost), so who wrote it was judged then and is not judged again.
    pub vouched: bool,
    /// The receipt a handed-back version came with (`/api/v1/restore`), for the store to verify.
    pub receipt: Option<String>,
}

/// The result of the stateless checks of one pushed record.
pub type Checked = Result<Candidate, Rejection>;

/// Reads and checks one pushed record as far as possible without the server's version.
pub fn check_record(pusher: &Pusher, value: Value, now_ms: u64) -> Checked {
    check_record_with(pusher, value, now_ms, &ExtraFields::none())
}

/// [`check_record`] by a server that was told of the fields in `fields`.
pub fn check_record_with(pusher: &Pusher, value: Value, now_ms: u64, fields: &ExtraFields) -> Checked {
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
    check_size(id, &text)?;
    let state: RecordState = serde_json::from_value(value)
        .map_err(|e| Rejection::new(id, RejectCode::Validation, format!("the record cannot be read: {e}")))?;
    check_state(pusher, state, text, now_ms, fields)
}

/// Checks one pushed record given as JSON text: read straight into a `RecordState` when it is
/// well formed (the common case), through [`check_record`] for a precise reason when it is not.
pub fn check_text(pusher: &Pusher, text: String, now_ms: u64) -> Checked {
    check_text_with(pusher, text, now_ms, &ExtraFields::none())
}

/// [`check_text`] by a server that was told of the fields in `fields`.
pub fn check_text_with(pusher: &Pusher, text: String, now_ms: u64, fields: &ExtraFields) -> Checked {
    match serde_json::from_str::<RecordState>(&text) {
        Ok(state) => {
            check_size(state.id, &text)?;
            check_state(pusher, state, text, now_ms, fields)
        }
        Err(_) => check_record_with(pusher, serde_json::from_str(&text).unwrap_or(Value::Null), now_ms, fields),
    }
}

fn check_size(id: RecordId, text: &str) -> Result<(), Rejection> {
    if text.len() > MAX_RECORD_BYTES {
        return Err(Rejection::new(
            id,
            RejectCode::Validation,
            format!("the record is {} bytes; at most {MAX_RECORD_BYTES} are allowed", text.len()),
        ));
    }
    Ok(())
}

/// The checks of a record that could be read.
fn check_state(pusher: &Pusher, state: RecordState, text: String, now_ms: u64, fields: &ExtraFields) -> Checked {
    let id = state.id;
    check_bounds(&state).map_err(|e| Rejection::new(id, RejectCode::BadVersion, e.to_string()))?;
    let rules = KeyRules { extra: fields, pusher: Some(pusher.device) };
    let (micro_grid, facts) = typed(&state, &rules).map_err(|m| Rejection::new(id, RejectCode::Validation, m))?;
    if !micro_grid.is_within(&pusher.scope) {
        return Err(Rejection::outside(id));
    }
    check_version(&state).map_err(|m| Rejection::new(id, RejectCode::BadVersion, m))?;
    check_not_future(state.latest_stamp().hlc, now_ms)
        .map_err(|e| Rejection::new(id, RejectCode::ClockSkew, e.to_string()))?;
    check_author_name(pusher, &state).map_err(|m| Rejection::new(id, RejectCode::Forbidden, m))?;
    Ok(Candidate { state, micro_grid, facts, text, vouched: false, receipt: None })
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

/// The field naming who wrote a record of this kind: bound to the account, not the client's word.
pub fn author_field(kind: RecordKind) -> Option<&'static str> {
    match kind {
        RecordKind::Household => None,
        RecordKind::Visit => Some("worker"),
        RecordKind::Dispute => Some("reporter"),
        RecordKind::DisputeEvent => Some("actor"),
        RecordKind::ContactCard => Some("issuer"),
        RecordKind::Highlight => Some("awarded_by"),
    }
}

/// When the pusher itself wrote the author field, it must hold the pushing account's name.
fn check_author_name(pusher: &Pusher, state: &RecordState) -> Result<(), String> {
    let Some(field) = author_field(state.kind) else { return Ok(()) };
    if state.stamp_of(field).device == pusher.device && state.str_field(field) != Some(pusher.name.as_str()) {
        return Err(format!("'{field}' must be the name of the account this device belongs to"));
    }
    Ok(())
}

/// Decodes the typed record of the state's kind (refusing keys it does not know, beyond those
/// `rules` let through), validates it, and returns its micro-grid and what the authority check
/// needs to know of it. A key let through as carried is held to the server's own write later, by
/// the attribution check against the server's version.
fn typed(state: &RecordState, rules: &KeyRules<'_>) -> Result<(AreaCode, Facts), String> {
    match state.kind {
        RecordKind::Household => read::<Household>(state, rules, |h| Facts::Household { archived: h.archived }),
        RecordKind::Visit => read::<Visit>(state, rules, |_| Facts::Visit),
        RecordKind::Dispute => read::<Dispute>(state, rules, |_| Facts::Dispute),
        RecordKind::DisputeEvent => read::<DisputeEvent>(state, rules, |e| Facts::Event {
            dispute: e.dispute,
            action: e.action.clone(),
            visit: e.visit,
        }),
        RecordKind::ContactCard => read::<ContactCard>(state, rules, |_| Facts::Card),
        RecordKind::Highlight => read::<Highlight>(state, rules, |_| Facts::Highlight),
    }
}

fn read<R: Record>(
    state: &RecordState,
    rules: &KeyRules<'_>,
    facts: impl FnOnce(&R) -> Facts,
) -> Result<(AreaCode, Facts), String> {
    let record: R = decode_with(state, rules)?;
    record.validate().map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    Ok((record.micro_grid().clone(), facts(&record)))
}
