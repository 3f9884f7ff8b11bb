//! Hybrid logical clock: stamps that order every causally later write after the earlier one, even
//! when a handset's wall clock is wrong, and that refuse stamps absurdly far in the future.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::DeviceId;

/// How far ahead of the local wall clock a received stamp may be before it is refused: one day.
pub const MAX_FUTURE_MS: u64 = 24 * 60 * 60 * 1000;

/// A hybrid logical clock reading: wall-clock milliseconds since the Unix epoch plus a logical counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Hlc {
    pub ms: u64,
    pub lc: u32,
}

impl Hlc {
    pub const fn new(ms: u64, lc: u32) -> Self {
        Self { ms, lc }
    }
}

/// The clock of one replica. Feed it the wall clock on every write (`tick`) and every stamp it
/// receives (`observe`); it never goes backwards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// A clock that continues after `last` (as saved by the store).
    pub fn resume(last: Hlc) -> Self {
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// The stamp for a local write at wall-clock time `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        self.last = if now_ms > self.last.ms {
            Hlc::new(now_ms, 0)
        } else {
            Hlc::new(self.last.ms, self.last.lc.saturating_add(1))
        };
        self.last
    }

    /// Takes in a stamp from another replica so that later local writes order after it.
    /// A stamp more than [`MAX_FUTURE_MS`] ahead of `now_ms` is refused and leaves the clock as it was.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> Result<(), DomainError> {
        check_not_future(remote, now_ms)?;
        if remote > self.last {
            self.last = remote;
        }
        Ok(())
    }
}

/// Refuses a stamp absurdly far ahead of the wall clock `now_ms`.
pub fn check_not_future(stamp: Hlc, now_ms: u64) -> Result<(), DomainError> {
    if stamp.ms > now_ms.saturating_add(MAX_FUTURE_MS) {
        return Err(DomainError::ClockTooFarAhead { stamp_ms: stamp.ms, now_ms });
    }
    Ok(())
}

/// Who wrote a value and when: the clock reading, the writing device, and the device's counter for
/// the record at that write (its "dot" in the record's version vector). Ordered by clock, then
/// device id, which is the deterministic winner rule of the field merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: DeviceId,
    pub n: u64,
}

/// Wall-clock milliseconds since the Unix epoch (for callers that have no clock of their own).
pub fn wall_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_ticks_and_observations() {
        // (wall clock, optional remote stamp, expected clock after)
        let cases: &[(u64, Option<Hlc>, Hlc)] = &[
            (1_000, None, Hlc::new(1_000, 0)),
            (1_000, None, Hlc::new(1_000, 1)), // same millisecond: counter goes up
            (900, None, Hlc::new(1_000, 2)),   // wall clock went backwards: never does the HLC
            (1_100, None, Hlc::new(1_100, 0)),
            (1_100, Some(Hlc::new(5_000, 7)), Hlc::new(5_000, 7)), // a peer ahead of us pulls us forward
            (1_200, None, Hlc::new(5_000, 8)),                     // and our next write orders after its stamp
            (9_000, None, Hlc::new(9_000, 0)),
            (9_000, Some(Hlc::new(8_000, 3)), Hlc::new(9_000, 0)), // an older stamp changes nothing
        ];
        let mut clock = HlcClock::default();
        for (i, (now, remote, expect)) in cases.iter().enumerate() {
            match remote {
                Some(r) => clock.observe(*r, *now).unwrap(),
                None => {
                    clock.tick(*now);
                }
            }
            assert_eq!(clock.last(), *expect, "step {i}");
        }
    }

    #[test]
    fn causally_later_write_orders_after_even_with_a_slow_clock() {
        // Device A's clock is right; device B's is two hours behind.
        let mut a = HlcClock::default();
        let mut b = HlcClock::default();
        let sent = a.tick(10_000_000);
        b.observe(sent, 10_000_000 - 7_200_000).unwrap();
        let reply = b.tick(10_000_000 - 7_200_000);
        assert!(reply > sent);
    }

    #[test]
    fn absurd_future_stamps_are_refused() {
        let mut clock = HlcClock::resume(Hlc::new(1_000, 0));
        let now = 1_000_000;
        let err = clock.observe(Hlc::new(now + MAX_FUTURE_MS + 1, 0), now).unwrap_err();
        assert!(matches!(err, DomainError::ClockTooFarAhead { .. }));
        assert_eq!(clock.last(), Hlc::new(1_000, 0));
        clock.observe(Hlc::new(now + MAX_FUTURE_MS, 0), now).unwrap();
    }
}
