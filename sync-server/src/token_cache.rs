//! The devices behind recently seen tokens, kept in memory for a short while so that the several
//! requests of one sync look their token up in the store once.
//!
//! A change to an account (role, area), a revoked device or a disabled account reaches requests
//! within [`TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::DeviceAuth;

/// How long a looked-up token is trusted without asking the store again: a revoked device is
/// refused within this on every server process, at the cost of one indexed lookup per active
/// device this often.
pub const TTL: Duration = Duration::from_secs(3);
/// Entries kept at most; past this the cache starts over rather than grow.
const CAPACITY: usize = 20_000;

#[derive(Clone, Debug, Default)]
pub struct TokenCache {
    entries: Arc<Mutex<HashMap<String, (DeviceAuth, Instant)>>>,
}

impl TokenCache {
    /// The device behind `token_hash`, if it was looked up less than [`TTL`] before `now`.
    pub fn get(&self, token_hash: &str, now: Instant) -> Option<DeviceAuth> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(token_hash).filter(|(_, at)| now.saturating_duration_since(*at) < TTL).map(|(d, _)| d.clone())
    }

    /// Forgets every entry: after a device is revoked or an account disabled here, its tokens are
    /// refused from the next request on.
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn put(&self, token_hash: String, device: DeviceAuth, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| now.saturating_duration_since(*at) < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token_hash, (device, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridwork_domain::wire::Role;
    use gridwork_domain::{AreaCode, DeviceId};

    fn device() -> DeviceAuth {
        DeviceAuth {
            device_id: DeviceId::new(),
            user_name: "王芳".into(),
            role: Role::GridWorker,
            scope: AreaCode::parse("150621001001").unwrap(),
        }
    }

    #[test]
    fn an_entry_lives_for_the_ttl_and_no_longer() {
        let cache = TokenCache::default();
        let t0 = Instant::now();
        let d = device();
        assert!(cache.get("h", t0).is_none());
        cache.put("h".into(), d.clone(), t0);
        assert_eq!(cache.get("h", t0 + TTL / 2).map(|x| x.device_id), Some(d.device_id));
        assert!(cache.get("h", t0 + TTL).is_none());
        assert!(cache.get("other", t0).is_none());
    }

    #[test]
    fn a_full_cache_drops_what_expired_first() {
        let cache = TokenCache::default();
        let t0 = Instant::now();
        for i in 0..CAPACITY {
            cache.put(format!("old{i}"), device(), t0);
        }
        cache.put("new".into(), device(), t0 + TTL);
        assert!(cache.get("new", t0 + TTL).is_some());
        assert_eq!(cache.entries.lock().unwrap().len(), 1, "the expired entries went");
    }
}
