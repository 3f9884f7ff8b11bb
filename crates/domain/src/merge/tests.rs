//! Table tests and property tests of the merge: a join that is commutative, associative and
//! idempotent, and replicas that converge with no write lost under random exchange and faults.

use super::*;
use crate::clock::HlcClock;
use crate::error::ValidationError;
use crate::ids::{AreaCode, DeviceId};
use crate::record::{Record, Writer};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A small mutable record for the tests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Note {
    micro_grid: AreaCode,
    a: String,
    b: String,
    c: i64,
}

impl Record for Note {
    const KIND: RecordKind = RecordKind::Household;
    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        Ok(())
    }
    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}

fn note() -> Note {
    Note { micro_grid: AreaCode::parse("150621001001001001").unwrap(), a: "a0".into(), b: "b0".into(), c: 0 }
}

fn dev(n: u128) -> DeviceId {
    DeviceId(Uuid::from_u128(n))
}

/// One replica: a device with its clock and wall-clock offset.
struct Replica {
    device: DeviceId,
    clock: HlcClock,
    skew_ms: i64,
}

impl Replica {
    fn new(n: u128, skew_ms: i64) -> Self {
        Self { device: dev(n), clock: HlcClock::default(), skew_ms }
    }
    fn writer(&mut self, now: u64) -> Writer<'_> {
        Writer { device: self.device, clock: &mut self.clock, now_ms: now.saturating_add_signed(self.skew_ms) }
    }
    fn create(&mut self, id: RecordId, now: u64) -> RecordState {
        RecordState::create(id, &note(), &mut self.writer(now)).unwrap()
    }
    fn edit(&mut self, s: &RecordState, now: u64, f: impl FnOnce(&mut Note)) -> RecordState {
        self.try_edit(s, now, f).expect("the edit changes something")
    }
    /// `None` when the edit changes nothing (which is not a write).
    fn try_edit(&mut self, s: &RecordState, now: u64, f: impl FnOnce(&mut Note)) -> Option<RecordState> {
        let mut n: Note = s.decode().unwrap();
        f(&mut n);
        s.edit(&n, &mut self.writer(now)).unwrap()
    }
    /// Receives a version from elsewhere: observe its stamps, merge.
    fn receive(&mut self, mine: &RecordState, theirs: &RecordState, now: u64) -> MergeOutcome {
        self.clock.observe(theirs.latest_stamp().hlc, now.saturating_add_signed(self.skew_ms)).unwrap();
        merge(mine, theirs).unwrap()
    }
}

const T0: u64 = 1_760_000_000_000;

#[test]
fn concurrent_edits_to_different_fields_merge_without_conflict() {
    let (mut x, mut y) = (Replica::new(1, 0), Replica::new(2, 0));
    let base = x.create(RecordId::new(), T0);
    let xa = x.edit(&base, T0 + 10, |n| n.a = "x".into());
    let yb = y.edit(&base, T0 + 20, |n| n.b = "y".into());
    for (l, r) in [(&xa, &yb), (&yb, &xa)] {
        let m = merge(l, r).unwrap();
        assert_eq!(m.causality, Causality::Concurrent);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let n: Note = m.state.decode().unwrap();
        assert_eq!((n.a.as_str(), n.b.as_str()), ("x", "y"));
    }
    assert_eq!(merge(&xa, &yb).unwrap().state, merge(&yb, &xa).unwrap().state);
}

#[test]
fn concurrent_edits_to_one_field_pick_the_later_stamp_and_report_a_conflict() {
    let (mut x, mut y) = (Replica::new(1, 0), Replica::new(2, 0));
    let base = x.create(RecordId::new(), T0);
    let xa = x.edit(&base, T0 + 10, |n| n.a = "early".into());
    let ya = y.edit(&base, T0 + 20, |n| n.a = "late".into());
    let m1 = merge(&xa, &ya).unwrap();
    let m2 = merge(&ya, &xa).unwrap();
    assert_eq!(m1.state, m2.state);
    assert_eq!(m1.state.fields["a"], "late");
    assert_eq!(m1.conflicts, m2.conflicts);
    let c = &m1.conflicts[0];
    assert_eq!((c.field.as_str(), c.winner.as_str(), c.loser.as_str()), ("a", Some("late"), Some("early")));
}

