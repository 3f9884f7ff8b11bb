//! No work stranded by ordinary field conditions, through the real server binary and real
//! handset stores: phone clocks days or a year off, a store restored from an older copy, two
//! phones running one cloned store, and a server restored from last night's copy while handsets
//! keep working. In every case every change reaches the server and every replica converges.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gridwork_core::EngineCell;
use gridwork_core::sync::sync_shared;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::*;
use gridwork_tests::{Device, ServerProc};

const DAY: i64 = 24 * 60 * 60 * 1000;

fn households(d: &Device) -> Vec<RecordId> {
    let mut ids: Vec<RecordId> =
        d.records_in(&d.scope()).values().filter(|s| s.kind == RecordKind::Household).map(|s| s.id).collect();
    ids.sort();
    ids
}

fn edit(d: &mut Device, id: RecordId, f: impl FnOnce(&mut Household)) {
    let mut h = d.engine.household(id).unwrap();
    f(&mut h);
    assert!(d.engine.edit_household(id, &h).unwrap());
}

fn visit(d: &mut Device, household: RecordId) -> RecordId {
    let v = d.visit(household);
    d.engine.record_visit(&v).unwrap().id
}

/// What a replica holds in `scope`: each record's id and state.
fn holding(d: &Device, scope: &str) -> BTreeMap<RecordId, RecordState> {
    d.records_in(scope)
}

/// Syncs every device until a round changes nothing, and asserts they all hold the same.
fn converge(devices: &mut [&mut Device], scope: &str) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            let r = d.sync().unwrap();
            assert_eq!(r.rejected, 0, "{r:?}");
        }
    }
    let first = holding(devices[0], scope);
    for d in devices.iter().skip(1) {
        let other = holding(d, scope);
        assert_eq!(other.len(), first.len(), "every replica holds as many records");
        assert!(other == first, "every replica holds the same versions");
    }
    for d in devices.iter() {
        assert_eq!(d.engine.outbox().unwrap().len(), 0, "nothing waits");
    }
}

#[test]
fn phones_with_clocks_days_or_a_year_off_lose_nothing_and_converge() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut right = Device::enroll(dir.path(), "right", &url, "DEMO-W-0001");
    right.sync().unwrap();
    let scope = right.scope();
    let ids = households(&right);
    let mut wrote: Vec<(RecordId, String)> = Vec::new();
    let mut visits = Vec::new();
    let skews =
        [("3 days fast", 3 * DAY), ("3 days slow", -3 * DAY), ("a year fast", 365 * DAY), ("a year slow", -365 * DAY)];
    let mut phones = Vec::new();
    for (i, (what, skew)) in skews.iter().enumerate() {
        let mut d = Device::enroll(dir.path(), &format!("phone{i}"), &url, "DEMO-W-0001");
        d.sync().unwrap();
        // The clock goes wrong after enrollment, and the phone works offline for a while.
        d.engine.skew_phone_clock(*skew);
        let note = format!("{what}: 第{i}次走访");
        edit(&mut d, ids[i], |h| h.notes = note.clone());
        // Everyone also edits one household, for field merges across the wrong clocks.
        edit(&mut d, ids[9], |h| h.door_number = format!("{i}号"));
        wrote.push((ids[i], note));
        visits.push(visit(&mut d, ids[i]));
        phones.push((*skew, d));
    }
    // An older version parked the fast phone's changes as `clock_skew` for good: taken up again.
    let parked = "UPDATE outbox SET status = 'rejected', reject_code = 'clock_skew', last_error = 'ahead'";
    phones[0].1.engine.connection().execute(parked, []).unwrap();
    for (skew, d) in &mut phones {
        let r = d.sync().unwrap();
        assert_eq!(r.rejected, 0, "{r:?}");
        assert!((r.clock_offset_ms + *skew).abs() < 60_000, "the sync measured the clock {} off: {r:?}", -*skew);
        assert!((d.engine.clock_offset_ms() + *skew).abs() < 60_000, "and the handset keeps it");
        let warned = d.engine.status().unwrap().clock_offset_ms.expect("the worker sees the clock warning");
        assert!((warned + *skew).abs() < 60_000);
        if *skew > 0 {
            assert!(r.restamped > 0, "changes stamped ahead were stamped again: {r:?}");
        }
        // From now on, writes are stamped by the server's time.
        edit(d, ids[10], |h| h.notes = "校准后".into());
        let state = d.records_in(&scope)[&ids[10]].clone();
        let stamped = state.stamp_of("notes").hlc.ms;
        assert!(stamped.abs_diff(wall_ms()) < 60_000, "stamped {stamped}, the time is {}", wall_ms());
    }
    let mut all: Vec<&mut Device> = phones.iter_mut().map(|(_, d)| d).collect();
    all.push(&mut right);
    converge(&mut all, &scope);
    let held = holding(&right, &scope);
    for (id, note) in &wrote {
        let h: Household = held[id].decode().unwrap();
        assert_eq!(&h.notes, note, "every worker's note reached the server and everyone");
    }
    for v in &visits {
        assert!(held.contains_key(v), "every visit reached everyone");
    }
}

