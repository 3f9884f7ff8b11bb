//! The township office's window on a desk, against the real server holding months of demo history:
//! the supervisor (DEMO-S-0001) enrolls at 1440×1000 and gets the side navigation; on the dashboard
//! picks last month, taps a number and sees the list behind it (as long as the number), opens a
//! case from it; on the ranking awards a grid highlight points and sees its total take them; opens
//! the monthly notice and writes its XLSX and CSV to a folder; last, at phone width, the dashboard
//! with the bottom tabs. With GRIDWORK_SCREENSHOTS it saves 27-dashboard, 28-ranking, 29-notice
//! (desk size) and 30-dashboard-phone.

use crate::driver::{Driver, click, css, find, free_port, shot, type_into, wait_gone, wait_text};
use crate::server::Server;
use chrono::{Datelike, Duration, Utc};
use fantoccini::{Client, Locator};
use std::path::PathBuf;

/// The month before this one in China time ("2026-11"), and its label on screen ("2026年11月").
fn last_month() -> (String, String) {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let last = today.with_day(1).unwrap() - Duration::days(1);
    (format!("{}-{:02}", last.year(), last.month()), format!("{}年{}月", last.year(), last.month()))
}

/// Picks the option `value` of the select `test_id`, scrolled to the middle of the screen first
/// (the page may have scrolled since it was drawn, leaving the select under the sticky header).
async fn select(c: &Client, test_id: &str, value: &str) {
    let e = find(c, test_id).await;
    crate::driver::to_middle(c, &e).await;
    e.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value} in {test_id}: {e}"));
}

/// The text of the element matching `selector` inside the element `test_id`.
async fn text_in(c: &Client, test_id: &str, selector: &str) -> String {
    find(c, test_id).await.find(Locator::Css(selector)).await.unwrap().text().await.unwrap()
}

/// The highlight points the ranking shows for `area` ("+3", "0", "-2"), as a number.
async fn points_of(c: &Client, area: &str) -> i64 {
    let js = format!(
        "return document.querySelector('[data-testid=rank-grids] tr[data-area=\"{area}\"] [data-testid=rank-highlights]').textContent"
    );
    let text = c.execute(&js, vec![]).await.unwrap();
    text.as_str().expect("the grid's highlight points").trim().trim_start_matches('+').parse().expect("a whole number")
}

async fn to_top(c: &Client) {
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_reads_its_figures_ranks_its_grids_and_writes_its_notice() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let shots: Option<PathBuf> = std::env::var_os("GRIDWORK_SCREENSHOTS").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut server = Server::start_with_history(&tmp.path().join("server.db"), addr, 4).await;
    let driver = Driver::start(&tmp.path().join("office"));
    let c = driver.session().await;
    c.set_window_size(1440, 1000).await.expect("a desk-sized window");

    // Enrolled, the supervisor's first screen is the dashboard, with the side navigation.
    find(&c, "server").await;
    type_into(&c, "server", &server.url()).await;
    type_into(&c, "code", &server.code("DEMO-S-0001").await).await;
    crate::driver::set_pin(&c).await;
    click(&c, "enroll").await;
    find(&c, "screen-dashboard").await;
    find(&c, "side-nav").await;
    // The first sync pulls the months of history (its bar under the header); the figures are
    // read once it is over.
    wait_gone(&c, "sync-progress").await;

    // Last month, a whole month of the history.
    let (month, label) = last_month();
    select(&c, "period-month-select", &month).await;
    wait_text(&c, "dash-as-of", &label).await;
    let closed: u32 = text_in(&c, "tile-closed", ".value").await.trim().parse().expect("a count of closed cases");
    assert!(closed > 0, "the demo history closes cases every month");
    find(&c, "chart-categories").await;
    to_top(&c).await;
    shot(&c, shots, "27-dashboard").await;

    // The number opens its list, as long as the number; a row opens its case.
    click(&c, "tile-closed").await;
    find(&c, "screen-figures").await;
    wait_text(&c, "figures-total", &format!("共 {closed} 条")).await;
    find(&c, "figure-item").await;
    click(&c, "figure-item").await;
    find(&c, "screen-case").await;
    click(&c, "back").await;
    find(&c, "screen-figures").await;

    // The ranking: a grid gets highlight points, and its total takes them.
    click(&c, "nav-ranking").await;
    find(&c, "rank-row").await;
    let grid = c
        .execute(
            "return document.querySelector('[data-testid=highlight-area] optgroup:last-of-type option').value",
            vec![],
        )
        .await
        .unwrap();
    let grid = grid.as_str().expect("a grid to award").to_owned();
    let before = points_of(&c, &grid).await;
    select(&c, "highlight-area", &grid).await;
    type_into(&c, "highlight-points", "5").await;
    type_into(&c, "highlight-reason", "矛盾纠纷排查台账规范，经验在全镇推广").await;
    click(&c, "highlight-submit").await;
    wait_text(&c, "flash", "记 +5 分").await;
    wait_text(&c, "highlights", "经验在全镇推广").await;
    let deadline = std::time::Instant::now() + crate::driver::PATIENCE;
    while points_of(&c, &grid).await != before + 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the grid's highlight points never went from {before} to {}",
            before + 5
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    to_top(&c).await;
    shot(&c, shots, "28-ranking").await;

    // The monthly notice for last month, written as XLSX and CSV to a folder.
    click(&c, "nav-notice").await;
    find(&c, "notice-row").await;
    wait_text(&c, "notice-title", &label).await;
    let out = tmp.path().join("notices");
    std::fs::create_dir_all(&out).unwrap();
    type_into(&c, "notice-dir", &out.display().to_string()).await;
    click(&c, "notice-export").await;
    find(&c, "notice-written").await;
    for id in ["notice-xlsx", "notice-csv"] {
        let path = PathBuf::from(find(&c, id).await.text().await.unwrap().trim());
        assert!(path.starts_with(&out), "{id}: {path:?} is not in {out:?}");
        assert!(std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false), "{id}: {path:?} was not written");
    }
    to_top(&c).await;
    shot(&c, shots, "29-notice").await;

    // At phone width: the bottom tabs, the office's other screens linked from the dashboard.
    c.set_window_size(360, 740).await.expect("a phone-sized window");
    // The layout follows the window (the side navigation's buttons give way to the tabs).
    find(&c, "layout-phone").await;
    click(&c, "nav-dashboard").await;
    find(&c, "more-links").await;
    assert!(c.find(css("side-nav")).await.is_err(), "no side navigation at phone width");
    find(&c, "tile-closed").await;
    to_top(&c).await;
    shot(&c, shots, "30-dashboard-phone").await;
    c.close().await.unwrap();
    server.stop().await;
}
