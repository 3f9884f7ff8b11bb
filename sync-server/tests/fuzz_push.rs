//! Fuzzing of the push path with proptest (cargo-fuzz needs a nightly toolchain, which this
//! project's machines do not have): reading and checking a pushed record and deciding it against
//! the server's version never panic, whatever the bytes, and nothing a device pushes is stored
//! with a write of another device that the server did not already hold. Bounded in the test
//! command; the longer run is in docs/security.md.

use std::collections::HashMap;

use gridwork_domain::attribution::{MAX_COUNTER, MAX_WRITERS};
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, DeviceId, HlcClock, Household, RecordId, RecordState, Writer};
use gridwork_sync_server::push_logic::{Cases, Pusher, check_text, plan};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const NOW: u64 = 1_760_000_000_000;

fn pusher(n: u128, role: Role) -> Pusher {
    Pusher {
        device: DeviceId(Uuid::from_u128(n)),
        name: "王芳".into(),
        role,
        scope: AreaCode::parse("150621001001001").unwrap(),
    }
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::GridWorker), Just(Role::GridLeader), Just(Role::Supervisor), Just(Role::Admin)]
}

/// A valid household of device `n` as JSON.
fn valid(n: u128) -> Value {
    let h = Household::new(AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "1号");
    let mut clock = HlcClock::default();
    let s = RecordState::create(
        RecordId(Uuid::from_u128(9)),
        &h,
        &mut Writer { device: DeviceId(Uuid::from_u128(n)), clock: &mut clock, now_ms: NOW },
    )
    .unwrap();
    serde_json::to_value(s).unwrap()
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        "[0-9a-f-]{0,40}".prop_map(Value::String),
        "15062100100100[0-9]{0,6}".prop_map(Value::String),
        Just(json!({"00000000-0000-0000-0000-000000000001": 3, "00000000-0000-0000-0000-000000000002": 1})),
        Just(json!({"hlc": {"ms": NOW, "lc": 0}, "device": "00000000-0000-0000-0000-000000000002", "n": 1})),
    ]
}

/// A mutation of a JSON document: set a value at a path of keys (creating it), or remove a key.
#[derive(Clone, Debug)]
enum Mutation {
    Set(Vec<String>, Value),
    Remove(Vec<String>),
}

fn path() -> impl Strategy<Value = Vec<String>> {
    let key = prop_oneof![
        Just("id".to_owned()),
        Just("kind".to_owned()),
        Just("vv".to_owned()),
        Just("origin".to_owned()),
        Just("stamps".to_owned()),
        Just("fields".to_owned()),
        Just("head_name".to_owned()),
        Just("micro_grid".to_owned()),
        Just("members".to_owned()),
        Just("n".to_owned()),
        Just("device".to_owned()),
        Just("00000000-0000-0000-0000-000000000002".to_owned()),
        "[a-z]{1,3}",
    ];
    proptest::collection::vec(key, 1..4)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![(path(), leaf()).prop_map(|(p, v)| Mutation::Set(p, v)), path().prop_map(Mutation::Remove),]
}

fn apply(doc: &mut Value, m: &Mutation) {
    let (keys, value) = match m {
        Mutation::Set(k, v) => (k, Some(v)),
        Mutation::Remove(k) => (k, None),
    };
    let mut at = doc;
    for (i, k) in keys.iter().enumerate() {
        let Value::Object(map) = at else { return };
        if i + 1 == keys.len() {
            match value {
                Some(v) => {
                    map.insert(k.clone(), v.clone());
                }
                None => {
                    map.remove(k);
                }
            }
            return;
        }
        at = map.entry(k.clone()).or_insert_with(|| json!({}));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary bytes: the reader answers, never panics.
    #[test]
    fn arbitrary_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..600), r in role()) {
        let _ = check_text(&pusher(1, r), String::from_utf8_lossy(&bytes).into_owned(), NOW);
    }

    /// Mutated records against a mutated server version: no panic, and whatever is stored keeps
    /// the bounds and adds no write of another device beyond what the server held.
    #[test]
    fn mutated_records_never_smuggle_a_foreign_write(
        pushed_by in 1u128..3,
        r in role(),
        server_mutations in proptest::collection::vec(mutation(), 0..3),
        push_mutations in proptest::collection::vec(mutation(), 0..5),
    ) {
        let p = pusher(pushed_by, r);
        let mut server_doc = valid(2);
        for m in &server_mutations {
            apply(&mut server_doc, m);
        }
        let server: Option<RecordState> = serde_json::from_value(server_doc.clone()).ok();
        let mut doc = valid(pushed_by);
        for m in &push_mutations {
            apply(&mut doc, m);
        }
        let checked = check_text(&p, doc.to_string(), NOW);
        let mut held: HashMap<RecordId, RecordState> = server.iter().map(|s| (s.id, s.clone())).collect();
        let before = held.clone();
        let decisions = plan(&p, vec![checked], &mut held, &mut Cases::default());
        for (id, d) in &decisions {
            if let Some((stored, _)) = d.stored() {
                prop_assert!(stored.vv.iter().count() <= MAX_WRITERS);
                for (device, n) in stored.vv.iter() {
                    prop_assert!(n <= MAX_COUNTER);
                    if device != p.device {
                        let was = before.get(id).map_or(0, |s| s.vv.get(device));
                        prop_assert!(n <= was, "device {device} at {n}, the server held {was}");
                    }
                }
            }
        }
    }
}
