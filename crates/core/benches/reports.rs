//! The township office's figures on a township of 10,000 households, 100,000 visits and 5,000
//! cases in a core store (release build, real SQLite file): how long the dashboard takes to open,
//! a figure's list, the monthly notice, the ranking, and writing the notice's XLSX and CSV.
//! Prints the figures (`cargo bench -p gridwork-core --bench reports`); docs/benchmarks.md keeps them.

use std::time::Instant;

use chrono::{DateTime, Utc};
use gridwork_core::{Engine, Profile};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::demo_cases::cases;
use gridwork_domain::report::{Figure, FigureQuery, PeriodSpec};
use gridwork_domain::wire::Role;
use gridwork_domain::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DAY: i64 = 86_400_000;
/// 1 township × 10 villages × 5 grids × 4 micro-grids × 50 households = 10,000 households.
const SIZE: DemoSize = DemoSize::new(1, 10, 5, 4, 50);

fn build(path: &std::path::Path, now: DateTime<Utc>) -> (usize, usize, usize) {
    let mut e = Engine::open(path, &gridwork_core::StoreKey::from_bytes([42; 32])).unwrap();
    let township = AreaCode::parse("150621001").unwrap();
    e.set_profile(Profile::offline("李娜", "13800138000", Role::Supervisor, township, 1).unwrap()).unwrap();
    let banner = generate(5, &SIZE);
    e.load_demo(&banner).unwrap();
    // 100 cases in each of the 50 grids, over the 40 days before now.
    let all = cases(5, &banner, 100, now);
    e.load_demo_cases(&all).unwrap();
    let mut clock = HlcClock::default();
    let mut w = Writer { device: DeviceId(uuid::Uuid::nil()), clock: &mut clock, now_ms: 2 };
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut visits = 0;
    let mut batch = Vec::new();
    for (n, (id, h)) in banner.households.iter().enumerate() {
        // Ten visits each over the past 120 days.
        for _ in 0..10 {
            let at = DateTime::from_timestamp_millis(now.timestamp_millis() - rng.random_range(0..120 * DAY)).unwrap();
            let v = Visit::routine(*id, h.micro_grid.clone(), "王芳", at, "入户走访，一切正常");
            batch.push(RecordState::create(RecordId::new(), &v, &mut w).unwrap());
            visits += 1;
        }
        if n % 5 < 3 {
            let body = format!("{:011}", 90_000_000_000u64 + n as u64);
            let serial = CardSerial::parse(&format!("{body}{}", gridwork_domain::serial::damm_digit(&body))).unwrap();
            let at = DateTime::from_timestamp_millis(now.timestamp_millis() - rng.random_range(0..150 * DAY)).unwrap();
            let card = ContactCard {
                household: *id,
                micro_grid: h.micro_grid.clone(),
                serial,
                issuer: "王芳".into(),
                issuer_phone: "13800138000".into(),
                issued_at: at,
                recipient: h.head_name.clone(),
                status: CardStatus::Active,
            };
            batch.push(RecordState::create(RecordId::new(), &card, &mut w).unwrap());
        }
        if batch.len() >= 5_000 {
            e.apply_remote(&batch).unwrap();
            batch.clear();
        }
    }
    e.apply_remote(&batch).unwrap();
    (banner.households.len(), visits, all.len())
}

/// Runs `f` `n` times: the first run (cold) and the median of the rest, in ms.
fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut runs: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let first = runs.remove(0);
    runs.sort_by(f64::total_cmp);
    (first, runs.get(runs.len() / 2).copied().unwrap_or(first))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("township.db");
    let now: DateTime<Utc> = "2026-11-28T04:00:00Z".parse().unwrap();
    let t = Instant::now();
    let (households, visits, cases) = build(&path, now);
    println!("store: {households} households, {visits} visits, {cases} cases in {:.1} s", t.elapsed().as_secs_f64());
    let now_ms = now.timestamp_millis();
    // Opened afresh, as the app opens it.
    let e = Engine::open(&path, &gridwork_core::StoreKey::from_bytes([42; 32])).unwrap();
    let report = |label: &str, (first, median): (f64, f64), goal: &str| {
        println!("{label:<44} first {first:>8.1} ms   median {median:>8.1} ms   {goal}");
    };
    let month = PeriodSpec::Month { month: "2026-11".into() };
    let quarter = PeriodSpec::Quarter { quarter: "2026Q4".into() };
    report("dashboard, month", time(11, || e.dashboard_at(&month, None, now_ms).unwrap()), "goal < 500 ms");
    report("dashboard, quarter", time(11, || e.dashboard_at(&quarter, None, now_ms).unwrap()), "goal < 500 ms");
    let q = FigureQuery { scope: None, period: month.clone(), figure: Figure::Closed, offset: 0, limit: 50 };
    report("figure list (closed, first 50)", time(11, || e.figure_list_at(&q, now_ms).unwrap()), "");
    let township = AreaCode::parse("150621001").unwrap();
    let q = FigureQuery { figure: Figure::NotVisited { area: township }, ..q };
    report("figure list (not visited, first 50)", time(11, || e.figure_list_at(&q, now_ms).unwrap()), "");
    report(
        "monthly notice (60 rows, this and last month)",
        time(5, || e.monthly_notice_at("2026-11", None, now_ms).unwrap()),
        "",
    );
    report(
        "ranking of the quarter (50 grids, 10 villages)",
        time(5, || e.ranking_at("2026Q4", None, now_ms).unwrap()),
        "",
    );
    let out = tempfile::tempdir().unwrap();
    let written = e.export_notice_at("2026-11", None, out.path(), now_ms).unwrap();
    report(
        "notice written (XLSX with ranking + CSV)",
        time(5, || e.export_notice_at("2026-11", None, out.path(), now_ms).unwrap()),
        "goal < 2,000 ms",
    );
    let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    println!("files: {} bytes XLSX, {} bytes CSV", size(&written.xlsx), size(&written.csv));
}
