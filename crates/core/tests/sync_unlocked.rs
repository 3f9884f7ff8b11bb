//! The worker never waits for the server: while a sync hangs on a server that takes the
//! connection and never answers, searching 10,000 households answers in well under 100 ms each
//! time, edits are taken, and a second sync is told one is running.

use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gridwork_core::sync::{RetryPolicy, SyncClient, sync_shared};
use gridwork_core::{CoreError, Engine, EngineCell, HouseholdQuery, Profile};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, Household};

/// A server that takes connections and never answers. Returns its URL, a signal for each
/// connection taken, and the connections (shut them down to let the client go).
fn silent_server() -> (String, mpsc::Receiver<()>, Arc<Mutex<Vec<TcpStream>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (came, connections) = mpsc::channel();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            keep.lock().unwrap().push(stream);
            let _ = came.send(());
        }
    });
    (url, connections, held)
}

/// An engine holding 10,000 demo households, one change of its own waiting, pointed at `url`.
fn engine_at(dir: &tempfile::TempDir, url: &str) -> Engine {
    let mut e = Engine::open(&dir.path().join("h.db"), &gridwork_core::StoreKey::from_bytes([4; 32])).unwrap();
    let mut profile =
        Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621").unwrap(), 1).unwrap();
    profile.server_url = Some(url.to_owned());
    profile.token = Some("a-token".into());
    e.set_profile(profile).unwrap();
    let size = DemoSize::new(2, 5, 5, 4, 50);
    e.load_demo(&generate(3, &size)).unwrap();
    e
}

fn some_household(e: &Engine) -> Household {
    let any = e.list_households(&HouseholdQuery { area: None, text: "", limit: 1 }).unwrap().remove(0);
    let mut h = e.household(any.id).unwrap();
    h.head_name = "赵新户".into();
    h.door_number = "9-901".into();
    h
}

#[test]
fn a_search_answers_in_under_100_ms_while_a_sync_hangs() {
    let (url, connections, held) = silent_server();
    let dir = tempfile::tempdir().unwrap();
    let mut engine = engine_at(&dir, &url);
    assert!(engine.list_households(&HouseholdQuery { area: None, text: "", limit: 20_000 }).unwrap().len() >= 10_000);
    let new = some_household(&engine);
    engine.create_household(&new).unwrap();
    let cell = Mutex::new(engine);
    let mut client = SyncClient::new(&url, Some("a-token".into())).unwrap();
    client.retry = RetryPolicy { attempts: 1, base: Duration::from_millis(10), max: Duration::from_millis(10) };

    std::thread::scope(|s| {
        let syncing = s.spawn(|| sync_shared(&cell, &client, &mut |_| {}));
        connections.recv_timeout(Duration::from_secs(10)).expect("the sync reached the server");
        let mut times = Vec::new();
        for (i, q) in ["张", "zhang", "zw", "3号楼", "1380", "李", "王芳", "锦园", "wang", "5单元"]
            .iter()
            .cycle()
            .take(20)
            .enumerate()
        {
            let t = Instant::now();
            let rows = cell.with(|e| e.list_households(&HouseholdQuery { area: None, text: q, limit: 50 })).unwrap();
            times.push(t.elapsed());
            assert!(rows.len() <= 50);
            if i == 3 {
                // A form saved meanwhile is taken at once too.
                cell.with(|e| {
                    e.create_household(&Household {
                        head_name: "钱多多".into(),
                        door_number: "9-902".into(),
                        ..new.clone()
                    })
                })
                .unwrap();
            }
        }
        assert!(!syncing.is_finished(), "the sync still hangs while the searches are measured");
        let second = sync_shared(&cell, &client, &mut |_| {});
        assert!(matches!(second, Err(CoreError::SyncRunning)), "{second:?}");
        times.sort();
        let (median, max) = (times[times.len() / 2], times[times.len() - 1]);
        eprintln!("search while a sync hangs: median {median:?}, max {max:?}");
        assert!(max < Duration::from_millis(100), "median {median:?}, max {max:?}");

        for c in held.lock().unwrap().iter() {
            c.shutdown(std::net::Shutdown::Both).unwrap();
        }
        let ended = syncing.join().unwrap();
        assert!(matches!(ended, Err(CoreError::Offline(_))), "{ended:?}");
    });
    let engine = cell.into_inner().unwrap();
    assert_eq!(engine.pending_count().unwrap(), 2, "both changes still wait, nothing was lost");
    assert_eq!(engine.last_contact_ms().unwrap(), None, "a server that never answered is no contact");
}
