//! Table tests of the push decisions: the stateless checks of one record and its classification
//! against the server's version.

use super::*;
use gridwork_domain::clock::{HlcClock, MAX_FUTURE_MS};
use gridwork_domain::wire::{PushOutcome, PushStatus, Role};
use gridwork_domain::{
    AreaCode, DeviceId, DisputeEvent, Hlc, Household, Record, RecordKind, RecordState, Stamp, Visit, Writer,
};
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;

const T0: u64 = 1_760_000_000_000;
const GRID_A: &str = "150621001001001";

fn dev(n: u128) -> DeviceId {
    DeviceId(Uuid::from_u128(n))
}

fn pusher(n: u128) -> Pusher {
    Pusher { device: dev(n), name: "王芳".into(), role: Role::GridWorker, scope: AreaCode::parse(GRID_A).unwrap() }
}

fn household(micro: &str) -> Household {
    Household::new(AreaCode::parse(micro).unwrap(), "张伟", "锦园社区", "3号楼2单元501")
}

fn visit(micro: &str) -> Visit {
    let at = chrono::DateTime::from_timestamp_millis(T0 as i64).unwrap();
    Visit::routine(RecordId(Uuid::from_u128(77)), AreaCode::parse(micro).unwrap(), "王芳", at, "一切正常")
}

struct Dev {
    id: DeviceId,
    clock: HlcClock,
}

impl Dev {
    fn new(n: u128) -> Self {
        Self { id: dev(n), clock: HlcClock::default() }
    }
    fn w(&mut self, now: u64) -> Writer<'_> {
        Writer { device: self.id, clock: &mut self.clock, now_ms: now }
    }
    fn create<R: Record>(&mut self, id: u128, r: &R, now: u64) -> RecordState {
        RecordState::create(RecordId(Uuid::from_u128(id)), r, &mut self.w(now)).unwrap()
    }
    fn edit(&mut self, s: &RecordState, now: u64, f: impl FnOnce(&mut Household)) -> RecordState {
        let mut h: Household = s.decode().unwrap();
        f(&mut h);
        s.edit(&h, &mut self.w(now)).unwrap().unwrap()
    }
}

fn json_of(s: &RecordState) -> Value {
    serde_json::to_value(s).unwrap()
}

fn code_of(c: &Checked) -> &'static str {
    match c {
        Ok(_) => "ok",
        Err(r) => r.code.as_str(),
    }
}

#[test]
fn stateless_checks_table() {
    let mut d = Dev::new(1);
    let good = d.create(1, &household("150621001001001001"), T0);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = json_of(&good);
        f(&mut v);
        v
    };
    let outside = json_of(&Dev::new(1).create(2, &household("150621001001002001"), T0));
    let future = json_of(&Dev::new(1).create(3, &household("150621001001001001"), T0 + MAX_FUTURE_MS + 1));
    let mut stray = good.clone();
    stray.stamps.insert("notes".into(), Stamp { hlc: Hlc::new(T0, 5), device: dev(9), n: 1 });
    let cases: Vec<(&str, Value, &str)> = vec![
        ("valid household", json_of(&good), "ok"),
        ("not an object", json!([1, 2]), "validation"),
        ("id not a uuid", with(&|v| v["id"] = json!("not-a-uuid")), "bad_uuid"),
        ("id missing", with(&|v| drop(v.as_object_mut().unwrap().remove("id"))), "bad_uuid"),
        ("unknown kind", with(&|v| v["kind"] = json!("spaceship")), "unknown_kind"),
        ("kind missing", with(&|v| drop(v.as_object_mut().unwrap().remove("kind"))), "unknown_kind"),
        ("vv missing", with(&|v| drop(v.as_object_mut().unwrap().remove("vv"))), "validation"),
        ("a key the protocol does not know", with(&|v| v["extra"] = json!(1)), "validation"),
        ("a stamp with a key it does not know", with(&|v| v["origin"]["extra"] = json!(1)), "validation"),
        ("field of the wrong type", with(&|v| v["fields"]["members"] = json!("many")), "validation"),
        ("typed validation fails", with(&|v| v["fields"]["head_name"] = json!("")), "validation"),
        ("micro-grid outside the scope", outside, "out_of_scope"),
        ("empty version vector", with(&|v| v["vv"] = json!({})), "bad_version"),
        ("origin not covered", with(&|v| v["origin"]["n"] = json!(2)), "bad_version"),
        ("field stamp not covered", json_of(&stray), "bad_version"),
        ("stamp a day and more ahead", future, "clock_skew"),
    ];
    for (name, value, want) in cases {
        // The text path (what the route uses) and the value path answer the same.
        let from_text = check_text(&pusher(1), value.to_string(), T0);
        let got = check_record(&pusher(1), value, T0);
        assert_eq!(code_of(&got), want, "{name}: {got:?}");
        assert_eq!(code_of(&from_text), want, "{name} (as text): {from_text:?}");
    }
}

#[test]
fn a_rejection_names_the_record_when_its_id_is_readable() {
    let mut v = json_of(&Dev::new(1).create(5, &household("150621001001001001"), T0));
    v["kind"] = json!("spaceship");
    let r = check_record(&pusher(1), v, T0).unwrap_err();
    assert_eq!(r.id, RecordId(Uuid::from_u128(5)));
    let r = check_record(&pusher(1), json!({"id": "zzz"}), T0).unwrap_err();
    assert_eq!(r.id, UNREADABLE_ID);
}

