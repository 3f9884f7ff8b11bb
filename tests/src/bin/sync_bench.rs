//! Sync benchmark: end-to-end replication of 100,000 visits (device A pushes, the server merges,
//! an empty device pulls — after the push, and while it runs; all on durable SQLite files) and a
//! fleet day (486 devices syncing at once). Prints the figures; run with `cargo run --release -p gridwork-tests --bin sync_bench`
//! (`-- --only replication` or `-- --only fleet` for one part).

use chrono::Utc;
use gridwork_core::Engine;
use gridwork_core::sync::{SyncClient, enroll, sync};
use gridwork_domain::wire::Role;
use gridwork_domain::*;
use gridwork_sync_server::admin::create_codes;
use gridwork_sync_server::config::open_store;
use gridwork_sync_server::store::{Account, SyncStore};
use gridwork_sync_server::{AppState, Limits, app, listen};
use std::path::Path;
use std::sync::{Arc, Barrier, OnceLock};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let visits: usize = arg(&args, "--visits").unwrap_or(100_000);
    let fleet: usize = arg(&args, "--devices").unwrap_or(486);
    let dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let store = open_store(&format!("sqlite://{}", dir.path().join("server.db").display()))?;
    let grids: Vec<AreaCode> = (0..fleet.div_ceil(2)).map(grid_code).collect();
    anyhow::ensure!(grids.len() <= STREAM_GRID, "at most {} devices", 2 * STREAM_GRID);
    let mut accounts = vec![
        account("BENCH-A", Role::Admin, "150621"),
        account("BENCH-S", Role::GridWorker, grid_code(STREAM_GRID).as_str()),
    ];
    for (i, g) in grids.iter().enumerate() {
        accounts.push(account(&format!("BENCH-G{i:04}"), Role::GridWorker, g.as_str()));
    }
    rt.block_on(store.put_accounts(accounts))?;
    CODES.set((store.clone(), rt.handle().clone())).map_err(|_| anyhow::anyhow!("set twice"))?;
    let listener = rt.block_on(async { listen::bind(([127, 0, 0, 1], 0).into()) })?;
    let url = format!("http://{}", listener.local_addr()?);
    // Served as the server binary serves, under every limit but the per-device request rate: C
    // pulls in a tight loop while A pushes, which that rate would (rightly) hold back.
    let limits = Limits { rate_burst: u32::MAX, ..Limits::default() };
    let state = AppState { limits, ..AppState::new(store) };
    rt.spawn(listen::serve(listener, app(state), limits, std::future::pending()));

    let only =
        |part: &str| args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).is_none_or(|p| p == part);
    if only("replication") {
        replication(dir.path(), &url, visits)?;
    }
    if only("fleet") {
        fleet_day(dir.path(), &url, &grids, fleet)?;
    }
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

/// The grid of the streaming replication: the banner's last, which no fleet device works in.
const STREAM_GRID: usize = 8 * 21 * 10 - 1;

/// Grid number `i` of the banner: 8 townships × 21 villages × 10 grids.
fn grid_code(i: usize) -> AreaCode {
    let banner = AreaCode::parse("150621").unwrap();
    banner.child((i / 210 + 1) as u32).child((i / 10 % 21 + 1) as u32).child((i % 10 + 1) as u32)
}

/// The store and runtime the one-time enrollment codes of the bench devices are made with.
static CODES: OnceLock<(Arc<dyn SyncStore>, tokio::runtime::Handle)> = OnceLock::new();

/// A device of the account `handle`, enrolled with a fresh one-time code.
fn device(dir: &Path, name: &str, url: &str, handle: &str) -> anyhow::Result<(Engine, SyncClient)> {
    let (store, rt) = CODES.get().ok_or_else(|| anyhow::anyhow!("no store for codes"))?;
    let code = rt.block_on(create_codes(&**store, handle, "BENCH-A", 1, 1))?.remove(0);
    let mut engine = Engine::open(&dir.join(format!("{name}.db")), &gridwork_core::StoreKey::random())?;
    let p = enroll(&mut engine, url, &code, name)?;
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
    write_visits(&mut a, &homes, &mg, n)?;
    let write = t.elapsed();
    settle_disk();
    let t = Phase::start("push");
    let pushed = sync(&mut a, &ca, &mut |_| {})?;
    let (push, push_busy) = t.stop();
    let (mut b, cb) = device(dir, "b", url, "BENCH-A")?;
    settle_disk();
    let t = Phase::start("pull");
    let pulled = sync(&mut b, &cb, &mut |_| {})?;
    let (pull, pull_busy) = t.stop();
    assert_eq!(count_visits(&b)?, n, "every visit reached device B");
    let total = n + homes.len();
    let rate = |d: Duration, k: usize| k as f64 / d.as_secs_f64();
    println!("replication of {n} visits (+{} households), durable SQLite on A, server and B:", homes.len());
    println!("  local writes on A (1000/tx):      {:>6.2} s {:>8.0} records/s", write.as_secs_f64(), rate(write, n));
    println!(
        "  A pushes {:>6} records:          {:>6.2} s {:>8.0} records/s  (cores busy {push_busy:.2} of 2)",
        pushed.pushed,
        push.as_secs_f64(),
        rate(push, total)
    );
    println!(
        "  B pulls {:>6} records:           {:>6.2} s {:>8.0} records/s  (cores busy {pull_busy:.2} of 2)",
        pulled.pulled,
        pull.as_secs_f64(),
        rate(pull, total)
    );
    let e2e = push + pull;
    println!("  end to end, push then pull:       {:>6.2} s {:>8.0} records/s", e2e.as_secs_f64(), rate(e2e, total));

    // Streaming, as replication runs when devices sync at the same time: A writes n visits (and
    // 100 households) in another grid and pushes them while an empty device C of that grid keeps
    // pulling; the clock stops when C holds every one of them.
    let mg = grid_code(STREAM_GRID).child(1);
    let homes: Vec<RecordId> =
        (0..100).map(|i| a.create_household(&household(mg.clone(), i))).collect::<Result<_, _>>()?;
    write_visits(&mut a, &homes, &mg, n)?;
    let (mut c, cc) = device(dir, "c", url, "BENCH-S")?;
    settle_disk();
    let t = Phase::start("stream");
    let puller = std::thread::spawn(move || -> anyhow::Result<()> {
        while count_visits(&c)? < n {
            sync(&mut c, &cc, &mut |_| {})?;
        }
        Ok(())
    });
    sync(&mut a, &ca, &mut |_| {})?;
    let pushed_at = t.wall.elapsed();
    puller.join().expect("puller thread")?;
    let (streamed, busy) = t.stop();
    println!(
        "  end to end, empty C pulling while A pushes: {:>6.2} s {:>8.0} records/s (A done after {:.2} s; cores busy {busy:.2} of 2)",
        streamed.as_secs_f64(),
        rate(streamed, total),
        pushed_at.as_secs_f64()
    );
    Ok(())
}

