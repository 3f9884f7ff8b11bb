//! The server's lock policy reaches the handset (`--offline-lock-days` and the PIN numbers, in the
//! reference data), and the offline lock: after more days than the policy allows without reaching
//! the server the handset refuses its data commands (`offline_locked`) but keeps every record;
//! a sync that cannot reach the server leaves it locked, one that does releases it.

use gridwork_core::offline_lock::OfflineLock;
use gridwork_domain::policy::DevicePolicy;
use gridwork_domain::*;
use gridwork_tests::{Device, ServerProc};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[test]
fn the_servers_policy_reaches_the_handset_and_the_offline_lock_is_released_by_a_sync() {
    let dir = tempfile::tempdir().unwrap();
    let flags =
        ["--pin-delay-after", "4", "--pin-wipe-after", "8", "--idle-lock-secs", "120", "--offline-lock-days", "3"];
    let server = ServerProc::start_demo_with(&dir.path().join("server.db"), &flags);
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    let want = DevicePolicy { pin_delay_after: 4, pin_wipe_after: 8, idle_lock_s: 120, offline_lock_days: 3 };
    assert_eq!(a.engine.device_policy().unwrap(), want, "from the enrollment's reference data");
    let enrolled = a.engine.last_contact_ms().unwrap().expect("the enrollment is a contact");
    let mg = AreaCode::parse(&a.scope()).unwrap().child(1);
    let h = a.engine.create_household(&Household::new(mg, "周敏", "乌兰嘎查", "1号")).unwrap();
    a.sync().unwrap();
    assert!(a.engine.last_contact_ms().unwrap().unwrap() >= enrolled);
    assert_eq!(a.engine.status().unwrap().offline_lock, None);

    // Four days later by the phone's clock, without a word from the server.
    a.engine.skew_phone_clock(4 * DAY_MS);
    let status = a.engine.status().unwrap();
    assert_eq!(status.offline_lock, Some(OfflineLock { days_without_contact: 4, limit_days: 3 }));
    let refused = a.engine.check_offline_lock().unwrap_err();
    assert_eq!(refused.tag(), "offline_locked");
    assert!(refused.to_string().contains("4 days"), "{refused}");
    assert_eq!(a.engine.household(h).unwrap().head_name, "周敏", "nothing is deleted for being offline");

    // A sync that cannot reach the server leaves the lock; one that does releases it.
    let url = a.client.server().to_owned();
    a.via("http://127.0.0.1:9");
    a.client.retry.attempts = 1;
    assert!(a.sync().is_err());
    assert!(a.engine.status().unwrap().offline_lock.is_some(), "no answer, no contact");
    a.via(&url);
    a.sync().unwrap();
    assert_eq!(a.engine.status().unwrap().offline_lock, None, "released by a sync that reached the server");
    a.engine.check_offline_lock().unwrap();
    assert_eq!(a.engine.household(h).unwrap().head_name, "周敏");
    assert_eq!(a.engine.pending_count().unwrap(), 0);
}
