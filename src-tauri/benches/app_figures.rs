//! Figures of the real app (release build, under Xvfb, over WebDriver) for docs/benchmarks.md:
//! cold start to a usable household list, and search keystroke latency over 10,000 households
//! (each keystroke's command round trip as the page sees it: IPC, engine query, JSON).
//! Run: `cargo bench -p gridwork-app --bench app_figures` (after building the UI).

#[allow(dead_code)]
#[path = "../tests/e2e/driver.rs"]
mod driver;

use gridwork_core::{Engine, Profile};
use gridwork_domain::AreaCode;
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::wire::Role;
use std::time::Instant;

/// A store enrolled for the whole demo banner with 10,000 households (1,000 micro-grids × 10).
fn big_store(dir: &std::path::Path) {
    let demo = generate(11, &DemoSize::new(1, 10, 10, 10, 10));
    let mut e = Engine::open(&dir.join(gridwork_app::state::DB_FILE)).unwrap();
    e.set_profile(
        Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621").unwrap(), 1).unwrap(),
    )
    .unwrap();
    assert_eq!(e.load_demo(&demo).unwrap().inserted, 10_000);
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
    let tmp = tempfile::tempdir().unwrap();
    big_store(tmp.path());
    let mut starts = Vec::new();
    for _ in 0..3 {
        let d = driver::Driver::start(tmp.path());
        let t0 = Instant::now();
        let c = d.session().await;
        driver::find(&c, "household-item").await;
        starts.push(t0.elapsed().as_millis());
        c.close().await.unwrap();
    }
    let d = driver::Driver::start(tmp.path());
    let c = d.session().await;
    driver::find(&c, "household-item").await;
    let v = c.execute_async(KEYSTROKES, vec![]).await.unwrap();
    let mut ms: Vec<f64> = v.as_array().unwrap().iter().filter_map(|x| x.as_f64()).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    c.close().await.unwrap();
    println!("cold start to household list (ms, 3 runs): {starts:?}");
    println!(
        "search keystrokes over 10,000 households: n={} p50={:.1} ms p95={:.1} ms max={:.1} ms",
        ms.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
