//! Sync benchmark: end-to-end replication of 100,000 visits (device A pushes, the server merges,
//! an empty device B pulls; all on durable SQLite files) and a fleet day (486 devices syncing at
//! once). Prints the figures; run with `cargo run --release -p gridwork-tests --bin sync_bench`.

use chrono::Utc;
use gridwork_core::Engine;
use gridwork_core::sync::{SyncClient, enroll, sync};
use gridwork_domain::wire::Role;
use gridwork_domain::*;
use gridwork_sync_server::config::open_store;
use gridwork_sync_server::store::Account;
use gridwork_sync_server::{AppState, app};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let visits: usize = arg(&args, "--visits").unwrap_or(100_000);
    let fleet: usize = arg(&args, "--devices").unwrap_or(486);
    let dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let store = open_store(&format!("sqlite://{}", dir.path().join("server.db").display()))?;
    let mut accounts = vec![account("BENCH-A", Role::Admin, "150621")];
    let grids: Vec<AreaCode> = (0..fleet.div_ceil(2)).map(grid_code).collect();
    for (i, g) in grids.iter().enumerate() {
        accounts.push(account(&format!("BENCH-G{i:04}"), Role::GridWorker, g.as_str()));
    }
    rt.block_on(store.put_accounts(accounts))?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let url = format!("http://{}", listener.local_addr()?);
    rt.spawn(async move { axum::serve(listener, app(AppState::new(store))).await });

    replication(dir.path(), &url, visits)?;
    fleet_day(dir.path(), &url, &grids, fleet)?;
    Ok(())
}

fn arg(args: &[String], name: &str) -> Option<usize> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}

fn account(code: &str, role: Role, scope: &str) -> Account {
    Account {
        code: code.into(),
        name: "测试员".into(),
        phone: "13800138000".into(),
        role,
        scope: AreaCode::parse(scope).unwrap(),
    }
}

/// Grid number `i` of the banner: 8 townships × 21 villages × 10 grids.
fn grid_code(i: usize) -> AreaCode {
    let banner = AreaCode::parse("150621").unwrap();
    banner.child((i / 210 + 1) as u32).child((i / 10 % 21 + 1) as u32).child((i % 10 + 1) as u32)
}

fn device(dir: &Path, name: &str, url: &str, code: &str) -> anyhow::Result<(Engine, SyncClient)> {
    let mut engine = Engine::open(&dir.join(format!("{name}.db")))?;
    let p = enroll(&mut engine, url, code, name)?;
    Ok((engine, SyncClient::new(url, p.token)?))
}

fn household(micro_grid: AreaCode, i: usize) -> Household {
    Household {
        micro_grid,
        head_name: format!("住户{i}"),
        address: "树林召镇新民村一社".into(),
        door_number: format!("{i}号"),
        phone: None,
        members: vec![],
        tags: vec![HouseholdTag::ElderlyAlone],
        location: Some(GeoPoint::new(40.4, 110.04)),
        notes: String::new(),
        archived: false,
    }
}

fn replication(dir: &Path, url: &str, n: usize) -> anyhow::Result<()> {
    let (mut a, ca) = device(dir, "a", url, "BENCH-A")?;
    let mg = grid_code(0).child(1);
    let homes: Vec<RecordId> =
        (0..100).map(|i| a.create_household(&household(mg.clone(), i))).collect::<Result<_, _>>()?;
    let t = Instant::now();
    for chunk in 0..n.div_ceil(1000) {
        let batch: Vec<Visit> = (0..1000.min(n - chunk * 1000))
            .map(|i| Visit {
                household: homes[i % homes.len()],
                micro_grid: mg.clone(),
                worker: "王芳".into(),
                visited_at: Utc::now(),
                fix: Some(GpsFix { point: GeoPoint::new(40.4001, 110.0401), accuracy_m: 9.0 }),
                manual_position: false,
                purpose: VisitPurpose::CareVisit,
                findings: "入户走访，老人身体状况良好。".into(),
                follow_up_needed: false,
                follow_up: String::new(),
            })
            .collect();
        a.record_visits(&batch)?;
    }
    let write = t.elapsed();
    let t = Instant::now();
    let pushed = sync(&mut a, &ca, &mut |_| {})?;
    let push = t.elapsed();
    let (mut b, cb) = device(dir, "b", url, "BENCH-A")?;
    let t = Instant::now();
    let pulled = sync(&mut b, &cb, &mut |_| {})?;
    let pull = t.elapsed();
    let visits_on_b: i64 = b.connection().query_row("SELECT count(*) FROM visits", [], |r| r.get(0))?;
    assert_eq!(visits_on_b as usize, n, "every visit reached device B");
    let total = n + homes.len();
    println!("replication of {n} visits (+{} households), durable SQLite on A, server and B:", homes.len());
    println!(
        "  local writes on A (1000/tx):  {:>8.2} s  {:>9.0} records/s",
        write.as_secs_f64(),
        n as f64 / write.as_secs_f64()
    );
    println!(
        "  A pushes ({} records):   {:>8.2} s  {:>9.0} records/s",
        pushed.pushed,
        push.as_secs_f64(),
        total as f64 / push.as_secs_f64()
    );
    println!(
        "  B pulls ({} records):    {:>8.2} s  {:>9.0} records/s",
        pulled.pulled,
        pull.as_secs_f64(),
        total as f64 / pull.as_secs_f64()
    );
    let e2e = push + pull;
    println!(
        "  end to end (push + pull):     {:>8.2} s  {:>9.0} records/s",
        e2e.as_secs_f64(),
        total as f64 / e2e.as_secs_f64()
    );
    Ok(())
}

fn fleet_day(dir: &Path, url: &str, grids: &[AreaCode], n: usize) -> anyhow::Result<()> {
    // Two handsets per grid, each with 50 new households to push; each pulls its partner's 50.
    let mut devices = Vec::with_capacity(n);
    for i in 0..n {
        let (mut e, c) = device(dir, &format!("fleet{i}"), url, &format!("BENCH-G{:04}", i / 2))?;
        sync(&mut e, &c, &mut |_| {})?;
        let mg = grids[i / 2].child(1);
        for k in 0..50 {
            e.create_household(&household(mg.clone(), i * 100 + k))?;
        }
        devices.push((e, c));
    }
    let barrier = Arc::new(Barrier::new(n + 1));
    let handles: Vec<_> = devices
        .into_iter()
        .map(|(mut e, c)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || -> anyhow::Result<(Duration, u64, u64)> {
                barrier.wait();
                let t = Instant::now();
                let r = sync(&mut e, &c, &mut |_| {})?;
                Ok((t.elapsed(), r.pushed, r.pulled))
            })
        })
        .collect();
    barrier.wait();
    let t = Instant::now();
    let mut lat = Vec::with_capacity(n);
    let (mut pushed, mut pulled) = (0, 0);
    for h in handles {
        let (d, p, q) = h.join().expect("device thread")?;
        lat.push(d);
        pushed += p;
        pulled += q;
    }
    let wall = t.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!("fleet day: {n} devices sync at once, each pushing 50 changes and pulling its grid's news:");
    println!("  all done in {:.2} s; pushed {pushed}, pulled {pulled}", wall.as_secs_f64());
    println!(
        "  per device: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(lat[lat.len() - 1])
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
