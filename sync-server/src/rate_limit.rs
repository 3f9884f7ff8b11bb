//! The per-device request rate: a token bucket for each authenticated device, so that a real sync
//! (a handful of requests, or a few hundred for a first pull of a wide scope) never waits while a
//! hostile loop is held to a steady trickle and told when to come back (`429` + `Retry-After`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gridwork_domain::DeviceId;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;

/// One device's bucket: `tokens` left at `at`; it refills at the rate up to the burst.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A bucket's size and refill rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub burst: f64,
    pub per_sec: f64,
}

impl Rate {
    /// A full bucket.
    pub fn full(&self, now: Instant) -> Bucket {
        Bucket { tokens: self.burst, at: now }
    }

    /// Takes one token at `now`, or says how long until one is there.
    pub fn take(&self, b: &mut Bucket, now: Instant) -> Result<(), Duration> {
        let refilled = now.saturating_duration_since(b.at).as_secs_f64() * self.per_sec;
        b.tokens = (b.tokens + refilled).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else if self.per_sec > 0.0 {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_sec))
        } else {
            Err(Duration::MAX)
        }
    }

    /// True when a bucket left alone since `b.at` is full again by `now` (and can be forgotten).
    fn refilled(&self, b: &Bucket, now: Instant) -> bool {
        b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * self.per_sec >= self.burst
    }
}

/// The buckets of every device seen lately, shared by all requests of one server.
#[derive(Debug)]
pub struct RateLimiter {
    rate: Rate,
    buckets: Mutex<HashMap<DeviceId, Bucket>>,
}

/// Buckets kept before full ones are swept out (they hold nothing a fresh bucket would not).
const SWEEP_AT: usize = 4096;

impl RateLimiter {
    pub fn new(burst: u32, per_sec: u32) -> Self {
        Self { rate: Rate { burst: f64::from(burst), per_sec: f64::from(per_sec) }, buckets: Default::default() }
    }

    /// Charges one request to `device`.
    pub fn check(&self, device: DeviceId, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= SWEEP_AT && !buckets.contains_key(&device) {
            buckets.retain(|_, b| !self.rate.refilled(b, now));
        }
        let bucket = buckets.entry(device).or_insert_with(|| self.rate.full(now));
        self.rate.take(bucket, now)
    }
}

/// Whole seconds to wait, at least one, as `Retry-After` wants them.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Middleware: a request that carries a token of a known device is charged to its bucket and
/// carries the device on to its handler; other requests pass on (their handler answers them,
/// `401` included).
pub async fn limit_rate(
    State((state, limiter)): State<(AppState, Arc<RateLimiter>)>,
    req: Request,
    next: Next,
) -> Response {
    if !req.headers().contains_key(AUTHORIZATION) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    if let Ok(auth) = AuthDevice::from_request_parts(&mut parts, &state).await {
        let device = auth.0.device_id;
        let Err(wait) = limiter.check(device, Instant::now()) else {
            // The handler takes the device from here instead of authenticating it again.
            parts.extensions.insert(auth);
            return next.run(Request::from_parts(parts, body)).await;
        };
        let secs = retry_after_secs(wait);
        tracing::warn!(device = %device, secs, "request rate exceeded");
        let mut res = AppError::RateLimited(format!("this device sends too many requests; try again in {secs} s"))
            .into_response();
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
        return res;
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_spends_its_burst_then_refills_at_the_rate() {
        let rate = Rate { burst: 3.0, per_sec: 2.0 };
        let t0 = Instant::now();
        let mut b = rate.full(t0);
        for _ in 0..3 {
            assert_eq!(rate.take(&mut b, t0), Ok(()));
        }
        assert_eq!(rate.take(&mut b, t0), Err(Duration::from_millis(500)));
        assert_eq!(rate.take(&mut b, t0 + Duration::from_millis(500)), Ok(()));
        assert!(rate.take(&mut b, t0 + Duration::from_millis(600)).is_err());
        // a long rest refills only up to the burst
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(rate.take(&mut b, later), Ok(()));
        }
        assert!(rate.take(&mut b, later).is_err());
    }

    #[test]
    fn devices_have_their_own_buckets_and_full_ones_are_swept() {
        let limiter = RateLimiter::new(1, 1);
        let (a, b) = (DeviceId::new(), DeviceId::new());
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_err());
        assert!(limiter.check(b, t0).is_ok());
        for _ in 0..SWEEP_AT {
            let _ = limiter.check(DeviceId::new(), t0);
        }
        let _ = limiter.check(DeviceId::new(), t0 + Duration::from_secs(2));
        assert!(limiter.buckets.lock().unwrap().len() < 10);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let cases = [(0, 1), (1, 1), (999, 1), (1000, 1), (1001, 2), (2500, 3)];
        for (ms, secs) in cases {
            assert_eq!(retry_after_secs(Duration::from_millis(ms)), secs, "{ms} ms");
        }
    }
}
