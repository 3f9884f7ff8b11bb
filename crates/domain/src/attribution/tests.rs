use super::*;
use crate::clock::{Hlc, HlcClock};
use crate::household::Household;
use crate::ids::{AreaCode, RecordId};
use crate::merge::merge;
use crate::record::Writer;
use crate::visit::Visit;
use proptest::prelude::*;
use uuid::Uuid;

fn dev(n: u128) -> DeviceId {
    DeviceId(Uuid::from_u128(n))
}

fn household(name: &str) -> Household {
    Household::new(AreaCode::parse("150621001001001001").unwrap(), name, "锦园社区", "1号")
}

/// A device with its own clock.
struct Device {
    id: DeviceId,
    clock: HlcClock,
    now: u64,
}

impl Device {
    fn new(n: u128) -> Self {
        Self { id: dev(n), clock: HlcClock::default(), now: 1_000_000 }
    }

    fn w(&mut self) -> Writer<'_> {
        self.now += 1000;
        Writer { device: self.id, clock: &mut self.clock, now_ms: self.now }
    }

    fn create(&mut self, name: &str) -> RecordState {
        RecordState::create(RecordId(Uuid::from_u128(7)), &household(name), &mut self.w()).unwrap()
    }

    fn edit(&mut self, s: &RecordState, f: impl FnOnce(&mut Household)) -> RecordState {
        self.try_edit(s, f).expect("changed")
    }

    fn try_edit(&mut self, s: &RecordState, f: impl FnOnce(&mut Household)) -> Option<RecordState> {
        let mut h: Household = s.decode().unwrap();
        f(&mut h);
        self.clock.observe(s.latest_stamp().hlc, self.now).unwrap();
        s.edit(&h, &mut self.w()).unwrap()
    }
}

#[test]
fn honest_creates_edits_and_concurrent_edits_pass() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let v1 = a.create("张伟");
    assert_eq!(check_attribution(a.id, None, &v1), Ok(()));
    // B edits the version it pulled.
    let v2 = b.edit(&v1, |h| h.notes = "腿脚不便".into());
    assert_eq!(check_attribution(b.id, Some(&v1), &v2), Ok(()));
    // Meanwhile A edited too: B's version is concurrent with the server's and merges.
    let v1a = a.edit(&v1, |h| h.phone = Some("13800138000".into()));
    assert_eq!(check_attribution(b.id, Some(&v1a), &v2), Ok(()));
    // A's edit of the head's name after the merge came back.
    let merged = merge(&v1a, &v2).unwrap().state;
    let v3 = a.edit(&merged, |h| h.head_name = "张伟伟".into());
    assert_eq!(check_attribution(a.id, Some(&merged), &v3), Ok(()));
}

#[test]
fn a_device_may_not_push_another_devices_counter_ahead() {
    let (mut leader, mut attacker) = (Device::new(1), Device::new(2));
    let v1 = leader.create("张伟");
    let mut forged = attacker.edit(&v1, |h| h.notes = "x".into());
    forged.vv = forged.vv.iter().map(|(d, n)| if d == leader.id { (d, n + 1) } else { (d, n) }).collect();
    assert_eq!(
        check_attribution(attacker.id, Some(&v1), &forged),
        Err(AttributionError::ForeignDot { device: leader.id, n: 2 })
    );
}

#[test]
fn a_device_may_not_forge_another_devices_value_or_stamp() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let v1 = a.create("张伟");
    // The same stamp of A with another value: a forged write of A.
    let mut forged = b.edit(&v1, |h| h.notes = "x".into());
    forged.fields.insert("head_name".into(), "李四".into());
    assert!(matches!(check_attribution(b.id, Some(&v1), &forged), Err(AttributionError::ForeignStamp { .. })));
    // A stamp of A far in the future on a concurrent version, to win the merge.
    let v1a = a.edit(&v1, |h| h.head_name = "张伟伟".into());
    let mut late = b.edit(&v1, |h| h.notes = "x".into());
    late.fields.insert("head_name".into(), "李四".into());
    late.stamps.insert("head_name".into(), Stamp { hlc: Hlc::new(u64::MAX / 2, 0), device: a.id, n: 1 });
    assert!(matches!(check_attribution(b.id, Some(&v1a), &late), Err(AttributionError::ForeignStamp { .. })));
    // A new record claiming to be another device's creation.
    let mut stolen = b.create("王芳");
    stolen.origin.device = a.id;
    stolen.vv = [(a.id, 1)].into_iter().collect();
    assert!(check_attribution(b.id, None, &stolen).is_err());
}

