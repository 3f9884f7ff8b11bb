//! End-to-end on the real app (Tauri + WebKitGTK under Xvfb, driven over WebDriver) against a real
//! sync server on loopback: enroll; with the server stopped record a visit, add a household and
//! edit another's phone; see them waiting in the outbox; start the server; sync; keep one value of
//! the conflict the phone edit met; see the visit, the new household and the kept phone arrive on
//! a second app instance with its own data directory. On the way it visits every screen; with GRIDWORK_SCREENSHOTS=<dir> it saves
//! a phone-sized (360×740) screenshot of each (scripts/screenshots.sh refreshes docs/screenshots).

mod applock;
mod closed_loop;
mod conflict;
mod contradiction;
mod driver;
mod office;
mod register;
mod reports;
mod server;

use driver::{Driver, click, find, free_port, shot, type_into, wait_text};
use fantoccini::Client;
use server::Server;
use std::path::{Path, PathBuf};

/// The tests take turns: the app instances share the webview's storage (the language among it),
/// and two cores are enough for one run at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn enroll(c: &Client, server: &Server, shots: Option<&Path>) {
    find(c, "server").await;
    type_into(c, "server", &server.url()).await;
    type_into(c, "code", &server.code("DEMO-W-0001").await).await;
    shot(c, shots, "01-first-run").await;
    crate::driver::set_pin(c).await;
    click(c, "enroll").await;
    find(c, "screen-today").await;
    // The first sync brings the area's households down.
    find(c, "household-item").await;
}

async fn open_household(c: &Client, name: &str) {
    click(c, "nav-households").await;
    type_into(c, "search", name).await;
    wait_text(c, "count", "1").await;
    click(c, "household-item").await;
    find(c, "screen-household").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_recorded_offline_reaches_a_second_device_after_sync() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let shots: Option<PathBuf> = std::env::var_os("GRIDWORK_SCREENSHOTS").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut server = Server::start(&tmp.path().join("server.db"), addr).await;

    // The worker's handset: enroll, then look around.
    let driver_a = Driver::start(&tmp.path().join("handset-a"));
    let a = driver_a.session().await;
    enroll(&a, &server, shots).await;
    shot(&a, shots, "02-today").await;
    click(&a, "nav-households").await;
    find(&a, "household-item").await;
    shot(&a, shots, "03-households").await;
    let name =
        a.find(driver::css("household-item")).await.unwrap().find(fantoccini::Locator::Css(".name")).await.unwrap();
    let name = name.text().await.unwrap();

    // Out of range: the server stops, the visit is recorded anyway.
    server.stop().await;
    open_household(&a, &name).await;
    shot(&a, shots, "04-household").await;
    click(&a, "record-visit").await;
    let findings = format!("端到端走访 {}", uuid::Uuid::now_v7().simple());
    type_into(&a, "findings", &findings).await;
    click(&a, "manual").await;
    type_into(&a, "lat", "40.9").await;
    type_into(&a, "lon", "110.9").await;
    find(&a, "far-warning").await;
    shot(&a, shots, "05-visit").await;
    click(&a, "save-visit").await;
    find(&a, "flash").await;
    find(&a, "visit-entry").await;
    // Still offline: the household's phone changes here (and on two other handsets, below), and
    // a new household is registered.
    register::edit_phone(&a, "13900000009").await;
    let added = register::add_household(&a, shots).await;

    // Waiting in the outbox; a sync now says offline and keeps it.
    click(&a, "nav-outbox").await;
    wait_text(&a, "pending", "3").await;
    find(&a, "outbox-row").await;
    click(&a, "sync-now").await;
    // The cause and the server, in Chinese: the server is down, so the connection is refused.
    wait_text(&a, "offline", "拒绝连接").await;
    wait_text(&a, "pending", "3").await;
    shot(&a, shots, "06-outbox-offline").await;

    // Back in range: sync sends it.
    server.resume().await;
    let codes = [server.code("DEMO-W-0001").await, server.code("DEMO-W-0001").await];
    conflict::make_one(&server.url(), codes, &name).await;
    click(&a, "sync-now").await;
    find(&a, "sync-done").await;
    wait_text(&a, "pending", "全部已同步").await;
    shot(&a, shots, "07-outbox-synced").await;

    // The other screens.
    click(&a, "open-conflicts").await;
    find(&a, "conflict").await;
    let kept = register::keep_other(&a, shots).await;
    click(&a, "nav-outbox").await;
    click(&a, "sync-now").await;
    wait_text(&a, "pending", "全部已同步").await;
    click(&a, "nav-map").await;
    find(&a, "map-dot").await;
    shot(&a, shots, "09-map").await;
    open_household(&a, &name).await;
    click(&a, "issue-card").await;
    click(&a, "issue").await;
    wait_text(&a, "serial", " ").await;
    find(&a, "qr").await;
    shot(&a, shots, "10-card").await;
    click(&a, "nav-today").await;
    click(&a, "report-dispute").await;
    click(&a, "save-dispute").await;
    wait_text(&a, "description-error", "请填写情况描述").await;
    shot(&a, shots, "11-dispute").await;
    click(&a, "nav-today").await;
    click(&a, "lang").await;
    wait_text(&a, "screen-today", "Hello").await;
    shot(&a, shots, "12-today-english").await;
    // The language is remembered by the webview, which both instances share: back to Chinese.
    click(&a, "lang").await;
    wait_text(&a, "screen-today", "您好").await;
    a.close().await.unwrap();
    drop(driver_a);

    // A second handset of the same worker sees the visit after its first sync.
    let driver_b = Driver::start(&tmp.path().join("handset-b"));
    let b = driver_b.session().await;
    enroll(&b, &server, None).await;
    open_household(&b, &name).await;
    wait_text(&b, "visits", &findings).await;
    wait_text(&b, "household-phone", &kept).await;
    shot(&b, shots, "13-second-device").await;
    click(&b, "nav-households").await;
    type_into(&b, "search", &added).await;
    wait_text(&b, "count", "1").await;
    b.close().await.unwrap();
    server.stop().await;
}
