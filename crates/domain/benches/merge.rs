//! Criterion benchmark: merging 100,000 pairs of concurrent household versions.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::{DeviceId, HlcClock, RecordState, Writer, merge};
use std::hint::black_box;

const PAIRS: usize = 100_000;

fn pairs() -> Vec<(RecordState, RecordState)> {
    let size = DemoSize {
        townships: 2,
        villages_per_township: 5,
        grids_per_village: 5,
        micro_grids_per_grid: 10,
        households_per_micro_grid: 200,
    };
    let demo = generate(7, &size);
    let (da, db) = (DeviceId::new(), DeviceId::new());
    let (mut ca, mut cb) = (HlcClock::default(), HlcClock::default());
    demo.households
        .iter()
        .cycle()
        .take(PAIRS)
        .enumerate()
        .map(|(i, (id, h))| {
            let now = 1_760_000_000_000 + i as u64;
            let base = RecordState::create(*id, h, &mut Writer { device: da, clock: &mut ca, now_ms: now }).unwrap();
            let mut ha = h.clone();
            ha.notes = "A 改了备注".into();
            let a = base.edit(&ha, &mut Writer { device: da, clock: &mut ca, now_ms: now + 1 }).unwrap().unwrap();
            let mut hb = h.clone();
            hb.phone = Some("13700000000".into());
            hb.notes = "B 也改了备注".into();
            let b = base.edit(&hb, &mut Writer { device: db, clock: &mut cb, now_ms: now + 2 }).unwrap().unwrap();
            (a, b)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let pairs = pairs();
    let mut g = c.benchmark_group("merge");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PAIRS as u64));
    g.bench_function("100k concurrent household pairs", |b| {
        b.iter(|| {
            let mut conflicts = 0;
            for (x, y) in &pairs {
                conflicts += merge(black_box(x), black_box(y)).unwrap().conflicts.len();
            }
            assert_eq!(conflicts, PAIRS);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
