//! Strict reading of a received record: every key in its `fields` (at any depth) and in its
//! `stamps` must be one its kind knows, and its text has a size cap. A server stores and serves a
//! pushed version as the very text it came in, so anything it did not read would ride along onto
//! every handset in the area. Two kinds of top-level key are let through beyond a kind's own
//! ([`KeyRules`]): a field the server was told the kind gained ([`ExtraFields`]), checked against
//! its type, and a field *carried*: one this pusher did not write, which an older handset keeps
//! and sends back without knowing it ([`judge_key`]).

use serde_json::{Map, Value};

use crate::error::DomainError;
use crate::extra_fields::ExtraFields;
use crate::ids::DeviceId;
use crate::record::{Record, RecordKind, RecordState};

/// Largest JSON text of one record. The largest valid record (a dispute with twenty parties and
/// a 4,000-character description) is well under it.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// What a reader lets through beyond a kind's own keys.
#[derive(Clone, Copy, Debug)]
pub struct KeyRules<'a> {
    /// Fields the server was told the kinds gained.
    pub extra: &'a ExtraFields,
    /// The device that pushed the record, when unknown fields it did not write may be carried;
    /// `None` refuses every unknown field that is not declared.
    pub pusher: Option<DeviceId>,
}

static NO_EXTRA: std::sync::LazyLock<ExtraFields> = std::sync::LazyLock::new(ExtraFields::none);

impl KeyRules<'static> {
    /// Nothing beyond the kinds' own keys.
    pub fn strict() -> Self {
        Self { extra: &NO_EXTRA, pusher: None }
    }
}

/// Judges one top-level key of `state` that its kind does not know. A declared extra field must
/// hold a value of its type. Any other key must be *carried*: its stamp names another device than
/// the pusher, so the pusher did not write it. That is half of the rule "an unknown key is kept
/// only when it is exactly what the server holds for the record, same value and same stamp"; the
/// other half is the attribution check against the server's version
/// ([`crate::attribution::check_attribution`]), which holds every field stamped by another device
/// to the server's own write (or lets it lose to the server's newer one in a merge). Together a
/// handset can never introduce a key the server does not know; it can only hand back one the
/// server already gave out.
pub fn judge_key(state: &RecordState, key: &str, rules: &KeyRules<'_>) -> Result<(), String> {
    if let Some(ty) = rules.extra.get(state.kind, key) {
        let value = state.fields.get(key).unwrap_or(&Value::Null);
        return if ty.admits(value) {
            Ok(())
        } else {
            Err(format!("'{key}' of a {} must be {} or null", state.kind, ty.as_str()))
        };
    }
    match rules.pusher {
        Some(pusher) if state.stamp_of(key).device != pusher => Ok(()),
        _ => Err(format!("'{key}' is not a field of a {}", state.kind)),
    }
}

/// Decodes the typed record of `state`, refusing any key (at any depth) its kind does not know and
/// any stamp for a field it does not hold. Unknown keys are noticed while decoding, at no cost;
/// the kinds with an internally tagged part (an event's `action`, a card's `status`), where the
/// decoder buffers and cannot tell, are also compared with their typed form written back.
pub fn decode_known<R: Record>(state: &RecordState) -> Result<R, String> {
    decode_with(state, &KeyRules::strict())
}

/// [`decode_known`], letting through the top-level keys `rules` allow ([`judge_key`]). A key
/// below the top level that the kind does not know is always refused.
pub fn decode_with<R: Record>(state: &RecordState, rules: &KeyRules<'_>) -> Result<R, String> {
    let mut nested: Option<String> = None;
    let mut top: Vec<String> = Vec::new();
    let record: R = serde_ignored::deserialize(&state.fields, |path| match path {
        serde_ignored::Path::Map { parent: serde_ignored::Path::Root, key } => top.push(key),
        other => {
            nested.get_or_insert_with(|| other.to_string());
        }
    })
    .map_err(|e| {
        DomainError::Decode { kind: state.kind.to_string(), field: String::new(), message: e.to_string() }.to_string()
    })?;
    if let Some(path) = nested {
        return Err(format!("'{path}' is not a field of a {}", state.kind));
    }
    for key in &top {
        judge_key(state, key, rules)?;
    }
    if matches!(state.kind, RecordKind::DisputeEvent | RecordKind::ContactCard) {
        check_keys_with(state, &record, rules)?;
    } else if let Some(field) = state.stamps.keys().find(|k| !state.fields.contains_key(*k)) {
        return Err(format!("a stamp is given for '{field}', which the record does not hold"));
    }
    Ok(record)
}

/// Checks that `state` holds no key that its typed form `record` (decoded from it) does not
/// have, and no stamp for a field it does not hold.
pub fn check_known_keys<R: Record>(state: &RecordState, record: &R) -> Result<(), String> {
    check_keys_with(state, record, &KeyRules::strict())
}