#[test]
fn same_stamp_ties_are_broken_by_device_id() {
    let (mut x, mut y) = (Replica::new(9, 0), Replica::new(2, 0));
    let base = x.create(RecordId::new(), T0);
    y.clock.observe(base.origin.hlc, T0).unwrap();
    let mut x2 = HlcClock::resume(y.clock.last());
    x.clock = x2;
    let xa = x.edit(&base, T0, |n| n.c = 9);
    x2 = HlcClock::resume(base.origin.hlc);
    y.clock = x2;
    let ya = y.edit(&base, T0, |n| n.c = 2);
    assert_eq!(xa.stamp_of("c").hlc, ya.stamp_of("c").hlc);
    let m = merge(&ya, &xa).unwrap();
    assert_eq!(m.state.fields["c"], 9, "device 9 beats device 2 on a tie");
    assert_eq!(m.conflicts.len(), 1);
}

#[test]
fn equal_same_value_and_causally_ordered_versions_do_not_conflict() {
    let (mut x, mut y) = (Replica::new(1, 0), Replica::new(2, 0));
    let base = x.create(RecordId::new(), T0);
    // Both set the same value concurrently: no conflict.
    let xa = x.edit(&base, T0 + 1, |n| n.a = "same".into());
    let ya = y.edit(&base, T0 + 2, |n| n.a = "same".into());
    assert!(merge(&xa, &ya).unwrap().conflicts.is_empty());
    // y saw x's edit and changed it again: newer, no conflict, even with y's clock 2 hours slow.
    let mut y_slow = Replica::new(3, -7_200_000);
    let seen = y_slow.receive(&base, &xa, T0 + 3).state;
    let yb = y_slow.edit(&seen, T0 + 4, |n| n.a = "after".into());
    let m = merge(&xa, &yb).unwrap();
    assert_eq!(m.causality, Causality::Older);
    assert!(m.conflicts.is_empty());
    assert_eq!(m.state, yb);
    let same = merge(&yb, &yb).unwrap();
    assert_eq!((same.causality, same.state), (Causality::Equal, yb.clone()));
}

#[test]
fn versions_of_different_records_do_not_merge() {
    let mut x = Replica::new(1, 0);
    let a = x.create(RecordId::new(), T0);
    let b = x.create(RecordId::new(), T0);
    assert!(matches!(merge(&a, &b), Err(DomainError::Mismatch(_))));
}

#[test]
fn append_only_records_refuse_edits() {
    use crate::visit::Visit;
    let mut x = Replica::new(1, 0);
    let v = Visit::routine(RecordId::new(), note().micro_grid, "王芳", chrono::Utc::now(), "一切正常");
    let s = RecordState::create(RecordId::new(), &v, &mut x.writer(T0)).unwrap();
    let mut v2 = v.clone();
    v2.findings = "改了".into();
    assert!(matches!(s.edit(&v2, &mut x.writer(T0)), Err(DomainError::Invalid(_))));
    assert_eq!(merge(&s, &s).unwrap().state, s);
}

// ---- property tests ----

/// One step of a random history.
#[derive(Clone, Debug)]
enum Op {
    /// Replica edits one field of one record.
    Edit { replica: usize, record: usize, field: u8, value: u8 },
    /// Replica sends a snapshot of its records to another (queued, maybe delivered later).
    Send { from: usize, to: usize },
    /// Delivers a queued message (may deliver the same one again: a duplicate).
    Deliver { msg: usize },
    /// Loses a queued message.
    Drop { msg: usize },
    /// Time passes on the wall clock.
    Tick { ms: u16 },
}

const REPLICAS: usize = 4;
const RECORDS: usize = 3;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..REPLICAS, 0..RECORDS, 0..3u8, 0..4u8).prop_map(|(replica, record, field, value)| Op::Edit { replica, record, field, value }),
        3 => (0..REPLICAS, 0..REPLICAS).prop_map(|(from, to)| Op::Send { from, to }),
        3 => (0..64usize).prop_map(|msg| Op::Deliver { msg }),
        1 => (0..64usize).prop_map(|msg| Op::Drop { msg }),
        1 => (0..5000u16).prop_map(|ms| Op::Tick { ms }),
    ]
}

type Store = BTreeMap<RecordId, RecordState>;

struct World {
    replicas: Vec<(Replica, Store)>,
    ids: Vec<RecordId>,
    queue: Vec<Option<(usize, Store)>>,
    now: u64,
    /// Every write made: (record, field, stamp, value).
    writes: Vec<(RecordId, String, Stamp, Value)>,
    conflicts: usize,
}

