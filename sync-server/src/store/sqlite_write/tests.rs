//! Group commit: several push batches in one transaction, each answered on its own.

use super::*;
use crate::push_logic::{Candidate, Facts};
use crate::store::flush::Marks;
use crate::store::sqlite::open_db;
use crate::store::{Account, NewDevice, migrations, sqlite_read};
use gridwork_domain::wire::{PushStatus, Role};
use gridwork_domain::{AreaCode, HlcClock, Household, Writer};

const GRID: &str = "150621001001001";

fn store(dir: &std::path::Path) -> Connection {
    let mut c = open_db(&dir.join("s.db"), false).unwrap();
    migrations::migrate(&mut c).unwrap();
    init_server_identity(&c).unwrap();
    let tx = c.transaction().unwrap();
    let worker = Account {
        code: "W".into(),
        name: "王芳".into(),
        phone: "138".into(),
        role: Role::GridWorker,
        scope: area(GRID),
    };
    put_accounts(&tx, &[worker]).unwrap();
    tx.commit().unwrap();
    c
}

/// A store in a new directory, with one worker's device enrolled.
fn store_with_worker() -> (tempfile::TempDir, Connection, DeviceAuth) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = store(dir.path());
    let a = device(&mut c, "a");
    (dir, c, a)
}

fn area(code: &str) -> AreaCode {
    AreaCode::parse(code).unwrap()
}

fn device(c: &mut Connection, name: &str) -> DeviceAuth {
    let id = DeviceId::new();
    let new = NewDevice { id, name: name.into(), token_hash: format!("hash-{name}"), code: "W".into() };
    enroll(c, &new, 1).unwrap();
    DeviceAuth { device_id: id, user_name: "王芳".into(), role: Role::GridWorker, scope: area(GRID) }
}

fn record(d: &DeviceAuth, head: &str) -> Checked {
    let mut clock = HlcClock::default();
    let h = Household::new(area("150621001001001001"), head, "锦园社区", "1号");
    let mut w = Writer { device: d.device_id, clock: &mut clock, now_ms: 1_000 };
    let state = RecordState::create(RecordId::new(), &h, &mut w).unwrap();
    Ok(Candidate {
        micro_grid: area("150621001001001001"),
        facts: Facts::Household { archived: false },
        text: serde_json::to_string(&state).unwrap(),
        state,
        vouched: false,
        receipt: None,
    })
}

fn job(
    d: &DeviceAuth,
    batch_id: Uuid,
    records: Vec<Checked>,
) -> (PushJob, oneshot::Receiver<Result<PushResponse, StoreError>>) {
    let (reply, answer) = oneshot::channel();
    (PushJob { mode: BatchMode::Push, device: d.clone(), batch_id, records, now_ms: 2_000, reply }, answer)
}

/// Sends a group's answers, as the store does once the commit is on disk.
fn deliver(group: Group) {
    for (reply, answer) in group.answers {
        reply.send(answer).unwrap();
    }
}

#[test]
fn a_failing_batch_in_a_group_is_undone_alone_and_every_batch_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = store(dir.path());
    let (a, b) = (device(&mut c, "a"), device(&mut c, "b"));
    let (shared, own) = (Uuid::now_v7(), Uuid::now_v7());
    let (ja, mut ra) = job(&a, shared, vec![record(&a, "赵一")]);
    // The same batch id from another device is refused, after its record was written.
    let (jb, mut rb) = job(&b, shared, vec![record(&b, "钱二")]);
    let (jc, mut rc) = job(&b, own, vec![record(&b, "孙三"), record(&b, "李四")]);
    deliver(push_group(&mut c, vec![ja, jb, jc]));

    let ok = |r: Result<PushResponse, StoreError>| r.unwrap().results.iter().all(|o| o.status == PushStatus::Accepted);
    assert!(ok(ra.try_recv().unwrap()));
    assert!(matches!(rb.try_recv().unwrap(), Err(StoreError::Conflict { code: "batch_id_reused", .. })));
    assert!(ok(rc.try_recv().unwrap()));
    let heads: Vec<String> = c
        .prepare("SELECT json_extract(state, '$.fields.head_name') FROM records ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(heads, ["赵一", "孙三", "李四"], "the refused batch left nothing behind");
    let batches: i64 = c.query_row("SELECT count(*) FROM batches", [], |r| r.get(0)).unwrap();
    assert_eq!(batches, 2);
}

