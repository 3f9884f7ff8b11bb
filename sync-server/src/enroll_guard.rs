//! Failed enrollments, counted per client address and over all clients: past the limit, every
//! enrollment attempt from that address (or from anyone) is answered `rate_limited` until the lock
//! runs out, before the code is even looked at. Kept in memory, per server process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limits of [`EnrollGuard`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardLimits {
    /// Failures from one address within `window` that lock it out.
    pub per_client: u32,
    /// Failures from all addresses within `window` that lock enrollment out for everyone.
    pub global: u32,
    pub window: Duration,
    /// How long a lock lasts.
    pub lockout: Duration,
}

impl Default for GuardLimits {
    fn default() -> Self {
        Self { per_client: 5, global: 100, window: Duration::from_secs(15 * 60), lockout: Duration::from_secs(15 * 60) }
    }
}

/// Addresses tracked at most; past this the ones with no lock and an old window go first.
const CAPACITY: usize = 100_000;

#[derive(Clone, Copy, Debug)]
struct Tally {
    failures: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

impl Tally {
    fn new(now: Instant) -> Self {
        Self { failures: 0, since: now, locked_until: None }
    }

    /// The time left on the lock, if locked at `now`.
    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until.and_then(|t| t.checked_duration_since(now)).filter(|d| !d.is_zero())
    }

    fn fail(&mut self, now: Instant, limit: u32, limits: &GuardLimits) {
        if now.saturating_duration_since(self.since) >= limits.window || self.locked_until.is_some_and(|t| t <= now) {
            *self = Self::new(now);
        }
        self.failures += 1;
        if self.failures >= limit {
            self.locked_until = Some(now + limits.lockout);
        }
    }
}

#[derive(Debug)]
struct Tallies {
    clients: HashMap<Option<IpAddr>, Tally>,
    global: Tally,
}

/// Shared by every request of a server process.
#[derive(Clone, Debug)]
pub struct EnrollGuard {
    limits: GuardLimits,
    tallies: Arc<Mutex<Tallies>>,
}

impl Default for EnrollGuard {
    fn default() -> Self {
        Self::new(GuardLimits::default())
    }
}

impl EnrollGuard {
    pub fn new(limits: GuardLimits) -> Self {
        let tallies = Tallies { clients: HashMap::new(), global: Tally::new(Instant::now()) };
        Self { limits, tallies: Arc::new(Mutex::new(tallies)) }
    }

    /// `Err(wait)` when enrollment from `client` is locked out at `now`.
    pub fn check(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let t = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        let wait =
            [t.global.locked(now), t.clients.get(&client).and_then(|c| c.locked(now))].into_iter().flatten().max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts a failed enrollment from `client`.
    pub fn failed(&self, client: Option<IpAddr>, now: Instant) {
        let mut t = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        let limits = self.limits;
        t.global.fail(now, limits.global, &limits);
        if t.clients.len() >= CAPACITY && !t.clients.contains_key(&client) {
            t.clients.retain(|_, c| c.locked(now).is_some() || now.saturating_duration_since(c.since) < limits.window);
            if t.clients.len() >= CAPACITY {
                t.clients.clear();
            }
        }
        t.clients.entry(client).or_insert_with(|| Tally::new(now)).fail(now, limits.per_client, &limits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn five_failures_lock_one_address_out_for_the_lockout() {
        let g = EnrollGuard::default();
        let t0 = Instant::now();
        for _ in 0..4 {
            g.failed(ip("10.0.0.1"), t0);
        }
        assert!(g.check(ip("10.0.0.1"), t0).is_ok());
        g.failed(ip("10.0.0.1"), t0);
        assert_eq!(g.check(ip("10.0.0.1"), t0), Err(Duration::from_secs(900)));
        assert!(g.check(ip("10.0.0.2"), t0).is_ok(), "other addresses go on");
        let later = t0 + Duration::from_secs(900);
        assert!(g.check(ip("10.0.0.1"), later).is_ok(), "the lock runs out");
        g.failed(ip("10.0.0.1"), later);
        assert!(g.check(ip("10.0.0.1"), later).is_ok(), "and the count starts over");
    }

    #[test]
    fn failures_spread_over_the_window_do_not_add_up() {
        let g = EnrollGuard::default();
        let t0 = Instant::now();
        for i in 0..10u64 {
            g.failed(ip("10.0.0.1"), t0 + Duration::from_secs(400 * i));
        }
        assert!(g.check(ip("10.0.0.1"), t0 + Duration::from_secs(3600)).is_ok());
    }

    #[test]
    fn many_addresses_together_lock_everyone_out() {
        let limits = GuardLimits { global: 20, ..Default::default() };
        let g = EnrollGuard::new(limits);
        let t0 = Instant::now();
        for i in 0..20u8 {
            g.failed(ip(&format!("10.0.1.{i}")), t0);
        }
        assert!(g.check(ip("192.168.1.1"), t0).is_err());
    }
}
