//! Choosing which value of a conflict to keep: a new local edit through the one write primitive
//! (record, outbox entry and the conflict marked resolved together) that dominates both
//! concurrent versions, checked by the authority table.

mod common;

use common::*;
use gridwork_core::Engine;
use gridwork_domain::wire::Role;
use gridwork_domain::*;

fn export(e: &Engine) -> Vec<RecordState> {
    serde_json::from_value(e.export_json().unwrap()["records"].clone()).unwrap()
}

fn state(e: &Engine, id: RecordId) -> RecordState {
    export(e).into_iter().find(|s| s.id == id).unwrap()
}

/// Devices a and b change the phone of one household while apart; b then takes in a's version:
/// b shows its own (later) phone and holds the conflict. Also what each sent before meeting.
struct Conflicted {
    a: Engine,
    b: Engine,
    id: RecordId,
    conflict: i64,
    a_alone: Vec<RecordState>,
    b_alone: Vec<RecordState>,
}

fn conflicted(dir: &tempfile::TempDir) -> Conflicted {
    let mut a = engine_as(dir, "a.db", Role::GridWorker, "赵敏", "150621001001");
    let mut b = engine(dir, "b.db");
    let id = a.create_household(&household("张伟")).unwrap();
    a.record_visit(&Visit { worker: "赵敏".into(), ..visit(id, None) }).unwrap();
    b.apply_remote(&export(&a)).unwrap();
    let mut h = a.household(id).unwrap();
    h.phone = Some("13711112222".into());
    a.edit_household(id, &h).unwrap();
    let mut h = b.household(id).unwrap();
    h.phone = Some("13733334444".into());
    b.edit_household(id, &h).unwrap();
    let (a_alone, b_alone) = (export(&a), export(&b));
    assert_eq!(b.apply_remote(&a_alone).unwrap().conflicts, 1);
    let conflict = b.conflicts(false).unwrap()[0].id;
    Conflicted { a, b, id, conflict, a_alone, b_alone }
}

fn phone(e: &Engine, id: RecordId) -> Option<String> {
    e.household(id).unwrap().phone
}

#[test]
fn keeping_the_other_value_writes_it_as_a_new_edit_that_wins_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let Conflicted { mut a, mut b, id, conflict, .. } = conflicted(&dir);
    let row = &b.conflicts(false).unwrap()[0];
    assert_eq!(
        (row.winner_by.as_deref(), row.loser_by.as_deref()),
        (Some("王芳"), Some("赵敏")),
        "who wrote each value"
    );
    assert!(row.may_choose);
    let before = state(&b, id);
    let rev = |e: &Engine| -> i64 {
        e.connection().query_row("SELECT rev FROM outbox WHERE record_id = ?1", [id.to_string()], |r| r.get(0)).unwrap()
    };
    let rev_before = rev(&b);
    assert!(b.choose_conflict(conflict, true).unwrap());
    assert_eq!(phone(&b, id).as_deref(), Some("13711112222"), "a's value kept");
    assert!(b.conflicts(false).unwrap().is_empty());
    assert!(b.conflicts(true).unwrap()[0].resolved);
    let chosen = state(&b, id);
    assert_eq!(before.vv.compare(&chosen.vv), version::Causality::Older, "a new version");
    assert!(rev(&b) > rev_before, "queued again for the server");
    // Device a takes it in: no conflict, b's choice shows.
    assert_eq!(a.apply_remote(&export(&b)).unwrap().conflicts, 0);
    assert_eq!(phone(&a, id).as_deref(), Some("13711112222"));
    assert!(a.conflicts(true).unwrap().is_empty());
}

#[test]
fn keeping_the_value_already_shown_is_still_a_new_version_the_others_learn() {
    let dir = tempfile::tempdir().unwrap();
    let Conflicted { mut a, mut b, id, conflict, .. } = conflicted(&dir);
    let before = state(&b, id);
    assert!(b.choose_conflict(conflict, false).unwrap());
    let chosen = state(&b, id);
    assert_eq!(phone(&b, id).as_deref(), Some("13733334444"));
    assert_eq!(before.vv.compare(&chosen.vv), version::Causality::Older);
    assert!(chosen.stamp_of("phone") > before.stamp_of("phone"));
    assert_eq!(chosen.stamp_of("address"), before.stamp_of("address"), "only the chosen field is written");
    assert!(b.outbox().unwrap().iter().any(|r| r.record_id == id));
    assert!(b.conflicts(false).unwrap().is_empty());
    assert_eq!(a.apply_remote(&export(&b)).unwrap().conflicts, 0);
    assert_eq!(phone(&a, id).as_deref(), Some("13733334444"));
    // Choosing again is a no-op on an unknown conflict, and allowed again on a resolved one.
    assert!(!b.choose_conflict(conflict + 1_000, true).unwrap(), "an unknown conflict");
}

#[test]
fn a_conflict_held_on_another_device_is_settled_when_the_choice_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let Conflicted { mut b, id, conflict, a_alone, b_alone, .. } = conflicted(&dir);
    let mut leader = engine_as(&dir, "l.db", Role::GridLeader, "李强", "150621001001");
    leader.apply_remote(&a_alone).unwrap();
    assert_eq!(leader.apply_remote(&b_alone).unwrap().conflicts, 1);
    assert_eq!(leader.conflicts(false).unwrap().len(), 1, "the leader holds the same conflict");
    assert!(b.choose_conflict(conflict, true).unwrap());
    assert_eq!(leader.apply_remote(&export(&b)).unwrap().conflicts, 0);
    assert_eq!(phone(&leader, id).as_deref(), Some("13711112222"));
    assert!(leader.conflicts(false).unwrap().is_empty(), "settled by the choice");
    assert!(leader.conflicts(true).unwrap()[0].resolved);
}

#[test]
fn only_those_the_authority_table_allows_may_choose() {
    let dir = tempfile::tempdir().unwrap();
    let Conflicted { id, a_alone, b_alone, .. } = conflicted(&dir);
    // Worker c never wrote the household: the conflict reaches its store, but is not its to settle.
    let mut c = engine(&dir, "c.db");
    c.apply_remote(&a_alone).unwrap();
    assert_eq!(c.apply_remote(&b_alone).unwrap().conflicts, 1);
    let held: i64 = c.connection().query_row("SELECT id FROM conflicts", [], |r| r.get(0)).unwrap();
    let mut as_leader = c.profile().unwrap().clone();
    as_leader.role = Role::GridLeader;
    c.set_profile(as_leader.clone()).unwrap();
    assert!(c.conflicts(false).unwrap()[0].may_choose, "a leader may settle it");
    as_leader.role = Role::GridWorker;
    c.set_profile(as_leader).unwrap();
    assert_eq!(c.choose_conflict(held, true).unwrap_err().tag(), "forbidden");
    assert_eq!(c.resolve_conflict(held).unwrap_err().tag(), "forbidden");
    assert!(c.outbox().unwrap().is_empty(), "nothing written");
    assert_eq!(phone(&c, id).as_deref(), Some("13733334444"));
    // Its leader may.
    let mut leader = c.profile().unwrap().clone();
    leader.role = Role::GridLeader;
    c.set_profile(leader).unwrap();
    assert!(c.choose_conflict(held, true).unwrap());
    assert_eq!(phone(&c, id).as_deref(), Some("13711112222"));
}
