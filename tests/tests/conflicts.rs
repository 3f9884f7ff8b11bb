//! Concurrent edits through the real server: different fields merge with no conflict; the same
//! field gets the same winner everywhere, and the conflict reaches the grid leader's device; the
//! leader's choice of the other value reaches the worker and the conflict does not come back.

use gridwork_tests::{Device, ServerProc};

#[test]
fn concurrent_edits_merge_and_true_conflicts_reach_the_leader() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut worker = Device::enroll(dir.path(), "worker", &url, "DEMO-W-0001");
    let mut leader = Device::enroll(dir.path(), "leader", &url, "DEMO-L-0001");
    worker.sync().unwrap();
    leader.sync().unwrap();
    let grid = worker.scope();
    let id =
        *worker.records_in(&grid).iter().find(|(_, s)| s.kind == gridwork_domain::RecordKind::Household).unwrap().0;

    // Different fields, offline on both: no conflict, both edits kept.
    let mut h = worker.engine.household(id).unwrap();
    h.phone = Some("13911112222".into());
    worker.engine.edit_household(id, &h).unwrap();
    let mut h = leader.engine.household(id).unwrap();
    h.notes = "网格长备注".into();
    leader.engine.edit_household(id, &h).unwrap();
    assert_eq!(worker.sync().unwrap().conflicts, 0);
    assert_eq!(leader.sync().unwrap().conflicts, 0);
    assert_eq!(worker.sync().unwrap().conflicts, 0);
    for d in [&worker, &leader] {
        let h = d.engine.household(id).unwrap();
        assert_eq!((h.phone.as_deref(), h.notes.as_str()), (Some("13911112222"), "网格长备注"));
        assert!(d.engine.conflicts(true).unwrap().is_empty());
    }

    // The same field, offline on both: one winner everywhere and a conflict to review.
    let mut h = worker.engine.household(id).unwrap();
    h.door_number = "8号".into();
    worker.engine.edit_household(id, &h).unwrap();
    let mut h = leader.engine.household(id).unwrap();
    h.door_number = "18号".into();
    leader.engine.edit_household(id, &h).unwrap();
    worker.sync().unwrap();
    leader.sync().unwrap();
    worker.sync().unwrap();
    let (hw, hl) = (worker.engine.household(id).unwrap(), leader.engine.household(id).unwrap());
    assert_eq!(hw, hl);
    assert_eq!(hw.door_number, "18号", "the later write wins");
    let conflicts = leader.engine.conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0].conflict;
    assert_eq!((c.field.as_str(), c.winner.as_str(), c.loser.as_str()), ("door_number", Some("18号"), Some("8号")));
    assert_eq!(worker.engine.conflicts(false).unwrap().len(), 1, "the worker's device sees it too");

    // The leader keeps the worker's value: a new edit that syncs like any other.
    assert!(leader.engine.choose_conflict(conflicts[0].id, true).unwrap());
    assert_eq!(leader.engine.household(id).unwrap().door_number, "8号");
    let pushed = leader.sync().unwrap();
    assert_eq!((pushed.rejected, pushed.conflicts), (0, 0), "{pushed:?}");
    for _ in 0..2 {
        assert_eq!(worker.sync().unwrap().conflicts, 0);
        assert_eq!(leader.sync().unwrap().conflicts, 0);
    }
    for d in [&worker, &leader] {
        assert_eq!(d.engine.household(id).unwrap().door_number, "8号", "the choice reached every device");
        assert!(d.engine.conflicts(false).unwrap().is_empty(), "the conflict does not come back");
    }
}
