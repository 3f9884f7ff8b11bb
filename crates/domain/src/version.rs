//! Version vectors: one counter per device that wrote a record, compared to tell newer, older,
//! equal and concurrent versions apart.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::clock::Stamp;
use crate::ids::DeviceId;

/// How two versions of one record relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Causality {
    Equal,
    /// The left side has seen everything the right side has, and more.
    Newer,
    /// The right side has seen everything the left side has, and more.
    Older,
    /// Each side has writes the other has not seen.
    Concurrent,
}

/// Device id → number of writes by that device that this version includes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionVector(BTreeMap<DeviceId, u64>);

impl VersionVector {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, device: DeviceId) -> u64 {
        self.0.get(&device).copied().unwrap_or(0)
    }

    /// The version holding only `n` writes of `device`.
    pub fn single(device: DeviceId, n: u64) -> Self {
        Self(BTreeMap::from([(device, n)]))
    }

    /// Counts one more write by `device` and returns its new counter.
    pub fn increment(&mut self, device: DeviceId) -> u64 {
        // Saturates rather than wraps; pushes refuse counters past `attribution::MAX_COUNTER` long before.
        let n = self.0.entry(device).or_insert(0);
        *n = n.saturating_add(1);
        *n
    }

    /// The least version that includes both.
    pub fn join(&mut self, other: &VersionVector) {
        for (d, n) in &other.0 {
            let mine = self.0.entry(*d).or_insert(0);
            *mine = (*mine).max(*n);
        }
    }

    /// True when this version includes the write that `stamp` names.
    pub fn covers(&self, stamp: &Stamp) -> bool {
        self.get(stamp.device) >= stamp.n
    }

    pub fn compare(&self, other: &VersionVector) -> Causality {
        let mut ahead = false;
        let mut behind = false;
        for d in self.0.keys().chain(other.0.keys()) {
            match self.get(*d).cmp(&other.get(*d)) {
                Ordering::Greater => ahead = true,
                Ordering::Less => behind = true,
                Ordering::Equal => {}
            }
        }
        match (ahead, behind) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Newer,
            (false, true) => Causality::Older,
            (true, true) => Causality::Concurrent,
        }
    }

    /// Total number of writes this version includes.
    pub fn total(&self) -> u64 {
        self.0.values().fold(0u64, |a, n| a.saturating_add(*n))
    }

    pub fn iter(&self) -> impl Iterator<Item = (DeviceId, u64)> + '_ {
        self.0.iter().map(|(d, n)| (*d, *n))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(DeviceId, u64)> for VersionVector {
    fn from_iter<T: IntoIterator<Item = (DeviceId, u64)>>(iter: T) -> Self {
        Self(iter.into_iter().filter(|(_, n)| *n > 0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn dev(n: u128) -> DeviceId {
        DeviceId(Uuid::from_u128(n))
    }

    fn vv(entries: &[(u128, u64)]) -> VersionVector {
        entries.iter().map(|(d, n)| (dev(*d), *n)).collect()
    }

    #[test]
    fn compare_table() {
        let cases = [
            (vv(&[]), vv(&[]), Causality::Equal),
            (vv(&[(1, 1)]), vv(&[]), Causality::Newer),
            (vv(&[]), vv(&[(1, 1)]), Causality::Older),
            (vv(&[(1, 2), (2, 1)]), vv(&[(1, 2), (2, 1)]), Causality::Equal),
            (vv(&[(1, 3), (2, 1)]), vv(&[(1, 2), (2, 1)]), Causality::Newer),
            (vv(&[(1, 2)]), vv(&[(1, 2), (2, 1)]), Causality::Older),
            (vv(&[(1, 3)]), vv(&[(1, 2), (2, 1)]), Causality::Concurrent),
            (vv(&[(1, 1), (3, 1)]), vv(&[(2, 1)]), Causality::Concurrent),
        ];
        for (i, (a, b, want)) in cases.iter().enumerate() {
            assert_eq!(a.compare(b), *want, "case {i}");
        }
    }

    #[test]
    fn increment_join_and_covers() {
        let mut a = vv(&[(1, 2)]);
        assert_eq!(a.increment(dev(1)), 3);
        assert_eq!(a.increment(dev(2)), 1);
        let mut b = vv(&[(1, 1), (3, 4)]);
        b.join(&a);
        assert_eq!(b, vv(&[(1, 3), (2, 1), (3, 4)]));
        assert_eq!(b.total(), 8);
        let stamp = |d, n| Stamp { hlc: Default::default(), device: dev(d), n };
        assert!(b.covers(&stamp(3, 4)));
        assert!(!b.covers(&stamp(3, 5)));
        assert!(!b.covers(&stamp(9, 1)));
    }

    #[test]
    fn serializes_as_a_plain_map() {
        let a = vv(&[(1, 2)]);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"00000000-0000-0000-0000-000000000001":2}"#);
        assert_eq!(serde_json::from_str::<VersionVector>(&json).unwrap(), a);
    }
}
