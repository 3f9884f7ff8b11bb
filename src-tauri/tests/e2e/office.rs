//! The township office on the real app (desk-sized window) against the real server: the
//! supervisor (DEMO-S-0001) makes an account for a new worker and issues a one-time code (shown as
//! text and as a QR code); a second app enrolls with that code; the fleet screen lists the new
//! handset among the demo fleet; the supervisor revokes it, and at its next sync the second app is
//! wiped back to the first-run screen, which says why.

use crate::driver::{Driver, click, css, find, free_port, shot, type_into, wait_text};
use crate::server::Server;
use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Taps the button `button` inside the row `row` whose text contains `want`.
async fn click_in_row(c: &Client, row: &str, want: &str, button: &str) {
    let deadline = Instant::now() + crate::driver::PATIENCE;
    loop {
        for r in c.find_all(css(row)).await.unwrap_or_default() {
            if r.text().await.unwrap_or_default().contains(want)
                && let Ok(b) = r.find(css(button)).await
            {
                crate::driver::to_middle(c, &b).await;
                b.click().await.unwrap_or_else(|e| panic!("click {button} in {row} {want:?}: {e:?}"));
                return;
            }
        }
        assert!(Instant::now() < deadline, "no {row} showing {want:?} with {button}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_enrolls_a_new_handset_sees_it_in_the_fleet_and_revokes_it() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let shots: Option<PathBuf> = std::env::var_os("GRIDWORK_SCREENSHOTS").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut server = Server::start(&tmp.path().join("server.db"), addr).await;
    server.seed_demo_fleet().await;

    // The supervisor's app, on a desk.
    let office_driver = Driver::start(&tmp.path().join("office"));
    let s = office_driver.session().await;
    s.set_window_size(1440, 900).await.expect("a desk-sized window");
    find(&s, "server").await;
    type_into(&s, "server", &server.url()).await;
    type_into(&s, "code", &server.code("DEMO-S-0001").await).await;
    crate::driver::set_pin(&s).await;
    click(&s, "enroll").await;
    find(&s, "side-nav").await;

    // A new account for a worker, confirmed, then a one-time code for it.
    click(&s, "nav-accounts").await;
    find(&s, "account-row").await;
    click(&s, "account-new").await;
    type_into(&s, "account-name", "孙丽").await;
    type_into(&s, "account-phone", "13712345678").await;
    let grid = s
        .wait()
        .at_most(crate::driver::PATIENCE)
        .for_element(Locator::Css("[data-testid=\"account-area\"] option:nth-child(2)"))
        .await
        .expect("a grid to choose");
    grid.click().await.expect("choose the grid");
    click(&s, "account-save").await;
    wait_text(&s, "confirm", "孙丽").await;
    click(&s, "confirm-yes").await;
    let done = wait_text(&s, "accounts-done", "已创建账号").await;
    let handle = done.rsplit(' ').next().expect("the new handle").trim().to_owned();
    click_in_row(&s, "account-row", &handle, "account-issue").await;
    wait_text(&s, "confirm", "一次性注册码").await;
    click(&s, "confirm-yes").await;
    let code = wait_text(&s, "issued-code", "-").await.trim().to_owned();
    assert_eq!(code.len(), 14, "{code}");
    wait_text(&s, "issued-expires", "有效期至").await;
    s.wait().at_most(crate::driver::PATIENCE).for_element(Locator::Css("[data-testid=\"qr\"] svg")).await.expect("QR");
    s.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    shot(&s, shots, "26-accounts-code").await;

    // The new worker's app enrolls with that code (its first sync runs at once).
    let new_driver = Driver::start(&tmp.path().join("new-handset"));
    let n = new_driver.session().await;
    find(&n, "server").await;
    type_into(&n, "server", &server.url()).await;
    type_into(&n, "code", &code).await;
    crate::driver::set_pin(&n).await;
    click(&n, "enroll").await;
    find(&n, "screen-today").await;

    // The fleet lists it among the demo handsets.
    click(&s, "nav-fleet").await;
    let deadline = Instant::now() + crate::driver::PATIENCE;
    loop {
        click(&s, "fleet-refresh").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rows = s.find_all(css("fleet-row")).await.unwrap_or_default();
        let mut listed = false;
        for r in &rows {
            let text = r.text().await.unwrap_or_default();
            listed |= text.contains(&handle) && !text.contains("从未");
        }
        if listed && rows.len() > 5 {
            break;
        }
        assert!(Instant::now() < deadline, "the new handset never showed in the fleet with a contact");
    }
    wait_text(&s, "fleet-summary", "需要关注").await;
    shot(&s, shots, "25-fleet").await;

    // Revoked from the office; wiped at its next sync.
    click(&s, "nav-accounts").await;
    click_in_row(&s, "account-row", &handle, "device-revoke").await;
    wait_text(&s, "confirm", "吊销").await;
    click(&s, "confirm-yes").await;
    wait_text(&s, "accounts-done", "已吊销").await;
    click(&n, "nav-outbox").await;
    click(&n, "sync-now").await;
    find(&n, "revoked").await;
    find(&n, "enroll").await;

    n.close().await.unwrap();
    s.close().await.unwrap();
    server.stop().await;
}
