//! Fuzzing of the merge and the workflow fold with proptest (cargo-fuzz needs a nightly toolchain,
//! which this project's machines do not have): arbitrary versions and arbitrary event histories
//! never panic, and keep their laws. The test command runs a bounded number of cases; the longer
//! run is in docs/security.md (`PROPTEST_CASES=…`).

use gridwork_domain::workflow::{MAX_ATTEMPTS_PER_LEVEL, fold, fold_lenient};
use gridwork_domain::{
    AreaCode, AttemptOutcome, DeviceId, DisputeAction, DisputeEvent, Hlc, MediationLevel, RecordId, RecordKind,
    RecordState, Referral, Stamp, VersionVector, merge,
};
use proptest::prelude::*;
use serde_json::{Map, Value};
use uuid::Uuid;

fn device() -> impl Strategy<Value = DeviceId> {
    (0u128..4).prop_map(|n| DeviceId(Uuid::from_u128(n + 1)))
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (0u64..5, 0u32..3, device(), prop_oneof![0u64..5, Just(u64::MAX)]).prop_map(|(ms, lc, device, n)| Stamp {
        hlc: Hlc::new(ms, lc),
        device,
        n,
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z张王李]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-c]", inner, 0..3).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any version of record 1: consistent or not.
fn version() -> impl Strategy<Value = RecordState> {
    (
        proptest::collection::vec((device(), prop_oneof![0u64..6, Just(u64::MAX)]), 0..4),
        stamp(),
        proptest::collection::btree_map("[a-d]", stamp(), 0..3),
        proptest::collection::btree_map("[a-d]", json_value(), 0..4),
    )
        .prop_map(|(vv, origin, stamps, fields)| RecordState {
            id: RecordId(Uuid::from_u128(1)),
            kind: RecordKind::Household,
            vv: vv.into_iter().collect::<VersionVector>(),
            origin,
            stamps,
            fields: fields.into_iter().collect::<Map<String, Value>>(),
        })
}

fn level() -> impl Strategy<Value = MediationLevel> {
    prop_oneof![Just(MediationLevel::Village), Just(MediationLevel::Township), Just(MediationLevel::Banner)]
}

fn action() -> impl Strategy<Value = DisputeAction> {
    prop_oneof![
        Just(DisputeAction::Reported),
        Just(DisputeAction::Verified),
        Just(DisputeAction::Rejected { reason: "重复".into() }),
        "[a-z ]{0,3}".prop_map(|to| DisputeAction::Dispatched { to }),
        (level(), 0u8..6, any::<bool>()).prop_map(|(level, number, ok)| DisputeAction::MediationAttempt {
            level,
            number,
            outcome: if ok { AttemptOutcome::Succeeded } else { AttemptOutcome::Failed },
            mediator: "调解员".into(),
            agreement: String::new(),
        }),
        Just(DisputeAction::Feedback),
        level().prop_map(|to| DisputeAction::Escalated { to }),
        Just(DisputeAction::Referred { to: Referral::Court }),
        any::<bool>()
            .prop_map(|household_confirmed| DisputeAction::Closed { household_confirmed, village_handler: None }),
        Just(DisputeAction::Settled),
        Just(DisputeAction::Reopened { reason: "未解决".into() }),
        (0u8..8).prop_map(|score| DisputeAction::Rated { score }),
    ]
}

fn event(dispute: u128, action: DisputeAction) -> DisputeEvent {
    DisputeEvent {
        dispute: RecordId(Uuid::from_u128(dispute)),
        micro_grid: AreaCode::parse("150621001001001001").unwrap(),
        actor: "王芳".into(),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        action,
        note: String::new(),
        visit: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any two versions merge without a panic, the same way in either order.
    #[test]
    fn any_two_versions_merge_commutatively(a in version(), b in version()) {
        let ab = merge(&a, &b).unwrap();
        let ba = merge(&b, &a).unwrap();
        prop_assert_eq!(&ab.state.fields, &ba.state.fields);
        prop_assert_eq!(&ab.state.vv, &ba.state.vv);
        prop_assert_eq!(ab.state.origin, ba.state.origin);
        prop_assert_eq!(ab.conflicts.len(), ba.conflicts.len());
        // Merging again changes nothing.
        let again = merge(&ab.state, &b).unwrap();
        prop_assert_eq!(&again.state.fields, &ab.state.fields);
    }

    /// Any history of events folds without a panic; every event is applied or skipped, no level
    /// takes more than three attempts, and the strict fold fails exactly when one was skipped.
    #[test]
    fn any_history_folds(actions in proptest::collection::vec((0u128..3, action()), 0..40)) {
        let events: Vec<DisputeEvent> = actions.into_iter().map(|(d, a)| event(d % 2 + 1, a)).collect();
        let state = fold_lenient(events.iter());
        prop_assert_eq!(state.events_applied + state.skipped.len(), events.len());
        for l in [MediationLevel::Village, MediationLevel::Township, MediationLevel::Banner] {
            prop_assert!(state.attempts.at(l) <= MAX_ATTEMPTS_PER_LEVEL);
        }
        prop_assert_eq!(fold(events.iter()).is_ok(), state.skipped.is_empty());
        prop_assert_eq!(fold_lenient(events.iter()), state, "the fold is deterministic");
    }

    /// Arbitrary bytes never make reading a record panic.
    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = serde_json::from_str::<RecordState>(&text);
        let _ = serde_json::from_str::<DisputeEvent>(&text);
    }
}
