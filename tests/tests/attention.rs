//! End to end over real HTTP: a grid worker's change the server refuses stays in the worker's
//! outbox with its code, the message and what it is about, and appears in the grid leader's
//! "needs attention" list once the leader syncs; a later accepted version clears it there.

use gridwork_domain::{AreaCode, Household};
use gridwork_tests::{Device, ServerProc};

#[test]
fn a_refused_change_shows_in_the_workers_outbox_and_the_leaders_attention_list() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut worker = Device::enroll(dir.path(), "worker", &url, "DEMO-W-0001");
    let mut leader = Device::enroll(dir.path(), "leader", &url, "DEMO-L-0001");
    worker.sync().unwrap();
    let scope = AreaCode::parse(&worker.scope()).unwrap();
    let id = worker.engine.create_household(&Household::new(scope.child(1), "张伟", "锦园社区", "5号")).unwrap();
    // A handset whose own checks let through what the server refuses (an older app, say): the
    // stored version loses its head's name.
    worker
        .engine
        .connection()
        .execute("UPDATE records SET state = json_set(state, '$.fields.head_name', '') WHERE id = ?1", [id.to_string()])
        .unwrap();
    let report = worker.sync().unwrap();
    assert_eq!((report.pushed, report.rejected), (0, 1));

    let rows = worker.engine.outbox().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.status.as_str(), row.reject_code.as_deref()), ("rejected", Some("validation")));
    assert!(row.last_error.as_deref().is_some_and(|m| m.contains("head_name")), "{row:?}");
    assert!(row.subject.as_deref().is_some_and(|s| s.contains("张伟")), "{row:?}");
    assert_eq!(row.household_id, Some(id));
    assert_eq!(worker.engine.status().unwrap().rejected, 1);
    assert!(worker.engine.attention().unwrap().is_empty(), "a worker keeps no area list");

    let report = leader.sync().unwrap();
    assert_eq!(report.attention, 1);
    let items = leader.engine.attention().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!((items[0].record_id, items[0].code.as_str()), (id, "validation"));
    assert_eq!(items[0].device, worker.engine.device_id().unwrap());

    // The worker corrects it; once taken, the leader's list is empty at the next sync.
    let mut h = worker.engine.household(id).unwrap();
    h.head_name = "张伟".into();
    h.notes = "改正".into();
    assert!(worker.engine.edit_household(id, &h).unwrap());
    let report = worker.sync().unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0));
    assert!(worker.engine.outbox().unwrap().is_empty());
    assert_eq!(leader.sync().unwrap().attention, 0);
    assert!(leader.engine.attention().unwrap().is_empty());
}