/// Edits household `ids[n]` in the way test case `what` names.
fn restore_scenario(dir: &Path, url: &str) -> (Device, Vec<RecordId>) {
    let mut a = Device::enroll(dir, "a", url, "DEMO-W-0001");
    a.sync().unwrap();
    let ids = households(&a);
    edit(&mut a, ids[0], |h| h.phone = Some("13900000001".into()));
    a.sync().unwrap();
    (a, ids)
}

#[test]
fn a_store_restored_from_an_old_copy_sends_everything_and_ends_equal_to_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let (mut a, ids) = restore_scenario(dir.path(), &url);
    let scope = a.scope();
    let old_id = a.engine.device_id().unwrap();
    // Last night's backup of the phone.
    a.copy_store(&dir.path().join("backup.db"));
    // Today's work, synced; then the phone is lost.
    edit(&mut a, ids[0], |h| h.notes = "今天：低保复核".into());
    edit(&mut a, ids[1], |h| h.door_number = "18号".into());
    let today = visit(&mut a, ids[1]);
    a.sync().unwrap();
    drop(a);
    // The new phone is restored from the backup and the worker carries on.
    let mut b = Device::open_copy(&dir.path().join("backup.db"));
    edit(&mut b, ids[0], |h| h.phone = Some("13900000002".into()));
    edit(&mut b, ids[2], |h| h.notes = "恢复后：独居老人".into());
    let after = visit(&mut b, ids[2]);
    let r = b.sync().unwrap();
    assert!(r.new_identity.is_some(), "the restored store took a new identity: {r:?}");
    assert_ne!(b.engine.device_id().unwrap(), old_id);
    assert_eq!(r.rejected, 0);
    let mut fresh = Device::enroll(dir.path(), "fresh", &url, "DEMO-L-0001");
    let grid = b.scope();
    converge(&mut [&mut b, &mut fresh], &grid);
    let held = holding(&fresh, &scope);
    let h0: Household = held[&ids[0]].decode().unwrap();
    assert_eq!(h0.phone.as_deref(), Some("13900000002"), "the change made on the restored phone");
    assert_eq!(h0.notes, "今天：低保复核", "and the lost phone's change of another field, both kept");
    let h1: Household = held[&ids[1]].decode().unwrap();
    assert_eq!(h1.door_number, "18号", "the lost phone's work after the backup is not undone");
    let h2: Household = held[&ids[2]].decode().unwrap();
    assert_eq!(h2.notes, "恢复后：独居老人");
    assert!(held.contains_key(&today) && held.contains_key(&after), "both visits are kept");
    assert!(holding(&b, &scope).contains_key(&today), "the restored phone received the lost phone's visit");
}

/// The restored phone's engine, lent to its sync; acts out the worker editing `first_edit` — a
/// household with nothing waiting until then — at the worst moment of the new identity: after
/// the handset has read its outbox and asked the server about it, before it writes the changes
/// again under the new identity.
struct EditsMidIdentity {
    engine: Mutex<gridwork_core::Engine>,
    first_edit: RecordId,
    /// `with` calls seen since the re-enrollment was sent.
    since_reenroll: AtomicUsize,
    edited: AtomicBool,
}

impl EngineCell for EditsMidIdentity {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut gridwork_core::Engine) -> gridwork_core::Result<T>,
    ) -> gridwork_core::Result<T> {
        let mut e = self.engine.lock().unwrap();
        let reenrolling = e
            .connection()
            .query_row("SELECT count(*) FROM meta WHERE key = 'pending_reenroll'", [], |r| r.get::<_, i64>(0))
            .unwrap()
            > 0;
        // The first call after it was sent reads the outbox; the second writes the changes again.
        if reenrolling && self.since_reenroll.fetch_add(1, Ordering::SeqCst) == 1 {
            let mut h = e.household(self.first_edit)?;
            h.notes = "新身份时第一次修改".into();
            assert!(e.edit_household(self.first_edit, &h)?);
            self.edited.store(true, Ordering::SeqCst);
        }
        f(&mut e)
    }

    fn wipe(&self) -> gridwork_core::Result<()> {
        self.with(|e| e.wipe())
    }
}

#[test]
fn a_record_first_edited_while_a_new_identity_is_taken_is_rebased_on_the_servers_version() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let (mut a, ids) = restore_scenario(dir.path(), &url);
    let scope = a.scope();
    a.copy_store(&dir.path().join("backup.db"));
    edit(&mut a, ids[1], |h| h.door_number = "18号".into());
    a.sync().unwrap();
    drop(a);
    let mut b = Device::open_copy(&dir.path().join("backup.db"));
    edit(&mut b, ids[2], |h| h.notes = "恢复后：独居老人".into());
    let Device { engine, client } = b;
    let cell = EditsMidIdentity {
        engine: Mutex::new(engine),
        first_edit: ids[4],
        since_reenroll: AtomicUsize::new(0),
        edited: AtomicBool::new(false),
    };
    let r = sync_shared(&cell, &client, &mut |_| {}).unwrap();
    assert!(cell.edited.load(Ordering::SeqCst), "the edit was made between the ask and the rewrite");
    assert!(r.new_identity.is_some(), "{r:?}");
    let mut b = Device { engine: cell.engine.into_inner().unwrap(), client };
    let mut fresh = Device::enroll(dir.path(), "fresh", &url, "DEMO-L-0001");
    let grid = b.scope();
    converge(&mut [&mut b, &mut fresh], &grid);
    for d in [&b, &fresh] {
        assert!(d.engine.conflicts(false).unwrap().is_empty(), "written on the server's version, not beside it");
    }
    let held = holding(&fresh, &scope);
    let h4: Household = held[&ids[4]].decode().unwrap();
    assert_eq!(h4.notes, "新身份时第一次修改");
    let h1: Household = held[&ids[1]].decode().unwrap();
    assert_eq!(h1.door_number, "18号", "the lost phone's work is not undone");
}

