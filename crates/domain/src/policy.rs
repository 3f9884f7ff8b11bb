//! The server's rules for every handset's lock (设备安全策略): how many wrong PINs before each
//! try waits longer and before the handset wipes itself, how long idle before the app locks, and
//! how many days without reaching the server before the app only offers to sync. Pure decisions
//! over them live here; the handset keeps the numbers and acts on what these functions decide.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// The lock rules the server hands every device with its reference data. A field an older server
/// does not send takes its default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DevicePolicy {
    /// Wrong PINs in a row after which every further try has to wait, longer each time.
    pub pin_delay_after: u32,
    /// Wrong PINs in a row after which the handset destroys its key and wipes its store.
    pub pin_wipe_after: u32,
    /// Seconds without a touch after which the app locks.
    pub idle_lock_s: u32,
    /// Days without reaching the server after which the app only offers sync and the outbox.
    pub offline_lock_days: u32,
}

impl Default for DevicePolicy {
    fn default() -> Self {
        Self { pin_delay_after: 5, pin_wipe_after: 10, idle_lock_s: 5 * 60, offline_lock_days: 14 }
    }
}

/// The wait after the first wrong PIN that has to wait; it doubles with every further one.
pub const FIRST_WAIT_MS: u64 = 30_000;
/// The longest wait between two tries.
pub const LONGEST_WAIT_MS: u64 = 60 * 60 * 1000;

/// What a wrong PIN leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PinOutcome {
    /// Try again at once.
    TryAgain { left: u32 },
    /// Try again after `wait_ms`.
    Wait { wait_ms: u64, left: u32 },
    /// The last try was used: destroy the key and wipe.
    Wipe,
}

impl DevicePolicy {
    /// Refuses rules a handset cannot work under (each with a clear message).
    pub fn validate(&self) -> Result<(), ValidationError> {
        let bad = |field: &'static str, message: String| Err(ValidationError::coded(field, "range", message));
        if self.pin_delay_after < 1 {
            return bad("pin_delay_after", "wrong PINs before a wait must be at least 1".into());
        }
        if self.pin_wipe_after <= self.pin_delay_after || self.pin_wipe_after > 100 {
            return bad(
                "pin_wipe_after",
                format!(
                    "wrong PINs before a wipe ({}) must be more than before a wait ({}) and at most 100",
                    self.pin_wipe_after, self.pin_delay_after
                ),
            );
        }
        if !(5..=24 * 60 * 60).contains(&self.idle_lock_s) {
            return bad("idle_lock_s", format!("idle lock of {} s is not between 5 s and 24 h", self.idle_lock_s));
        }
        if !(1..=365).contains(&self.offline_lock_days) {
            return bad(
                "offline_lock_days",
                format!("offline lock of {} days is not between 1 and 365", self.offline_lock_days),
            );
        }
        Ok(())
    }

    /// What happens after `failures` wrong PINs in a row (counting the one just entered).
    pub fn after_wrong_pins(&self, failures: u32) -> PinOutcome {
        if failures >= self.pin_wipe_after {
            return PinOutcome::Wipe;
        }
        let left = self.pin_wipe_after - failures;
        if failures < self.pin_delay_after {
            return PinOutcome::TryAgain { left };
        }
        let doublings = (failures - self.pin_delay_after).min(20);
        let wait_ms = FIRST_WAIT_MS.saturating_mul(1 << doublings).min(LONGEST_WAIT_MS);
        PinOutcome::Wait { wait_ms, left }
    }

    /// Whether a handset last in touch with the server at `last_contact_ms` (its enrollment, before
    /// its first sync) is offline-locked at `now_ms`.
    pub fn offline_locked(&self, last_contact_ms: u64, now_ms: u64) -> bool {
        now_ms.saturating_sub(last_contact_ms) > u64::from(self.offline_lock_days) * 24 * 60 * 60 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_pins_wait_longer_each_time_then_wipe() {
        let p = DevicePolicy::default();
        let table = [
            (1, PinOutcome::TryAgain { left: 9 }),
            (4, PinOutcome::TryAgain { left: 6 }),
            (5, PinOutcome::Wait { wait_ms: 30_000, left: 5 }),
            (6, PinOutcome::Wait { wait_ms: 60_000, left: 4 }),
            (7, PinOutcome::Wait { wait_ms: 120_000, left: 3 }),
            (9, PinOutcome::Wait { wait_ms: 480_000, left: 1 }),
            (10, PinOutcome::Wipe),
            (11, PinOutcome::Wipe),
        ];
        for (failures, expected) in table {
            assert_eq!(p.after_wrong_pins(failures), expected, "after {failures}");
        }
        let long = DevicePolicy { pin_delay_after: 1, pin_wipe_after: 100, ..p };
        assert_eq!(long.after_wrong_pins(99), PinOutcome::Wait { wait_ms: LONGEST_WAIT_MS, left: 1 });
    }

    #[test]
    fn offline_lock_counts_whole_days() {
        let p = DevicePolicy::default();
        let day = 24 * 60 * 60 * 1000;
        assert!(!p.offline_locked(1_000, 1_000 + 14 * day), "14 days exactly is still open");
        assert!(p.offline_locked(1_000, 1_000 + 14 * day + 1));
        assert!(!p.offline_locked(5 * day, day), "a clock set back does not lock");
    }

    #[test]
    fn bad_rules_are_refused_with_their_field() {
        let p = DevicePolicy::default();
        assert!(p.validate().is_ok());
        for (bad, field) in [
            (DevicePolicy { pin_delay_after: 0, ..p }, "pin_delay_after"),
            (DevicePolicy { pin_wipe_after: 5, ..p }, "pin_wipe_after"),
            (DevicePolicy { pin_wipe_after: 101, ..p }, "pin_wipe_after"),
            (DevicePolicy { idle_lock_s: 1, ..p }, "idle_lock_s"),
            (DevicePolicy { offline_lock_days: 0, ..p }, "offline_lock_days"),
        ] {
            let e = bad.validate().unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
    }

    #[test]
    fn an_older_servers_reference_data_gets_the_defaults() {
        let p: DevicePolicy = serde_json::from_str(r#"{"pin_wipe_after": 12}"#).unwrap();
        assert_eq!(p, DevicePolicy { pin_wipe_after: 12, ..DevicePolicy::default() });
    }
}
