//! Criterion benchmarks of the handset store on a real SQLite file (WAL, synchronous=FULL):
//! durable visit writes in batches and one per transaction, household search over 10,000, and
//! the open of an encrypted store (with its key; and unlocking it with the PIN, Argon2id included).

use chrono::Utc;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gridwork_core::{Engine, HouseholdQuery, NoKeyring, Pin, Profile, StoreKey, Vault};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::wire::Role;
use gridwork_domain::*;

/// The key of the benchmarks' stores.
fn key() -> StoreKey {
    StoreKey::from_bytes([42; 32])
}

fn engine(dir: &tempfile::TempDir) -> Engine {
    setup(Engine::open(&dir.path().join("bench.db"), &key()).unwrap())
}

fn setup(mut e: Engine) -> Engine {
    e.set_profile(
        Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621").unwrap(), 1).unwrap(),
    )
    .unwrap();
    e
}

/// An engine holding `n` demo households (about 10,000 for search).
fn seeded(dir: &tempfile::TempDir, households_per_micro_grid: u32) -> (Engine, Vec<RecordId>) {
    seed(engine(dir), households_per_micro_grid)
}

fn seed(mut e: Engine, households_per_micro_grid: u32) -> (Engine, Vec<RecordId>) {
    let size = DemoSize {
        townships: 2,
        villages_per_township: 5,
        grids_per_village: 5,
        micro_grids_per_grid: 4,
        households_per_micro_grid,
    };
    let demo = generate(3, &size);
    e.load_demo(&demo).unwrap();
    (e, demo.households.iter().map(|(id, _)| *id).collect())
}

fn visit(household: RecordId, micro_grid: &AreaCode) -> Visit {
    Visit {
        household,
        micro_grid: micro_grid.clone(),
        worker: "王芳".into(),
        visited_at: Utc::now(),
        fix: Some(GpsFix { point: GeoPoint::new(40.2, 110.0), accuracy_m: 12.0 }),
        manual_position: false,
        purpose: VisitPurpose::Routine,
        findings: "入户走访，家中老人身体状况良好，无新增困难。".into(),
        follow_up_needed: false,
        follow_up: String::new(),
    }
}

fn writes(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut e, ids) = seeded(&dir, 5);
    let mg = e.household(ids[0]).unwrap().micro_grid;
    let mut g = c.benchmark_group("visits");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1000 per transaction", |b| {
        b.iter_batched(
            || ids.iter().cycle().take(1000).map(|id| visit(*id, &mg)).collect::<Vec<_>>(),
            |batch| e.record_visits(&batch).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("one per transaction (100)", |b| {
        b.iter_batched(
            || ids.iter().take(100).map(|id| visit(*id, &mg)).collect::<Vec<_>>(),
            |batch| {
                for v in &batch {
                    e.record_visit(v).unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (e, ids) = seeded(&dir, 50);
    assert!(ids.len() >= 10_000, "{} households", ids.len());
    let mut g = c.benchmark_group("search 10k households");
    g.sample_size(30);
    for q in ["张伟", "zhangwei", "zw", "3号楼", "1380"] {
        g.bench_function(q, |b| {
            b.iter(|| e.list_households(&HouseholdQuery { area: None, text: q, limit: 50 }).unwrap())
        });
    }
    g.finish();
}

/// The integrity check a store passes at open (`PRAGMA quick_check`), beside the full
/// `integrity_check` it stands in for, and the whole open, on a store of 10,000 households.
fn open_check(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (e, ids) = seeded(&dir, 50);
    assert!(ids.len() >= 10_000, "{} households", ids.len());
    drop(e);
    let path = dir.path().join("bench.db");
    let mut g = c.benchmark_group("open 10k households");
    g.sample_size(20);
    for pragma in ["quick_check", "integrity_check"] {
        g.bench_function(pragma, |b| {
            b.iter_batched(
                || gridwork_core::db::connect_only(&path, &key()).unwrap(),
                |conn| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, String>(0)).unwrap(),
                BatchSize::PerIteration,
            )
        });
    }
    g.bench_function("open_existing", |b| b.iter(|| Engine::open_existing(&path, &key()).unwrap()));
    // The engine's part of a cold start: open the store, then the first page the worker sees.
    g.bench_function("open and first page", |b| {
        b.iter(|| {
            let e = Engine::open_existing(&path, &key()).unwrap();
            e.list_households(&HouseholdQuery { area: None, text: "", limit: 50 }).unwrap()
        })
    });
    // A cold start behind the lock: the PIN through Argon2id (the handset's costs), the key
    // unsealed, the store opened, the first page.
    let locked = tempfile::tempdir().unwrap();
    let vault = Vault::at(&locked.path().join("bench.db"));
    let pin = Pin::new("246810").unwrap();
    let policy = gridwork_domain::policy::DevicePolicy::default();
    drop(seed(setup(vault.create(&pin, &NoKeyring, &policy).unwrap()), 50));
    g.bench_function("unlock and first page", |b| {
        b.iter(|| {
            let e = vault.unlock(&pin, &NoKeyring).unwrap();
            e.list_households(&HouseholdQuery { area: None, text: "", limit: 50 }).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, writes, search, open_check);
criterion_main!(benches);