fn count_visits(e: &Engine) -> anyhow::Result<usize> {
    Ok(e.connection().query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0))? as usize)
}

fn write_visits(a: &mut Engine, homes: &[RecordId], mg: &AreaCode, n: usize) -> anyhow::Result<()> {
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
            std::thread::spawn(move || -> anyhow::Result<(Instant, Instant, u64, u64, Engine, SyncClient)> {
                barrier.wait();
                let t = Instant::now();
                let r = sync(&mut e, &c, &mut |_| {})?;
                // The store and client go back whole: closing 486 stores (each a WAL checkpoint)
                // is not part of anyone's sync and must not slow the devices still syncing.
                Ok((t, Instant::now(), r.pushed, r.pulled, e, c))
            })
        })
        .collect();
    settle_disk();
    barrier.wait();
    let t = Phase::start("fleet");
    let mut lat = Vec::with_capacity(n);
    let (mut pushed, mut pulled) = (0, 0);
    let (mut first, mut last) = (None::<Instant>, None::<Instant>);
    let mut done = Vec::with_capacity(n);
    for h in handles {
        let (start, end, p, q, e, c) = h.join().expect("device thread")?;
        lat.push(end - start);
        first = Some(first.map_or(start, |f| f.min(start)));
        last = Some(last.map_or(end, |l| l.max(end)));
        pushed += p;
        pulled += q;
        done.push((e, c));
    }
    let (_, busy) = t.stop();
    // From the first device starting to the last one done.
    let wall = last.zip(first).map_or(Duration::ZERO, |(l, f)| l - f);
    drop(done);
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!("fleet day: {n} devices sync at once, each pushing 50 changes and pulling its grid's news:");
    println!("  all done in {:.2} s; pushed {pushed}, pulled {pulled}; cores busy {busy:.2} of 2", wall.as_secs_f64());
    println!(
        "  per device: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(lat[lat.len() - 1])
    );
    Ok(())
}

/// CPU seconds this process has used so far (user + system, from `/proc/self/stat`), to tell
/// how busy the 2 cores were during a phase.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of the line (utime, stime) are 11 and 12 after the name; 100 ticks/s.
    (ticks(11) + ticks(12)) / 100.0
}

/// A timed phase: wall clock and CPU time, and a profiler switched on for it when
/// `GRIDWORK_PERF_PHASE` names it (`perf record --control fifo:$GRIDWORK_PERF_CTL -D -1 …`).
struct Phase {
    name: &'static str,
    wall: Instant,
    cpu: f64,
}

impl Phase {
    fn start(name: &'static str) -> Self {
        perf_control(name, "enable");
        Self { name, wall: Instant::now(), cpu: cpu_seconds() }
    }

    /// Wall time and the share of the two cores' time spent working.
    fn stop(self) -> (Duration, f64) {
        let wall = self.wall.elapsed();
        let busy = (cpu_seconds() - self.cpu) / wall.as_secs_f64();
        perf_control(self.name, "disable");
        (wall, busy)
    }
}

/// Writes out what earlier phases left in the page cache (the set-up writes hundreds of MB), so
/// that the kernel flushing them does not slow the phase being timed.
fn settle_disk() {
    if let Err(e) = std::process::Command::new("sync").status() {
        eprintln!("sync failed ({e}); figures may include the flush of earlier writes");
    }
}

fn perf_control(phase: &str, command: &str) {
    if std::env::var("GRIDWORK_PERF_PHASE").is_ok_and(|p| p == phase)
        && let Ok(ctl) = std::env::var("GRIDWORK_PERF_CTL")
    {
        let _ = std::fs::write(ctl, format!("{command}\n"));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
