//! The handset's status at a glance, as the app's header and outbox show it: who is enrolled
//! where, how many changes wait, and when the last sync succeeded. Never carries the token.

use gridwork_domain::RecordKind;
use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::wire::Role;
use serde::Serialize;

use crate::engine::{Engine, get_meta_number};
use crate::error::Result;
use crate::offline_lock::OfflineLock;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HandsetStatus {
    /// False until the device is set up (enrolled or `gridwork init`).
    pub enrolled: bool,
    pub user_name: Option<String>,
    pub user_phone: Option<String>,
    pub role: Option<Role>,
    /// The area this device covers.
    pub scope: Option<String>,
    pub device_name: Option<String>,
    pub server_url: Option<String>,
    /// Changes waiting to be pushed.
    pub pending: u64,
    /// Changes the server refused (they stay visible in the outbox).
    pub rejected: u64,
    /// When the last sync finished, milliseconds since the epoch.
    pub last_sync_ms: Option<i64>,
    /// Contact-card serials left in this device's block.
    pub serials_left: Option<u32>,
    /// What this account may do to records in its own area (the authority table), so the app
    /// shows only those buttons. Case steps depend on the case: see `CaseView::allowed`.
    pub may: Vec<Action>,
    /// How far the server's clock is ahead of the phone's (negative: the phone is fast), in ms —
    /// only when it is more than [`CLOCK_WARNING_MS`] either way, so the app warns the worker.
    pub clock_offset_ms: Option<i64>,
    /// Set while the offline lock holds (too long without reaching the server): the app shows
    /// "please sync" and offers only sync and the outbox.
    pub offline_lock: Option<OfflineLock>,
}

/// How far the phone's clock may be off before the worker is told (five minutes).
pub const CLOCK_WARNING_MS: i64 = 5 * 60 * 1000;

/// The offset worth a warning, from the meta key `clock_offset_ms` (server clock minus phone clock).
fn clock_warning(offset_ms: Option<i64>) -> Option<i64> {
    offset_ms.filter(|o| o.unsigned_abs() > CLOCK_WARNING_MS as u64)
}

impl Engine {
    pub fn status(&self) -> Result<HandsetStatus> {
        let p = self.profile.as_ref();
        let rejected: i64 =
            self.conn.query_row("SELECT count(*) FROM outbox WHERE status = 'rejected'", [], |r| r.get(0))?;
        Ok(HandsetStatus {
            enrolled: p.is_some(),
            user_name: p.map(|p| p.user_name.clone()),
            user_phone: p.map(|p| p.user_phone.clone()),
            role: p.map(|p| p.role),
            scope: p.map(|p| p.scope.to_string()),
            device_name: p.map(|p| p.device_name.clone()),
            server_url: p.and_then(|p| p.server_url.clone()),
            pending: self.pending_count()?,
            rejected: rejected as u64,
            last_sync_ms: get_meta_number(&self.conn, "last_sync_ms")?,
            serials_left: p.map(|p| p.serial_block.remaining()),
            may: match p {
                Some(p) => Action::ALL
                    .into_iter()
                    .filter(|a| a.kind() != Some(RecordKind::DisputeEvent))
                    .filter(|a| self.may(*a, &Subject::plain(&p.scope)))
                    .collect(),
                None => Vec::new(),
            },
            clock_offset_ms: clock_warning(get_meta_number(&self.conn, "clock_offset_ms")?),
            offline_lock: self.offline_lock()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::clock_warning;
    use crate::{Engine, Profile};
    use gridwork_domain::AreaCode;
    use gridwork_domain::wire::Role;

    #[test]
    fn status_before_and_after_set_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(&dir.path().join("h.db"), &crate::StoreKey::random()).unwrap();
        let s = e.status().unwrap();
        assert!(!s.enrolled);
        assert_eq!((s.user_name, s.pending, s.last_sync_ms), (None, 0, None));
        let mut profile =
            Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621001001001").unwrap(), 7)
                .unwrap();
        profile.server_url = Some("http://127.0.0.1:8787".into());
        profile.token = Some("secret-token".into());
        e.set_profile(profile).unwrap();
        let s = e.status().unwrap();
        assert!(s.enrolled);
        assert_eq!(s.user_name.as_deref(), Some("王芳"));
        assert_eq!(s.scope.as_deref(), Some("150621001001001"));
        assert!(s.serials_left.unwrap() > 0);
        assert!(!serde_json::to_string(&s).unwrap().contains("secret-token"));
    }

    #[test]
    fn the_clock_warns_only_beyond_five_minutes() {
        assert_eq!(clock_warning(None), None);
        assert_eq!(clock_warning(Some(5 * 60 * 1000)), None);
        assert_eq!(clock_warning(Some(-5 * 60 * 1000)), None);
        assert_eq!(clock_warning(Some(5 * 60 * 1000 + 1)), Some(300_001));
        assert_eq!(clock_warning(Some(-3 * 86_400_000)), Some(-3 * 86_400_000));
    }
}
