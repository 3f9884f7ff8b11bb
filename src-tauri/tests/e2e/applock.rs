//! The app lock on the real app against the real server, whose rules are short for the test
//! (`--idle-lock-secs 5 --pin-delay-after 2 --pin-wipe-after 4`; they reach the handset with the
//! reference data at enrollment): enroll and set the PIN; left alone with a visit half typed, the
//! app locks itself; two wrong PINs say the tries left, then the wait counts down with the button
//! off; the right PIN opens it again on the same form with what was typed; with the phone's clock
//! twenty days on, the app opens on "请同步" (the server allows 14) until a sync gets through; the
//! office revokes the handset, and at its next sync it is wiped back to enrollment, which says why.

use crate::driver::{Driver, PIN, click, find, free_port, set_pin, shot, type_into, wait_text};
use crate::server::Server;
use fantoccini::Client;
use gridwork_domain::policy::DevicePolicy;
use std::path::PathBuf;
use std::time::Duration;

const DEVICE: &str = "锁屏测试手机";

async fn enter_pin(c: &Client, pin: &str) {
    type_into(c, "pin", pin).await;
    click(c, "unlock").await;
}

async fn is_enabled(c: &Client, test_id: &str) -> bool {
    find(c, test_id).await.is_enabled().await.expect("enabled or not")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_locks_when_idle_delays_wrong_pins_asks_to_sync_and_is_wiped_when_revoked() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let shots: Option<PathBuf> = std::env::var_os("GRIDWORK_SCREENSHOTS").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let policy = DevicePolicy { pin_delay_after: 2, pin_wipe_after: 4, idle_lock_s: 5, offline_lock_days: 14 };
    let mut server = Server::start_with_policy(&tmp.path().join("server.db"), addr, policy).await;

    // Enroll, setting the PIN.
    let data = tmp.path().join("handset");
    let driver = Driver::start(&data);
    let c = driver.session().await;
    find(&c, "server").await;
    type_into(&c, "server", &server.url()).await;
    type_into(&c, "code", &server.code("DEMO-W-0001").await).await;
    type_into(&c, "device-name", DEVICE).await;
    set_pin(&c).await;
    click(&c, "enroll").await;
    find(&c, "screen-today").await;
    find(&c, "household-item").await;

    // A visit half typed, then the phone is put down: the app locks itself.
    click(&c, "household-item").await;
    click(&c, "record-visit").await;
    let findings = "老人独居，腿脚不便，需协调送餐";
    type_into(&c, "findings", findings).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    find(&c, "screen-unlock").await;
    wait_text(&c, "idle-locked", "自动锁定").await;
    shot(&c, shots, "32-unlock").await;

    // Wrong PINs: the tries left, then a wait with the button off.
    enter_pin(&c, "000000").await;
    wait_text(&c, "pin-wrong", "还可以再试 3 次").await;
    enter_pin(&c, "111111").await;
    wait_text(&c, "pin-wait", "秒后再试").await;
    wait_text(&c, "pin-warn", "再输错 2 次").await;
    assert!(!is_enabled(&c, "unlock").await, "no tries during the wait");
    shot(&c, shots, "33-pin-wait").await;
    // The wait runs out (30 s); the right PIN opens the same form with what was typed.
    let waited = std::time::Instant::now();
    while c.find(crate::driver::css("pin-wait")).await.is_ok() {
        assert!(waited.elapsed() < Duration::from_secs(45), "the wait never ran out");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(is_enabled(&c, "unlock").await);
    enter_pin(&c, PIN).await;
    find(&c, "screen-visit").await;
    find(&c, "draft-restored").await;
    let kept = find(&c, "findings").await.prop("value").await.expect("the findings").unwrap_or_default();
    assert_eq!(kept, findings, "typed input survives the lock");

    click(&c, "manual").await;
    type_into(&c, "lat", "40.9").await;
    type_into(&c, "lon", "110.9").await;
    click(&c, "save-visit").await;
    find(&c, "flash").await;

    // Twenty days later by the phone's clock, without a contact: the app opens on "请同步",
    // which offers the sync and the outbox only; a sync that reaches the server lifts it.
    // The data directory holds the encrypted store and its key file, nothing else; the typed
    // findings appear in none of its bytes.
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("gridwork.db"), "the app wrote {name} into its data directory");
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !bytes.windows(findings.len()).any(|w| w == findings.as_bytes()),
            "{name} holds the findings in plain text"
        );
    }
    c.close().await.unwrap();
    drop(driver);
    let skew = (20 * 24 * 60 * 60 * 1000_i64).to_string();
    let driver = Driver::start_with(&data, &[(gridwork_app::PHONE_CLOCK_SKEW_ENV, &skew)]);
    let c = driver.session().await;
    find(&c, "screen-unlock").await;
    enter_pin(&c, PIN).await;
    wait_text(&c, "offline-lock", "本机已 20 天没有连接服务器（上限为 14 天）").await;
    find(&c, "outbox-row").await;
    shot(&c, shots, "34-please-sync").await;
    click(&c, "sync-now").await;
    find(&c, "screen-today").await;

    // The office withdraws the handset: wiped at its next sync, back to enrollment saying why.
    server.revoke(DEVICE).await;
    tokio::time::sleep(gridwork_sync_server::token_cache::TTL + Duration::from_millis(300)).await;
    click(&c, "nav-outbox").await;
    click(&c, "sync-now").await;
    wait_text(&c, "revoked", "已被网格办停用").await;
    find(&c, "enroll").await;
    let left: Vec<_> = std::fs::read_dir(&data).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().starts_with("gridwork.db")), "the store is gone: {left:?}");

    c.close().await.unwrap();
    server.stop().await;
}
