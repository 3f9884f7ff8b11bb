//! Table tests of the keys a record may hold beyond its kind's own: declared extra fields, and
//! fields carried unchanged from another device's write — alone, and together with the
//! attribution check against the server's version, which completes the carried-field rule.

use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::attribution::check_attribution;
use crate::clock::{HlcClock, Stamp};
use crate::dispute::{DisputeAction, DisputeEvent};
use crate::extra_fields::ExtraFields;
use crate::household::{Household, Member};
use crate::ids::{AreaCode, RecordId};
use crate::record::Writer;

/// The older handset that pushes (P) and the newer one (N) that wrote the new field.
const P: u128 = 1;
const N: u128 = 2;

fn dev(n: u128) -> DeviceId {
    DeviceId(Uuid::from_u128(n))
}

fn household() -> Household {
    Household::new(AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "1号")
}

struct Clocks(HlcClock, u64);

impl Clocks {
    fn w(&mut self, device: u128) -> Writer<'_> {
        self.1 += 1000;
        Writer { device: dev(device), clock: &mut self.0, now_ms: self.1 }
    }

    /// `state` with `key` set to `value` as a write of `device` (a new dot), as a newer app does.
    fn write_field(&mut self, state: &RecordState, device: u128, key: &str, value: Value) -> RecordState {
        let mut next = state.clone();
        let n = next.vv.increment(dev(device));
        self.1 += 1000;
        let stamp = Stamp { hlc: self.0.tick(self.1), device: dev(device), n };
        next.stamps.insert(key.into(), stamp);
        next.fields.insert(key.into(), value);
        next
    }
}

fn clocks() -> Clocks {
    Clocks(HlcClock::default(), 1_000_000)
}

fn dialect() -> ExtraFields {
    ["household.dialect:text"].iter().map(|s| s.parse().unwrap()).collect()
}

/// A household created by `creator` that `N` then gave a dialect.
fn with_dialect(c: &mut Clocks, creator: u128) -> RecordState {
    let s = RecordState::create(RecordId(Uuid::from_u128(7)), &household(), &mut c.w(creator)).unwrap();
    c.write_field(&s, N, "dialect", json!("蒙古语"))
}