impl World {
    fn new(skews: &[i64]) -> Self {
        let mut replicas: Vec<(Replica, Store)> =
            (0..REPLICAS).map(|i| (Replica::new(i as u128 + 1, skews[i]), Store::new())).collect();
        let ids: Vec<RecordId> = (0..RECORDS).map(|i| RecordId(Uuid::from_u128(1000 + i as u128))).collect();
        let mut writes = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let (rep, store) = &mut replicas[i % REPLICAS];
            let s = rep.create(*id, T0);
            for (k, v) in &s.fields {
                writes.push((*id, k.clone(), s.origin, v.clone()));
            }
            store.insert(*id, s);
        }
        Self { replicas, ids, queue: Vec::new(), now: T0, writes, conflicts: 0 }
    }

    fn receive(&mut self, to: usize, incoming: &Store) {
        let now = self.now;
        let (rep, store) = &mut self.replicas[to];
        for (id, theirs) in incoming {
            let merged = match store.get(id) {
                Some(mine) => {
                    let m = rep.receive(mine, theirs, now);
                    self.conflicts += m.conflicts.len();
                    m.state
                }
                None => {
                    rep.clock.observe(theirs.latest_stamp().hlc, now.saturating_add_signed(rep.skew_ms)).unwrap();
                    theirs.clone()
                }
            };
            store.insert(*id, merged);
        }
    }

    fn run(&mut self, op: &Op) {
        match *op {
            Op::Edit { replica, record, field, value } => {
                let id = self.ids[record];
                let now = self.now;
                let (rep, store) = &mut self.replicas[replica];
                let Some(cur) = store.get(&id) else { return };
                let name = ["a", "b", "c"][field as usize];
                let next = rep.try_edit(cur, now, |n| match field {
                    0 => n.a = format!("{}:{value}", replica),
                    1 => n.b = format!("{}:{value}", replica),
                    _ => n.c = i64::from(value) + 10 * replica as i64,
                });
                if let Some(next) = next {
                    self.writes.push((id, name.into(), *next.stamp_of(name), next.fields[name].clone()));
                    store.insert(id, next);
                }
            }
            Op::Send { from, to } => {
                let snapshot = self.replicas[from].1.clone();
                self.queue.push(Some((to, snapshot)));
            }
            Op::Deliver { msg } => {
                if let Some(Some((to, store))) = self.queue.get(msg).cloned() {
                    self.receive(to, &store);
                }
            }
            Op::Drop { msg } => {
                if let Some(m) = self.queue.get_mut(msg) {
                    *m = None;
                }
            }
            Op::Tick { ms } => self.now += u64::from(ms),
        }
    }

    /// Anti-entropy at the end: everyone sends to replica 0, then 0 sends to everyone.
    fn settle(&mut self) {
        for i in 1..REPLICAS {
            let s = self.replicas[i].1.clone();
            self.receive(0, &s);
        }
        let s0 = self.replicas[0].1.clone();
        for i in 1..REPLICAS {
            self.receive(i, &s0);
        }
    }
}

fn skews() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(-3_600_000i64..3_600_000, REPLICAS)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn replicas_converge_and_lose_no_write(skews in skews(), ops in proptest::collection::vec(op(), 0..120)) {
        let mut w = World::new(&skews);
        for op in &ops {
            w.run(op);
        }
        w.settle();
        let first = &w.replicas[0].1;
        for (_, store) in &w.replicas[1..] {
            prop_assert_eq!(store, first);
        }
        // No write lost: every write is in the final version vector, and each field holds the
        // value of the write with the greatest stamp.
        for (id, field, stamp, _) in &w.writes {
            let s = &first[id];
            prop_assert!(s.vv.covers(stamp), "write {:?} of {} missing from {:?}", stamp, field, s.vv);
        }
        for id in &w.ids {
            let s = &first[id];
            for name in ["a", "b", "c"] {
                let best = w.writes.iter().filter(|(i, f, ..)| i == id && f == name).max_by_key(|(_, _, st, _)| *st).unwrap();
                prop_assert_eq!(s.stamp_of(name), &best.2);
                prop_assert_eq!(&s.fields[name], &best.3);
            }
        }
    }

    #[test]
    fn merge_is_commutative_associative_and_idempotent(skews in skews(), ops in proptest::collection::vec(op(), 0..80), pick in proptest::collection::vec(0..REPLICAS, 3)) {
        let mut w = World::new(&skews);
        w.settle(); // every replica starts with every record
        for op in &ops {
            w.run(op);
        }
        let id = w.ids[0];
        let states: Vec<RecordState> = pick.iter().filter_map(|i| w.replicas[*i].1.get(&id).cloned()).collect();
        prop_assert_eq!(states.len(), 3);
        let (a, b, c) = (&states[0], &states[1], &states[2]);
        let m = |x: &RecordState, y: &RecordState| merge(x, y).unwrap().state;
        prop_assert_eq!(m(a, b), m(b, a));
        prop_assert_eq!(m(&m(a, b), c), m(a, &m(b, c)));
        prop_assert_eq!(m(a, a), a.clone());
        let ab = m(a, b);
        prop_assert_eq!(m(&ab, b), ab.clone());
    }
}
