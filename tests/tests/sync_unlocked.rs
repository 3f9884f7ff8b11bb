//! A sync with a slow server beside a worker who keeps working. The engine is held only for each
//! step of the store, never while a batch or a page is on the wire: searches over 10,000
//! households answer in well under 100 ms each while the server takes its time with every
//! answer, and edits made between a batch being taken and its answer being settled are kept —
//! the acknowledgement clears only the revision sent, and the next sync carries the edit.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use gridwork_core::sync::sync_shared;
use gridwork_core::{EngineCell, HouseholdQuery};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::*;
use gridwork_tests::{Device, Proxy, ServerProc};

fn household(d: &Device, name: &str) -> Household {
    Household::new(AreaCode::parse(&d.scope()).unwrap().child(1), name, "吉格斯太镇乌兰嘎查二社", name)
}

#[test]
fn edits_made_while_a_slow_sync_runs_are_all_kept_and_searches_do_not_wait() {
    const VISITS: usize = 2_500;
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let proxy = Proxy::start(&server.addr);
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    a.via(&proxy.url());
    // 10,000 households to search (as if pulled long ago: nothing of them is sent).
    a.engine.load_demo(&generate(3, &DemoSize::new(2, 5, 5, 4, 50))).unwrap();
    let ids: Vec<RecordId> =
        (0..40).map(|i| a.engine.create_household(&household(&a, &format!("户主{i}"))).unwrap()).collect();
    let visits: Vec<Visit> = (0..VISITS).map(|i| a.visit(ids[i % ids.len()])).collect();
    a.engine.record_visits(&visits).unwrap();

    // Every answer starts 300 ms late: three push batches, the pull and the rest take seconds.
    proxy.slow(300);
    let Device { engine, client } = a;
    let cell = Mutex::new(engine);
    let mut notes = std::collections::BTreeMap::new();
    let mut times = Vec::new();
    let report = std::thread::scope(|s| {
        let syncing = s.spawn(|| sync_shared(&cell, &client, &mut |_| {}));
        let mut n = 0;
        while !syncing.is_finished() {
            let t = Instant::now();
            let rows =
                cell.with(|e| e.list_households(&HouseholdQuery { area: None, text: "zhang", limit: 50 })).unwrap();
            times.push(t.elapsed());
            assert!(!rows.is_empty());
            // An edit of a household that is on the wire in the first batch.
            let id = ids[n % ids.len()];
            let note = format!("同步时第{n}次修改");
            cell.with(|e| {
                let mut h = e.household(id)?;
                h.notes = note.clone();
                e.edit_household(id, &h)
            })
            .unwrap();
            notes.insert(id, note);
            n += 1;
            std::thread::sleep(Duration::from_millis(40));
        }
        syncing.join().unwrap()
    });
    let report = report.unwrap();
    assert_eq!(report.rejected, 0);
    assert!(notes.len() >= 10, "edits landed while the sync ran ({})", notes.len());
    times.sort();
    let (median, max) = (times[times.len() / 2], times[times.len() - 1]);
    eprintln!("{} searches while a slow sync ran: median {median:?}, max {max:?}", times.len());
    assert!(max < Duration::from_millis(100), "median {median:?}, max {max:?}");

    let mut a = Device { engine: cell.into_inner().unwrap(), client };
    let waiting = a.engine.pending_count().unwrap();
    assert!(waiting > 0, "edits made after their batch was taken stay pending");
    assert!(waiting <= notes.len() as u64, "only what was edited during the sync waits ({waiting})");
    proxy.slow(0);
    a.sync().unwrap();
    assert_eq!(a.engine.pending_count().unwrap(), 0);

    let mut b = Device::enroll(dir.path(), "b", &server.url(), "DEMO-L-0001");
    b.sync().unwrap();
    for (id, note) in &notes {
        assert_eq!(&a.engine.household(*id).unwrap().notes, note, "the last edit is what the handset holds");
        assert_eq!(&b.engine.household(*id).unwrap().notes, note, "and what reached the server");
    }
    let held = b.records_in("").values().filter(|s| s.kind == RecordKind::Visit).count();
    assert_eq!(held, VISITS, "every visit arrived once");
}
