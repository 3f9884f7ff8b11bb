//! Figures of the real app (release build, under Xvfb, over WebDriver) for docs/benchmarks.md:
//! cold start to a usable household list (the unlock screen, then the PIN to the list), search
//! keystroke latency over 10,000 households (each
//! keystroke's command round trip as the page sees it: IPC, engine query, JSON), and a grid
//! leader's desk over 5,000 cases: the queue and the case screen, as the page sees them.
//! Run: `cargo bench -p gridwork-app --bench app_figures` (after building the UI).

#[allow(dead_code)]
#[path = "../tests/e2e/driver.rs"]
mod driver;

use gridwork_core::vault::{NoKeyring, Pin, Vault};
use gridwork_core::{Engine, Profile};
use gridwork_domain::AreaCode;
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::policy::DevicePolicy;
use gridwork_domain::wire::Role;
use std::time::Instant;

/// A store under the end-to-end PIN at `dir`, sealed as the app seals one (the handset's Argon2id
/// costs; no keyring under Xvfb).
fn store(dir: &std::path::Path) -> Engine {
    let pin = Pin::new(driver::PIN).unwrap();
    Vault::at(&dir.join(gridwork_app::state::DB_FILE)).create(&pin, &NoKeyring, &DevicePolicy::default()).unwrap()
}

/// Waits for the unlock screen, types the PIN and unlocks: the time from the tap to `then` on
/// screen, in ms.
async fn unlock(c: &fantoccini::Client, then: &str) -> u128 {
    driver::type_into(c, "pin", driver::PIN).await;
    let t0 = Instant::now();
    driver::click(c, "unlock").await;
    driver::find(c, then).await;
    t0.elapsed().as_millis()
}

/// A store enrolled for the whole demo banner with 10,000 households (1,000 micro-grids × 10).
fn big_store(dir: &std::path::Path) {
    let demo = generate(11, &DemoSize::new(1, 10, 10, 10, 10));
    let mut e = store(dir);
    e.set_profile(
        Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621").unwrap(), 1).unwrap(),
    )
    .unwrap();
    assert_eq!(e.load_demo(&demo).unwrap().inserted, 10_000);
}

/// A grid leader's store with 5,000 cases (50 in each of 100 grids) at every step of the loop.
fn leader_store(dir: &std::path::Path) {
    let demo = generate(11, &DemoSize::new(1, 10, 10, 10, 10));
    let cases = gridwork_domain::demo_cases::cases(11, &demo, 50, chrono::Utc::now());
    assert_eq!(cases.len(), 5_000);
    let mut e = store(dir);
    e.set_profile(
        Profile::offline("张伟", "13800138000", Role::GridLeader, AreaCode::parse("150621").unwrap(), 1).unwrap(),
    )
    .unwrap();
    e.load_demo(&demo).unwrap();
    e.load_demo_cases(&cases).unwrap();
}

/// Opens the queue (counts and the first page, as the queue screen asks) 20 times, then the case
/// screen of each of the first 40 rows, and answers each call's time in ms.
const DESK: &str = r#"
const done = arguments[0];
const invoke = window.__TAURI_INTERNALS__.invoke;
const query = { bucket: null, micro_grid: null, category: null, urgency: null, all_levels: false, offset: 0, limit: 50 };
(async () => {
  const queue = [], cases = [];
  let rows = [], total = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const q = await invoke('case_queue', { query });
    queue.push(performance.now() - t0);
    rows = q.rows; total = q.total;
  }
  const more = await invoke('case_queue', { query: { ...query, limit: 40, offset: 60 } });
  for (const r of [...rows, ...more.rows].slice(0, 60)) {
    const t0 = performance.now();
    await invoke('case_view', { id: r.id });
    cases.push(performance.now() - t0);
  }
  done({ queue, cases, total });
})();
"#;

fn percentiles(v: &serde_json::Value) -> (usize, f64, f64, f64) {
    let mut ms: Vec<f64> = v.as_array().unwrap().iter().filter_map(|x| x.as_f64()).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (ms.len(), pct(0.5), pct(0.95), pct(1.0))
}

async fn leader_desk() {
    let tmp = tempfile::tempdir().unwrap();
    leader_store(tmp.path());
    let d = driver::Driver::start(tmp.path());
    let c = d.session().await;
    unlock(&c, "nav-queue").await;
    let v = c.execute_async(DESK, vec![]).await.unwrap();
    c.close().await.unwrap();
    let (n, p50, p95, max) = percentiles(&v["queue"]);
    println!(
        "leader's queue over 5,000 cases ({} at the leader's level; counts + first 50 rows): n={n} p50={p50:.1} ms p95={p95:.1} ms max={max:.1} ms",
        v["total"]
    );
    let (n, p50, p95, max) = percentiles(&v["cases"]);
    println!("case screen (case_view): n={n} p50={p50:.1} ms p95={p95:.1} ms max={max:.1} ms");
}

const KEYSTROKES: &str = r#"
const done = arguments[0];
const words = ['zhangwei', 'wangfang', 'lx', 'zw', '101', '2单元', '张', '王芳', 'liu', 'chen'];
const times = [];
(async () => {
  for (const w of words) for (let i = 1; i <= w.length; i++) {
    const t0 = performance.now();
    await window.__TAURI_INTERNALS__.invoke('list_households', { area: null, text: w.slice(0, i), limit: 300 });
    times.push(performance.now() - t0);
  }
  done(times);
})();
"#;

#[tokio::main]
async fn main() {
    leader_desk().await;
    let tmp = tempfile::tempdir().unwrap();
    big_store(tmp.path());
    let (mut starts, mut opens) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let d = driver::Driver::start(tmp.path());
        let t0 = Instant::now();
        let c = d.session().await;
        driver::find(&c, "pin").await;
        starts.push(t0.elapsed().as_millis());
        opens.push(unlock(&c, "household-item").await);
        c.close().await.unwrap();
    }
    let d = driver::Driver::start(tmp.path());
    let c = d.session().await;
    unlock(&c, "household-item").await;
    let v = c.execute_async(KEYSTROKES, vec![]).await.unwrap();
    let mut ms: Vec<f64> = v.as_array().unwrap().iter().filter_map(|x| x.as_f64()).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    c.close().await.unwrap();
    let total: Vec<u128> = starts.iter().zip(&opens).map(|(a, b)| a + b).collect();
    println!("cold start to the unlock screen (ms, 3 runs): {starts:?}");
    println!("unlock: PIN tapped to household list (ms, 3 runs): {opens:?}");
    println!("cold start to household list without the typing (ms, 3 runs): {total:?}");
    println!(
        "search keystrokes over 10,000 households: n={} p50={:.1} ms p95={:.1} ms max={:.1} ms",
        ms.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