#[test]
fn two_phones_running_one_cloned_store_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let (mut a, ids) = restore_scenario(dir.path(), &url);
    let scope = a.scope();
    a.copy_store(&dir.path().join("clone.db"));
    let mut b = Device::open_copy(&dir.path().join("clone.db"));
    let mut written = Vec::new();
    for round in 0..3 {
        // Both phones write at once, to different households and to the same one.
        edit(&mut a, ids[3 + round], |h| h.notes = format!("甲机第{round}轮"));
        edit(&mut b, ids[6 + round], |h| h.notes = format!("乙机第{round}轮"));
        edit(&mut a, ids[0], |h| h.door_number = format!("甲{round}"));
        edit(&mut b, ids[0], |h| h.notes = format!("乙{round}"));
        written.push(visit(&mut a, ids[3]));
        written.push(visit(&mut b, ids[6]));
        a.sync().unwrap();
        b.sync().unwrap();
    }
    assert_ne!(a.engine.device_id().unwrap(), b.engine.device_id().unwrap(), "one of the clones took a new identity");
    let mut fresh = Device::enroll(dir.path(), "fresh", &url, "DEMO-W-0001");
    converge(&mut [&mut a, &mut b, &mut fresh], &scope);
    let held = holding(&fresh, &scope);
    for round in 0..3 {
        let ha: Household = held[&ids[3 + round]].decode().unwrap();
        let hb: Household = held[&ids[6 + round]].decode().unwrap();
        assert_eq!((ha.notes, hb.notes), (format!("甲机第{round}轮"), format!("乙机第{round}轮")));
    }
    let h0: Household = held[&ids[0]].decode().unwrap();
    assert_eq!((h0.door_number.as_str(), h0.notes.as_str()), ("甲2", "乙2"), "the last write of each field");
    for v in &written {
        assert!(held.contains_key(v), "every visit of both phones reached the server");
    }
}

#[test]
fn a_server_restored_from_last_nights_copy_gets_everything_back_from_the_handsets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut server = ServerProc::start_demo(&db);
    let url = server.url();
    let mut w1 = Device::enroll(dir.path(), "w1", &url, "DEMO-W-0001");
    let mut w2 = Device::enroll(dir.path(), "w2", &url, "DEMO-W-0001");
    let mut w3 = Device::enroll(dir.path(), "w3", &url, "DEMO-W-0001");
    for d in [&mut w1, &mut w2, &mut w3] {
        d.sync().unwrap();
    }
    let scope = w1.scope();
    let ids = households(&w1);
    // Last night's backup of the server.
    let backup = dir.path().join("backup.db");
    let snapshot = rusqlite::Connection::open(&db).unwrap();
    snapshot.execute("VACUUM INTO ?1", [backup.to_str().unwrap()]).unwrap();
    drop(snapshot);
    // Today: a visit two handsets synced, and more.
    let v1 = visit(&mut w1, ids[0]);
    edit(&mut w1, ids[1], |h| h.notes = "今天改的".into());
    w1.sync().unwrap();
    w2.sync().unwrap();
    let v2 = visit(&mut w2, ids[2]);
    w2.sync().unwrap();
    w1.sync().unwrap();
    // The server's disk fails; it is restored from last night's copy.
    server.kill();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    server.restart();
    // Another handset pushes first and takes the change numbers w1 and w2 had seen.
    let v3 = visit(&mut w3, ids[3]);
    w3.sync().unwrap();
    let r1 = w1.sync().unwrap();
    assert!(r1.handed_back.is_some(), "w1 noticed the server lost history: {r1:?}");
    let r2 = w2.sync().unwrap();
    assert!(r2.handed_back.is_some(), "w2 noticed too: {r2:?}");
    // A handset enrolled after the restore receives everything.
    let mut fresh = Device::enroll(dir.path(), "fresh", &url, "DEMO-W-0001");
    converge(&mut [&mut w1, &mut w2, &mut w3, &mut fresh], &scope);
    let held = holding(&fresh, &scope);
    for v in [v1, v2, v3] {
        assert!(held.contains_key(&v), "visit {v} is on the server again and reached everyone");
    }
    let h1: Household = held[&ids[1]].decode().unwrap();
    assert_eq!(h1.notes, "今天改的");
}