#[test]
fn a_version_that_replaces_the_servers_may_not_roll_a_field_back() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let v1 = a.create("张伟");
    let v2 = a.edit(&v1, |h| h.notes = "新".into());
    // B claims to have seen A's second write but carries the field as it was before it.
    let mut stale = b.edit(&v1, |h| h.phone = Some("13800138000".into()));
    stale.vv.join(&v2.vv);
    assert!(matches!(check_attribution(b.id, Some(&v2), &stale), Err(AttributionError::ForeignStamp { .. })));
}

#[test]
fn bounds_on_counters_and_writers() {
    let mut a = Device::new(1);
    let mut v = a.create("张伟");
    assert_eq!(check_bounds(&v), Ok(()));
    v.vv = [(a.id, u64::MAX)].into_iter().collect();
    assert!(matches!(check_bounds(&v), Err(AttributionError::CounterOutOfRange { n: u64::MAX, .. })));
    v.vv = (1..=MAX_WRITERS as u128 + 1).map(|i| (dev(i), 1)).collect();
    assert_eq!(check_bounds(&v), Err(AttributionError::TooManyWriters(MAX_WRITERS + 1)));
    let mut zero = a.create("张伟");
    zero.stamps.insert("notes".into(), Stamp { hlc: Hlc::new(1, 0), device: dev(9), n: 0 });
    assert!(matches!(check_bounds(&zero), Err(AttributionError::CounterOutOfRange { n: 0, .. })));
}

#[test]
fn append_only_records_keep_their_author_and_time() {
    let (mut a, b) = (Device::new(1), Device::new(2));
    let visit = Visit::routine(
        RecordId::new(),
        AreaCode::parse("150621001001001001").unwrap(),
        "王芳",
        chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        "一切正常",
    );
    let v = RecordState::create(RecordId::new(), &visit, &mut a.w()).unwrap();
    assert_eq!(check_attribution(a.id, None, &v), Ok(()));
    assert_eq!(check_attribution(a.id, Some(&v), &v), Ok(()));
    // The same fields re-attributed to another device and time.
    let mut moved = v.clone();
    moved.vv = [(b.id, 1)].into_iter().collect();
    moved.origin = Stamp { hlc: Hlc::new(v.origin.hlc.ms + 5, 0), device: b.id, n: 1 };
    assert_eq!(check_attribution(b.id, Some(&v), &moved), Err(AttributionError::AppendOnlyChanged("visit")));
    // A new one that claims two writers.
    let mut two = v.clone();
    two.vv.increment(b.id);
    assert_eq!(check_attribution(a.id, None, &two), Err(AttributionError::AppendOnlyShape("visit")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Honest devices that edit, push to a server and pull from it in any order never trip the
    /// attribution check.
    #[test]
    fn honest_devices_always_pass(ops in proptest::collection::vec((0..3usize, 0..3u8, any::<u8>()), 1..60)) {
        let mut devices: Vec<Device> = (1..=3).map(Device::new).collect();
        let first = devices[0].create("张伟");
        let mut server = first.clone();
        let mut copies: Vec<Option<RecordState>> = vec![Some(first), None, None];
        for (who, op, x) in ops {
            match (op, copies[who].clone()) {
                (0, Some(mine)) => {
                    let next = devices[who].try_edit(&mine, |h| match x % 3 {
                        0 => h.notes = format!("n{x}"),
                        1 => h.door_number = format!("{x}号"),
                        _ => h.archived = !h.archived,
                    });
                    if let Some(next) = next {
                        copies[who] = Some(next);
                    }
                }
                (1, Some(mine)) => {
                    prop_assert_eq!(check_attribution(devices[who].id, Some(&server), &mine), Ok(()));
                    server = merge(&server, &mine).unwrap().state;
                    copies[who] = Some(server.clone());
                }
                _ => {
                    let pulled = match &copies[who] {
                        Some(mine) => merge(mine, &server).unwrap().state,
                        None => server.clone(),
                    };
                    copies[who] = Some(pulled);
                }
            }
        }
    }
}
