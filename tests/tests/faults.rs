//! Network and server faults: a dropped request, a response lost after the server committed, a
//! batch sent twice, batches reordered, and the server killed with SIGKILL in the middle of a
//! large push. No record is lost, none is duplicated, and cursors stay right.

use gridwork_domain::wire::PushRequest;
use gridwork_domain::*;
use gridwork_tests::{Device, Fault, Proxy, ServerProc};
use std::time::{Duration, Instant};

fn household(d: &Device, name: &str) -> Household {
    Household::new(AreaCode::parse(&d.scope()).unwrap().child(1), name, "吉格斯太镇乌兰嘎查二社", "1号")
}

fn visits(d: &Device, household: RecordId, n: usize) -> Vec<Visit> {
    vec![d.visit(household); n]
}

fn count_kind(d: &Device, kind: RecordKind) -> usize {
    d.records_in("").values().filter(|s| s.kind == kind).count()
}

#[test]
fn dropped_requests_and_lost_responses_are_retried_and_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let proxy = Proxy::start(&server.addr);
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    a.via(&proxy.url());
    let h = a.engine.create_household(&household(&a, "张伟")).unwrap();
    a.engine.record_visits(&visits(&a, h, 30)).unwrap();

    proxy.arm(Fault::DropRequest);
    a.sync().unwrap();
    proxy.arm(Fault::LoseResponse);
    a.engine.record_visits(&visits(&a, h, 20)).unwrap();
    a.sync().unwrap();
    assert_eq!(proxy.injected(), 2);
    assert_eq!(a.engine.pending_count().unwrap(), 0);

    let mut b = Device::enroll(dir.path(), "b", &server.url(), "DEMO-L-0001");
    let report = b.sync().unwrap();
    assert_eq!(count_kind(&b, RecordKind::Visit), 50);
    assert_eq!(report.cursor, a.sync().unwrap().cursor, "both devices end at the server's last change");
}

#[test]
fn a_batch_sent_twice_is_answered_the_same_and_reordered_batches_keep_the_newer_version() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    let mut b = Device::enroll(dir.path(), "b", &server.url(), "DEMO-L-0001");
    let h = a.engine.create_household(&household(&a, "李娜")).unwrap();
    let v1 = a.records_in("")[&h].clone();
    let mut edited = a.engine.household(h).unwrap();
    edited.notes = "第二版".into();
    a.engine.edit_household(h, &edited).unwrap();
    let v2 = a.records_in("")[&h].clone();

    let first = PushRequest { batch_id: uuid::Uuid::now_v7(), records: vec![v2.clone()] };
    let r1 = a.client.push(&first).unwrap();
    let cursor_after_first = b.sync().unwrap().cursor;
    let r2 = a.client.push(&first).unwrap();
    assert_eq!(r1, r2, "a retried batch gets the same answer");
    assert_eq!(b.sync().unwrap().cursor, cursor_after_first, "and changes nothing");

    // The older version arrives later, in another batch: the server keeps the newer one.
    let late = PushRequest { batch_id: uuid::Uuid::now_v7(), records: vec![v1] };
    let r3 = a.client.push(&late).unwrap();
    assert_eq!(r3.results[0].status, gridwork_domain::wire::PushStatus::AlreadyKnown);
    b.sync().unwrap();
    assert_eq!(b.engine.household(h).unwrap().notes, "第二版");
    assert_eq!(b.records_in("")[&h], v2);
}

#[test]
fn the_server_killed_mid_push_loses_and_duplicates_nothing() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut a = Device::enroll(dir.path(), "a", &url, "DEMO-W-0001");
    let h = a.engine.create_household(&household(&a, "赵磊")).unwrap();
    for _ in 0..(N / 1000) {
        a.engine.record_visits(&visits(&a, h, 1000)).unwrap();
    }
    let watcher = a.engine.open_second().unwrap();
    let pusher = std::thread::spawn(move || {
        let result = a.sync();
        (a, result)
    });
    // Kill the server once part of the outbox has been acknowledged.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left: i64 = watcher.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap();
        if left < (N as i64) * 3 / 4 {
            break;
        }
        assert!(Instant::now() < deadline, "the push made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    let (mut a, result) = pusher.join().unwrap();
    let left = a.engine.pending_count().unwrap();
    assert!(result.is_err() || left == 0, "the push was cut off");
    assert!(left > 0, "the kill landed in the middle of the push ({left} left)");

    server.restart();
    assert_eq!(server.url(), url, "same address after the restart");
    let report = a.sync().unwrap();
    assert_eq!(report.rejected, 0);
    assert_eq!(a.engine.pending_count().unwrap(), 0);

    let mut b = Device::enroll(dir.path(), "b", &url, "DEMO-L-0001");
    let rb = b.sync().unwrap();
    assert_eq!(count_kind(&b, RecordKind::Visit), N, "every visit arrived exactly once");
    assert_eq!(rb.cursor, a.sync().unwrap().cursor);
    // Pulling again from the cursor brings nothing new.
    assert_eq!(b.sync().unwrap().pulled, 0);
    // The pull of many pages checkpointed on its fetching thread, then gave SQLite its own back.
    let every: i64 = b.engine.connection().pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0)).unwrap();
    assert_eq!(every, 1000);
}
