//! The server's lock policy as this handset keeps it, and the offline lock: after more days
//! without reaching the server than the policy allows, the app offers only sync, the status and
//! the outbox until a sync reaches the server again. Nothing is ever deleted for being offline.
//! Days are counted on the phone's own clock, from the last answer of the server's (a sync's,
//! whether the sync ended well or not, or the enrollment); a store that never reached a server
//! (set up with `gridwork init`) is never offline-locked.

use gridwork_domain::policy::DevicePolicy;
use serde::Serialize;

use crate::engine::{Engine, get_meta, get_meta_number, set_meta};
use crate::error::{CoreError, Result};

/// The meta key of the policy from the last reference data (JSON).
const POLICY: &str = "device_policy";
/// The meta key of the last contact with the server, ms by the phone's clock.
const LAST_CONTACT: &str = "last_contact_ms";
/// Before `LAST_CONTACT` was kept: when the last page was pulled (wall clock).
const LAST_SYNC: &str = "last_sync_ms";

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The offline lock in force: days since the server answered, and the server's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfflineLock {
    pub days_without_contact: u32,
    pub limit_days: u32,
}

impl Engine {
    /// The server's lock policy, as the last reference data gave it (the defaults before any).
    pub fn device_policy(&self) -> Result<DevicePolicy> {
        match get_meta(&self.conn, POLICY)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(DevicePolicy::default()),
        }
    }

    /// Keeps the policy the server gave; one that would not validate is not kept (the one kept
    /// before stays).
    pub(crate) fn keep_policy(&mut self, policy: &DevicePolicy) -> Result<()> {
        if let Err(e) = policy.validate() {
            tracing::warn!(%e, "the server's device policy was not kept");
            return Ok(());
        }
        set_meta(&self.conn, POLICY, &serde_json::to_string(policy)?)?;
        // The wrong-PIN numbers also go to the vault's key file, where they hold while locked.
        self.keep_lock_policy(policy)
    }

    /// When the server last answered this handset, ms by the phone's clock; `None` when it never did.
    pub fn last_contact_ms(&self) -> Result<Option<u64>> {
        match get_meta_number(&self.conn, LAST_CONTACT)? {
            Some(ms) => Ok(Some(ms)),
            None => get_meta_number(&self.conn, LAST_SYNC),
        }
    }

    /// Notes an answer of the server's that came at `wall_ms` (this device's wall clock).
    pub(crate) fn note_contact(&mut self, wall_ms: u64) -> Result<()> {
        let at = wall_ms.saturating_add_signed(self.phone_ms() as i64 - gridwork_domain::clock::wall_ms() as i64);
        set_meta(&self.conn, LAST_CONTACT, &at.to_string())
    }

    /// The offline lock, when it holds now.
    pub fn offline_lock(&self) -> Result<Option<OfflineLock>> {
        let Some(last) = self.last_contact_ms()? else { return Ok(None) };
        let policy = self.device_policy()?;
        let now = self.phone_ms();
        if !policy.offline_locked(last, now) {
            return Ok(None);
        }
        let days = (now.saturating_sub(last) / DAY_MS).min(u64::from(u32::MAX)) as u32;
        Ok(Some(OfflineLock { days_without_contact: days, limit_days: policy.offline_lock_days }))
    }

    /// `offline_locked` while the offline lock holds: what the app and the CLI answer for every
    /// command but sync, the status and the outbox.
    pub fn check_offline_lock(&self) -> Result<()> {
        match self.offline_lock()? {
            Some(lock) => Err(CoreError::OfflineLocked { days: lock.days_without_contact }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use gridwork_domain::AreaCode;
    use gridwork_domain::wire::Role;

    #[test]
    fn the_lock_comes_after_the_policys_days_and_goes_with_a_contact() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(&dir.path().join("h.db"), &crate::StoreKey::from_bytes([1; 32])).unwrap();
        let scope = AreaCode::parse("150621001001001").unwrap();
        e.set_profile(Profile::offline("王芳", "13800138000", Role::GridWorker, scope, 3).unwrap()).unwrap();
        assert_eq!(e.offline_lock().unwrap(), None, "never in touch with a server: no lock");
        e.note_contact(gridwork_domain::clock::wall_ms()).unwrap();
        e.keep_policy(&DevicePolicy { offline_lock_days: 3, ..DevicePolicy::default() }).unwrap();
        e.skew_phone_clock(3 * DAY_MS as i64 - 60_000);
        assert_eq!(e.offline_lock().unwrap(), None);
        e.check_offline_lock().unwrap();
        e.skew_phone_clock(4 * DAY_MS as i64);
        assert_eq!(e.offline_lock().unwrap(), Some(OfflineLock { days_without_contact: 4, limit_days: 3 }));
        let err = e.check_offline_lock().unwrap_err();
        assert_eq!((err.tag(), err.to_string().contains("4 days")), ("offline_locked", true), "{err}");
        e.note_contact(gridwork_domain::clock::wall_ms()).unwrap();
        assert_eq!(e.offline_lock().unwrap(), None, "a contact releases it");
        // A policy that does not validate is not kept.
        e.keep_policy(&DevicePolicy { offline_lock_days: 0, ..DevicePolicy::default() }).unwrap();
        assert_eq!(e.device_policy().unwrap().offline_lock_days, 3);
    }
}
