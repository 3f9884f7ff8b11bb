//! Each device's last contact, kept for the office's fleet view: when the server last heard from
//! it, the protocol and app version it spoke and the changes waiting in its outbox
//! (`Gridwork-Outbox`). Written off the request's path, and coalesced: a device is noted again
//! when its version or waiting count changed, or a minute after it was last noted — never a write
//! per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::office::OUTBOX_HEADER;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::protocol_version::ClientVersion;
use crate::store::DeviceContact;

/// A device heard from with nothing new is noted again after this long.
pub const NOTE_EVERY: Duration = Duration::from_secs(60);

/// Reads `Gridwork-Outbox`: a whole number of waiting changes; anything else is not noted.
pub fn read_outbox(headers: &HeaderMap) -> Option<u32> {
    headers.get(OUTBOX_HEADER)?.to_str().ok()?.trim().parse::<u32>().ok()
}

/// What a device was last noted with (version, waiting count), and when.
type Noted = (ClientVersion, Option<u32>, Instant);

/// What each device was last noted with, and when.
#[derive(Debug, Default)]
pub struct SeenContacts(Mutex<HashMap<DeviceId, Noted>>);

impl SeenContacts {
    /// True (and remembered as noted at `now`) when `device` is due to be noted: never noted, a
    /// new version or waiting count, or [`NOTE_EVERY`] since it was last noted.
    pub fn due(&self, device: DeviceId, v: &ClientVersion, waiting: Option<u32>, now: Instant) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((version, w, at)) = seen.get(&device)
            && version == v
            && (waiting.is_none() || *w == waiting)
            && now.saturating_duration_since(*at) < NOTE_EVERY
        {
            return false;
        }
        let keep = waiting.or_else(|| seen.get(&device).and_then(|(_, w, _)| *w));
        seen.insert(device, (v.clone(), keep, now));
        true
    }

    /// Forgets `device`, so it is noted again next time (after a failed write).
    pub fn forget(&self, device: DeviceId) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&device);
    }
}

/// Middleware (after authentication): notes the device's contact when it is due (see
/// [`SeenContacts::due`]). The request never waits for the write.
pub async fn note_contact(
    State((state, seen)): State<(AppState, Arc<SeenContacts>)>,
    req: Request,
    next: Next,
) -> Response {
    let device = req.extensions().get::<AuthDevice>().map(|d| d.0.device_id);
    let waiting = read_outbox(req.headers());
    if let (Some(device), Some(v)) = (device, req.extensions().get::<ClientVersion>())
        && seen.due(device, v, waiting, Instant::now())
    {
        let seen = seen.clone();
        let contact = DeviceContact { protocol: v.protocol, app: v.app.clone(), waiting, at_ms: wall_ms() };
        tokio::spawn(async move {
            if let Err(e) = state.store.note_contact(device, contact).await {
                tracing::warn!(%device, %e, "cannot note the device's contact");
                seen.forget(device);
            }
        });
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn outbox_counts_read_from_the_header() {
        let read = |v: &[u8]| {
            let mut h = HeaderMap::new();
            h.insert(OUTBOX_HEADER, HeaderValue::from_bytes(v).unwrap());
            read_outbox(&h)
        };
        assert_eq!(read(b"0"), Some(0));
        assert_eq!(read(b" 153 "), Some(153));
        for bad in [&b"-1"[..], b"x", b"1.5", b"99999999999", b""] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
        assert_eq!(read_outbox(&HeaderMap::new()), None);
    }

    #[test]
    fn a_device_is_noted_again_only_when_something_changed_or_a_minute_passed() {
        let seen = SeenContacts::default();
        let d = DeviceId::new();
        let t0 = Instant::now();
        let v1 = ClientVersion { protocol: 1, app: Some("0.4.1".into()) };
        let v2 = ClientVersion { protocol: 1, app: Some("0.5.0".into()) };
        assert!(seen.due(d, &v1, Some(5), t0), "first contact");
        assert!(!seen.due(d, &v1, Some(5), t0 + Duration::from_secs(10)), "nothing new");
        assert!(!seen.due(d, &v1, None, t0 + Duration::from_secs(10)), "no count said: nothing new");
        assert!(seen.due(d, &v1, Some(0), t0 + Duration::from_secs(11)), "the outbox emptied");
        assert!(seen.due(d, &v2, Some(0), t0 + Duration::from_secs(12)), "a new app");
        assert!(!seen.due(d, &v2, Some(0), t0 + Duration::from_secs(71)));
        assert!(seen.due(d, &v2, Some(0), t0 + Duration::from_secs(72)), "a minute since the last note");
        seen.forget(d);
        assert!(seen.due(d, &v2, Some(0), t0 + Duration::from_secs(73)), "forgotten after a failed write");
        assert!(seen.due(DeviceId::new(), &v2, Some(0), t0 + Duration::from_secs(73)), "devices apart");
    }
}