fn facts_of(s: &RecordState) -> Facts {
    match s.kind {
        RecordKind::Household => Facts::Household { archived: s.fields["archived"] == json!(true) },
        RecordKind::Visit => Facts::Visit,
        RecordKind::Dispute => Facts::Dispute,
        RecordKind::DisputeEvent => {
            let e: DisputeEvent = s.decode().unwrap();
            Facts::Event { dispute: e.dispute, action: e.action, visit: e.visit }
        }
        RecordKind::ContactCard => Facts::Card,
        RecordKind::Highlight => Facts::Highlight,
    }
}

fn candidate(s: &RecordState) -> Candidate {
    Candidate {
        state: s.clone(),
        micro_grid: s.micro_grid().unwrap(),
        facts: facts_of(s),
        text: serde_json::to_string(s).unwrap(),
        vouched: false,
        receipt: None,
    }
}

fn label(d: &Decision) -> String {
    match d {
        Decision::Accept { .. } => "accept".into(),
        Decision::Merge { conflicts, .. } => format!("merge/{}", conflicts.len()),
        Decision::AlreadyKnown => "already_known".into(),
        Decision::Reject { code, .. } => code.as_str().into(),
    }
}

#[test]
fn classification_table() {
    let (mut a, mut b) = (Dev::new(1), Dev::new(2));
    let base = a.create(1, &household("150621001001001001"), T0);
    let a1 = a.edit(&base, T0 + 10, |h| h.notes = "a".into());
    let a2 = a.edit(&a1, T0 + 20, |h| h.door_number = "9号".into());
    let b_other_field = b.edit(&base, T0 + 30, |h| h.address = "平原街道".into());
    let b_same_field = b.edit(&base, T0 + 40, |h| h.notes = "b".into());
    let mut other_kind = a1.clone();
    other_kind.kind = RecordKind::Dispute;
    let foreign = Dev::new(3).create(1, &household("150621001001002001"), T0);
    let v = a.create(8, &visit("150621001001001001"), T0);
    let mut v_changed = v.clone();
    v_changed.fields.insert("findings".into(), json!("改过了"));
    v_changed.vv.increment(a.id);

    let cases: Vec<(&str, u128, Option<&RecordState>, &RecordState, &str)> = vec![
        ("new to the server", 1, None, &base, "accept"),
        ("same version again", 1, Some(&a1), &a1, "already_known"),
        ("older than the server's", 1, Some(&a2), &a1, "already_known"),
        ("newer than the server's", 1, Some(&a1), &a2, "accept"),
        ("concurrent, other fields", 2, Some(&a2), &b_other_field, "merge/0"),
        ("concurrent, same field", 2, Some(&a2), &b_same_field, "merge/1"),
        // Device a pushes a version that lacks a's own later writes but is not simply older.
        ("own counter goes backwards", 1, Some(&a2), &b_same_field, "bad_version"),
        ("kind differs from the server's", 1, Some(&a1), &other_kind, "validation"),
        ("server's record outside the scope", 1, Some(&foreign), &a1, "out_of_scope"),
        ("append-only record changed", 1, Some(&v), &v_changed, "immutable"),
        ("append-only record sent again", 1, Some(&v), &v, "already_known"),
    ];
    for (name, who, server, pushed, want) in cases {
        let got = decide(&pusher(who), server, candidate(pushed), &Cases::default());
        assert_eq!(label(&got), want, "{name}: {got:?}");
    }
}

#[test]
fn a_merge_stores_the_join_of_both_versions() {
    let (mut a, mut b) = (Dev::new(1), Dev::new(2));
    let base = a.create(1, &household("150621001001001001"), T0);
    let a1 = a.edit(&base, T0 + 10, |h| h.notes = "a".into());
    let b1 = b.edit(&base, T0 + 20, |h| h.notes = "b".into());
    let Decision::Merge { state, conflicts, .. } = decide(&pusher(2), Some(&a1), candidate(&b1), &Cases::default())
    else {
        panic!("expected a merge");
    };
    assert_eq!(state.vv.get(a.id), 2);
    assert_eq!(state.vv.get(b.id), 1);
    assert_eq!(state.fields["notes"], "b", "the later stamp wins");
    assert_eq!((conflicts[0].field.as_str(), &conflicts[0].loser), ("notes", &json!("a")));
}

#[test]
fn a_record_pushed_twice_in_one_batch_meets_its_first_push() {
    let mut a = Dev::new(1);
    let base = a.create(1, &household("150621001001001001"), T0);
    let a1 = a.edit(&base, T0 + 10, |h| h.notes = "a".into());
    let checked = vec![Ok(candidate(&base)), Ok(candidate(&a1)), Ok(candidate(&base))];
    let mut server = HashMap::new();
    let p = plan(&pusher(1), checked, &mut server, &mut Cases::default());
    let labels: Vec<String> = p.iter().map(|(_, d)| label(d)).collect();
    assert_eq!(labels, ["accept", "accept", "already_known"]);
    assert_eq!(server[&base.id], a1);
}

#[test]
fn the_response_lists_one_outcome_per_record_in_order() {
    let mut a = Dev::new(1);
    let base = a.create(1, &household("150621001001001001"), T0);
    let bad = Err(Rejection::new(UNREADABLE_ID, RejectCode::BadUuid, "no id"));
    let p = plan(&pusher(1), vec![bad, Ok(candidate(&base))], &mut HashMap::new(), &mut Cases::default());
    let r = respond(&pusher(1), Uuid::from_u128(42), &p, vec!["r1".into()], 3);
    assert_eq!(r.batch_id, Uuid::from_u128(42));
    assert!(matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "bad_uuid"));
    assert_eq!(r.results[1], PushOutcome { id: base.id, status: PushStatus::Accepted, receipt: Some("r1".into()) });
    assert_eq!(r.pushes, 3);
}