#[test]
fn a_group_whose_transaction_cannot_start_answers_every_batch_with_the_error() {
    let (dir, mut c, a) = store_with_worker();
    let (ja, mut ra) = job(&a, Uuid::now_v7(), vec![record(&a, "周五")]);
    let (jb, mut rb) = job(&a, Uuid::now_v7(), vec![record(&a, "吴六")]);
    // Another writer holds the database: the group cannot begin.
    let other = open_db(&dir.path().join("s.db"), false).unwrap();
    other.busy_timeout(std::time::Duration::ZERO).unwrap();
    c.busy_timeout(std::time::Duration::ZERO).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    deliver(push_group(&mut c, vec![ja, jb]));
    assert!(matches!(ra.try_recv().unwrap(), Err(StoreError::Backend(_))));
    assert!(matches!(rb.try_recv().unwrap(), Err(StoreError::Backend(_))));
    other.execute_batch("ROLLBACK").unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM records", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_new_store_file_has_large_pages_and_an_old_one_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let c = store(dir.path());
    let size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(size, crate::store::sqlite::PAGE_SIZE);

    let old = dir.path().join("old.db");
    let c = Connection::open(&old).unwrap();
    c.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x);").unwrap();
    drop(c);
    let c = open_db(&old, false).unwrap();
    let size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(size, 4096);
}

#[test]
fn readers_see_changes_only_up_to_the_durable_change_number() {
    let (_dir, mut c, a) = store_with_worker();
    let (j, _answer) = job(&a, Uuid::now_v7(), vec![record(&a, "赵一"), record(&a, "钱二"), record(&a, "孙三")]);
    deliver(push_group(&mut c, vec![j]));
    assert_eq!(sqlite_read::marks(&c).unwrap(), Marks { seq: 3, conflict: 0 });
    let reader = DeviceId::new();
    // The grid (narrow: per micro-grid index) and the banner (wide: the table in change order).
    for scope in [area(GRID), area("150621")] {
        let all = sqlite_read::pull(&c, &scope, reader, 0, 10, u64::MAX).unwrap();
        assert_eq!(all.changes.len(), 3);
        let durable = sqlite_read::pull(&c, &scope, reader, 0, 10, 2).unwrap();
        let seqs: Vec<u64> = durable.changes.iter().map(|(s, _, _)| *s).collect();
        assert_eq!(seqs, [1, 2], "scope {scope}");
        assert_eq!((durable.next, durable.more), (2, false));
        let rest = sqlite_read::pull(&c, &scope, reader, 2, 10, 2).unwrap();
        assert!(rest.changes.is_empty());
        assert_eq!(rest.next, 2, "the cursor does not move past what is not durable");
    }
}

#[tokio::test]
async fn a_push_whose_caller_hangs_up_is_still_applied_and_its_retry_is_answered_from_the_ledger() {
    use crate::store::{SqliteStore, SyncStore};
    let (dir, c, a) = store_with_worker();
    drop(c);
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let (gone, kept) = (Uuid::now_v7(), Uuid::now_v7());
    // Polled once (queued), then dropped, like a request whose client hung up.
    let hung_up = store.push(&a, gone, vec![record(&a, "郑七")], 2_000);
    assert!(tokio::time::timeout(std::time::Duration::ZERO, hung_up).await.is_err());
    let answer = store.push(&a, kept, vec![record(&a, "王八")], 2_000).await.unwrap();
    assert_eq!(answer.results[0].status, PushStatus::Accepted);
    // The dropped batch was applied: its id is in the ledger and its record in the feed.
    let retried = store.push(&a, gone, vec![], 2_000).await.unwrap();
    assert_eq!(retried.results.len(), 1, "answered from the ledger, not from the empty retry");
    let page = store.pull(&area(GRID), DeviceId::new(), 0, 10).await.unwrap();
    assert_eq!(page.changes.len(), 2);
}