#[test]
fn top_level_keys_beyond_the_kind() {
    let none = ExtraFields::none();
    let declared = dialect();
    let strict = KeyRules::strict();
    let carry = KeyRules { extra: &none, pusher: Some(dev(P)) };
    let typed = KeyRules { extra: &declared, pusher: Some(dev(P)) };
    type Make = fn(&mut Clocks) -> RecordState;
    let cases: [(&str, Make, &KeyRules<'_>, Result<(), &str>); 10] = [
        ("declared, written by the pusher", |c| with_dialect_by(c, P, json!("蒙古语")), &typed, Ok(())),
        ("declared, null", |c| with_dialect_by(c, P, Value::Null), &typed, Ok(())),
        (
            "declared, of the wrong type",
            |c| with_dialect_by(c, P, json!(3)),
            &typed,
            Err("'dialect' of a household must be text or null"),
        ),
        ("carried: another device wrote it", |c| with_dialect(c, P), &carry, Ok(())),
        ("carried in a record another device created", |c| created_with_dialect(c, N), &carry, Ok(())),
        (
            "written by the pusher, not declared",
            |c| with_dialect_by(c, P, json!("蒙古语")),
            &carry,
            Err("'dialect' is not a field of a household"),
        ),
        (
            "unstamped in a record the pusher created",
            |c| created_with_dialect(c, P),
            &carry,
            Err("'dialect' is not a field of a household"),
        ),
        ("strict rules carry nothing", |c| with_dialect(c, P), &strict, Err("'dialect' is not a field of a household")),
        (
            "below the top level, never",
            |c| {
                let mut s = with_dialect(c, P);
                s.fields["members"] =
                    json!([{"name": "李娜", "relation": "配偶", "birth_year": null, "phone": null, "x": 1}]);
                s
            },
            &carry,
            Err("'members.0.x' is not a field of a household"),
        ),
        (
            "a stamp for a field not held",
            |c| {
                let mut s = with_dialect(c, P);
                s.fields.remove("dialect");
                s
            },
            &carry,
            Err("a stamp is given for 'dialect', which the record does not hold"),
        ),
    ];
    for (name, make, rules, want) in cases {
        let s = make(&mut clocks());
        let got = decode_with::<Household>(&s, rules).map(|_| ());
        assert_eq!(got, want.map_err(str::to_owned), "{name}");
    }
}

fn with_dialect_by(c: &mut Clocks, writer: u128, value: Value) -> RecordState {
    let s = RecordState::create(RecordId(Uuid::from_u128(7)), &household(), &mut c.w(P)).unwrap();
    c.write_field(&s, writer, "dialect", value)
}

/// A household created by `creator` with a dialect in its first version (no stamp of its own).
fn created_with_dialect(c: &mut Clocks, creator: u128) -> RecordState {
    let mut s = RecordState::create(RecordId(Uuid::from_u128(7)), &household(), &mut c.w(creator)).unwrap();
    s.fields.insert("dialect".into(), json!("蒙古语"));
    s
}

#[test]
fn an_event_carries_keys_only_as_another_device_wrote_it() {
    let e = DisputeEvent {
        dispute: RecordId::new(),
        micro_grid: AreaCode::parse("150621001001001001").unwrap(),
        actor: "王芳".into(),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        action: DisputeAction::Rated { score: 5 },
        note: String::new(),
        visit: None,
    };
    let mut c = clocks();
    let mut s = RecordState::create(RecordId::new(), &e, &mut c.w(N)).unwrap();
    s.fields.insert("mood".into(), json!("calm"));
    let none = ExtraFields::none();
    let by = |d| KeyRules { extra: &none, pusher: Some(dev(d)) };
    assert_eq!(decode_with::<DisputeEvent>(&s, &by(P)), Ok(e.clone()), "sent on by another handset");
    assert_eq!(decode_with::<DisputeEvent>(&s, &by(N)).unwrap_err(), "'mood' is not a field of a dispute_event");
    s.fields["action"].as_object_mut().unwrap().insert("blob".into(), "x".into());
    assert_eq!(decode_with::<DisputeEvent>(&s, &by(P)).unwrap_err(), "'action.blob' is not a field of a dispute_event");
}

/// The whole rule for an undeclared key: it passes only when it is exactly the server's write —
/// the decode (not the pusher's write) and the attribution check (the server's value and stamp).
#[test]
fn an_unknown_key_passes_only_as_the_server_holds_it() {
    let mut c = clocks();
    let base = RecordState::create(RecordId(Uuid::from_u128(7)), &household(), &mut c.w(P)).unwrap();
    let server = c.write_field(&base, N, "dialect", json!("蒙古语"));
    type Make = fn(&mut Clocks, &RecordState, &RecordState) -> Option<RecordState>;
    let cases: [(&str, Make, bool); 7] = [
        ("kept as held, another field edited", |c, _, s| Some(edit_member(c, s)), true),
        ("kept as held, after a concurrent edit", |c, b, s| Some(carry_into(c, b, s)), true),
        (
            "its value changed under the other device's stamp",
            |c, _, s| {
                let mut p = edit_member(c, s);
                p.fields["dialect"] = json!("汉语");
                Some(p)
            },
            false,
        ),
        ("written anew by the pusher", |c, _, s| Some(c.write_field(s, P, "dialect", json!("汉语"))), false),
        (
            "a new key under a stamp the server holds for another",
            |c, _, s| {
                let mut p = edit_member(c, s);
                p.fields.insert("blob".into(), json!("x"));
                let stamp = *p.stamp_of("dialect");
                p.stamps.insert("blob".into(), stamp);
                Some(p)
            },
            false,
        ),
        (
            "a new key under another device's dot the server never saw",
            |c, _, s| Some(c.write_field(s, N, "blob", json!("x"))),
            false,
        ),
        (
            "not held at all: a new record",
            |c, _, _| {
                let f = fresh(c);
                Some(c.write_field(&f, N, "blob", json!("x")))
            },
            false,
        ),
    ];
    let none = ExtraFields::none();
    let rules = KeyRules { extra: &none, pusher: Some(dev(P)) };
    for (name, make, want) in cases {
        let mut c2 = clocks();
        c2.1 = c.1;
        let pushed = make(&mut c2, &base, &server).unwrap();
        let held = (pushed.id == server.id).then_some(&server);
        let ok = decode_with::<Household>(&pushed, &rules).is_ok() && check_attribution(dev(P), held, &pushed).is_ok();
        assert_eq!(ok, want, "{name}");
    }
}

/// P's edit of the members of the server's version (it keeps `dialect` as it came).
fn edit_member(c: &mut Clocks, s: &RecordState) -> RecordState {
    let mut h: Household = s.decode().unwrap();
    h.members.push(Member { name: "李娜".into(), relation: "配偶".into(), birth_year: None, phone: None });
    s.edit(&h, &mut c.w(P)).unwrap().unwrap()
}

/// P edited the base concurrently with N's dialect, then met N's version: P's merge carries both.
fn carry_into(c: &mut Clocks, base: &RecordState, server: &RecordState) -> RecordState {
    let mine = edit_member(c, base);
    crate::merge::merge(&mine, server).unwrap().state
}

fn fresh(c: &mut Clocks) -> RecordState {
    RecordState::create(RecordId(Uuid::from_u128(8)), &household(), &mut c.w(P)).unwrap()
}