/// [`check_known_keys`], letting through the top-level keys `rules` allow ([`judge_key`]).
pub fn check_keys_with<R: Record>(state: &RecordState, record: &R, rules: &KeyRules<'_>) -> Result<(), String> {
    let known = serde_json::to_value(record).map_err(|e| e.to_string())?;
    let Value::Object(known) = known else {
        return Err(format!("a {} must be written as an object", state.kind));
    };
    for (k, v) in &state.fields {
        match known.get(k) {
            None => judge_key(state, k, rules)?,
            Some(kv) => {
                if let Some(path) = unknown_in(v, kv, k) {
                    return Err(format!("'{path}' is not a field of a {}", state.kind));
                }
            }
        }
    }
    if let Some(field) = state.stamps.keys().find(|k| !state.fields.contains_key(*k)) {
        return Err(format!("a stamp is given for '{field}', which the record does not hold"));
    }
    Ok(())
}

/// The path of the first key in `sent` that `known` (the same value as its type writes it) lacks.
fn unknown_key(sent: &Map<String, Value>, known: &Value, at: &str) -> Option<String> {
    let Value::Object(known) = known else {
        return sent.keys().next().map(|k| join(at, k));
    };
    sent.iter().find_map(|(k, v)| match known.get(k) {
        None => Some(join(at, k)),
        Some(kv) => unknown_in(v, kv, &join(at, k)),
    })
}

fn unknown_in(sent: &Value, known: &Value, at: &str) -> Option<String> {
    match (sent, known) {
        (Value::Object(s), k) => unknown_key(s, k, at),
        (Value::Array(s), Value::Array(k)) => {
            s.iter().zip(k).enumerate().find_map(|(i, (sv, kv))| unknown_in(sv, kv, &format!("{at}[{i}]")))
        }
        _ => None,
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::HlcClock;
    use crate::household::{Household, Member};
    use crate::ids::{AreaCode, DeviceId, RecordId};
    use crate::record::Writer;

    fn state() -> (RecordState, Household) {
        let mut h = Household::new(AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "1号");
        h.members.push(Member { name: "李娜".into(), relation: "配偶".into(), birth_year: None, phone: None });
        let mut clock = HlcClock::default();
        let s = RecordState::create(
            RecordId::new(),
            &h,
            &mut Writer { device: DeviceId::new(), clock: &mut clock, now_ms: 1_000 },
        )
        .unwrap();
        (s, h)
    }

    #[test]
    fn decoding_refuses_unknown_keys_at_any_depth() {
        let (s, h) = state();
        assert_eq!(decode_known::<Household>(&s), Ok(h));
        let (mut s, _) = state();
        s.fields["members"][0].as_object_mut().unwrap().insert("secret".into(), 1.into());
        let err = decode_known::<Household>(&s).unwrap_err();
        assert!(err.contains("members") && err.contains("secret"), "{err}");
        let (mut s, _) = state();
        s.fields.insert("blob".into(), Value::String("x".into()));
        assert_eq!(decode_known::<Household>(&s).unwrap_err(), "'blob' is not a field of a household");
        let (mut s, _) = state();
        let stamp = s.origin;
        s.stamps.insert("ghost".into(), stamp);
        assert!(decode_known::<Household>(&s).unwrap_err().contains("ghost"));
    }

    #[test]
    fn an_events_action_is_checked_to_its_last_key() {
        use crate::dispute::{DisputeAction, DisputeEvent};
        let e = DisputeEvent {
            dispute: RecordId::new(),
            micro_grid: AreaCode::parse("150621001001001001").unwrap(),
            actor: "王芳".into(),
            at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            action: DisputeAction::Rated { score: 5 },
            note: String::new(),
            visit: None,
        };
        let mut clock = HlcClock::default();
        let mut s = RecordState::create(
            RecordId::new(),
            &e,
            &mut Writer { device: DeviceId::new(), clock: &mut clock, now_ms: 1_000 },
        )
        .unwrap();
        assert_eq!(decode_known::<DisputeEvent>(&s), Ok(e));
        s.fields["action"].as_object_mut().unwrap().insert("blob".into(), "x".into());
        assert_eq!(decode_known::<DisputeEvent>(&s).unwrap_err(), "'action.blob' is not a field of a dispute_event");
    }

    #[test]
    fn known_keys_pass_and_unknown_ones_are_named_by_path() {
        let (s, h) = state();
        assert_eq!(check_known_keys(&s, &h), Ok(()));
        type Change = fn(&mut RecordState);
        let cases: [(&str, Change); 4] = [
            ("'blob' is not a field of a household", |s| {
                s.fields.insert("blob".into(), Value::String("x".repeat(100)));
            }),
            ("'members[0].secret' is not a field of a household", |s| {
                s.fields["members"][0].as_object_mut().unwrap().insert("secret".into(), 1.into());
            }),
            ("'head_name.x' is not a field of a household", |s| {
                s.fields.insert("head_name".into(), serde_json::json!({"x": 1}));
            }),
            ("a stamp is given for 'ghost', which the record does not hold", |s| {
                let stamp = s.origin;
                s.stamps.insert("ghost".into(), stamp);
            }),
        ];
        for (want, change) in cases {
            let (mut s, h) = state();
            change(&mut s);
            assert_eq!(check_known_keys(&s, &h), Err(want.to_owned()));
        }
    }
}

#[cfg(test)]
mod carry_tests;
