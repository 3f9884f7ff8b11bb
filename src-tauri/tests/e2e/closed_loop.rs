//! The closed loop (六步闭环) on three app instances against the real server: the grid worker
//! (DEMO-W-0001) reports a dispute at a household; the grid leader of her grid (DEMO-L-0001)
//! verifies it and dispatches it to her; she feeds back; the leader closes it with the household's
//! confirmation and records the rating; the case shows rated on all three handsets, the township
//! supervisor's (DEMO-S-0001) among them. Then the three threes: a second case dispatched, three
//! failed village attempts, escalated, and found in the township supervisor's queue. Every hand-over
//! goes through the server by the outbox's sync button. Last, a contradiction: two of the leader's
//! handsets act on one case offline; both steps are kept, the one that no longer fits is flagged,
//! and the township supervisor settles it.

use crate::driver::{Driver, click, click_containing, find, free_port, scroll_to, shot, sync, type_into, wait_text};
use crate::server::Server;
use fantoccini::{Client, Locator};
use std::path::PathBuf;

/// Enrolls the app for the demo account `handle` and waits for its first screen.
async fn enroll_as(c: &Client, server: &Server, handle: &str, first_screen: &str) {
    find(c, "server").await;
    type_into(c, "server", &server.url()).await;
    type_into(c, "code", &server.code(handle).await).await;
    crate::driver::set_pin(c).await;
    click(c, "enroll").await;
    find(c, first_screen).await;
}

/// Opens the household whose list line reads `line` (name, address and door number), found by `name`.
async fn open_household(c: &Client, name: &str, line: &str) {
    click(c, "nav-households").await;
    type_into(c, "search", name).await;
    click_containing(c, "household-item", line).await;
    find(c, "screen-household").await;
}

/// Reports a dispute at the open household; returns to it.
async fn report(c: &Client, description: &str) {
    click(c, "household-report").await;
    type_into(c, "description", description).await;
    click(c, "save-dispute").await;
    find(c, "screen-household").await;
    find(c, "flash").await;
}

/// Takes a step whose form needs nothing filled in, and waits for the case's new stage.
async fn step(c: &Client, action: &str, stage: &str) {
    click(c, &format!("action-{action}")).await;
    find(c, "step-form").await;
    click(c, "submit-step").await;
    wait_text(c, "case-stage", stage).await;
}

/// Picks the first handler the search `text` finds in the open picker (`search` is its input).
async fn pick_handler(c: &Client, search: &str, text: &str) {
    if !text.is_empty() {
        type_into(c, search, text).await;
    }
    click(c, "handler-option").await;
    find(c, "handler-chosen").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closed_loop_runs_across_a_worker_a_leader_and_the_township() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let shots: Option<PathBuf> = std::env::var_os("GRIDWORK_SCREENSHOTS").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    // Each grid also holds the demo's cases at every step, so the queues look like a working day.
    let mut server = Server::start_with_cases(&tmp.path().join("server.db"), addr, 8).await;
    let drivers: Vec<Driver> =
        ["worker", "leader", "supervisor"].iter().map(|d| Driver::start(&tmp.path().join(d))).collect();
    let w = drivers[0].session().await;
    let l = drivers[1].session().await;
    let s = drivers[2].session().await;
    enroll_as(&w, &server, "DEMO-W-0001", "screen-today").await;
    enroll_as(&l, &server, "DEMO-L-0001", "screen-queue").await;
    enroll_as(&s, &server, "DEMO-S-0001", "screen-dashboard").await;

    // 1. The worker reports a dispute at a household and syncs.
    click(&w, "nav-households").await;
    let item = find(&w, "household-item").await;
    let name = item.find(Locator::Css(".name")).await.unwrap().text().await.unwrap();
    let line = item.find(Locator::Css(".sub")).await.unwrap().text().await.unwrap();
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let first = format!("端到端纠纷 {}", &tag[tag.len() - 8..]);
    open_household(&w, &name, &line).await;
    report(&w, &first).await;
    sync(&w).await;

    // 2. The leader verifies it and dispatches it to the worker.
    sync(&l).await;
    click(&l, "nav-queue").await;
    find(&l, "queue-row").await;
    shot(&l, shots, "15-leader-queue").await;
    click_containing(&l, "queue-row", &first).await;
    wait_text(&l, "case-stage", "待核实").await;
    step(&l, "verified", "已立案").await;
    click(&l, "action-dispatched").await;
    find(&l, "handler-option").await;
    scroll_to(&l, "step-form").await;
    shot(&l, shots, "18-dispatch-picker").await;
    pick_handler(&l, "dispatch-search", "王芳").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已派遣").await;
    wait_text(&l, "flash", "已派遣给 王芳").await;
    l.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    shot(&l, shots, "16-case").await;
    scroll_to(&l, "timeline").await;
    shot(&l, shots, "17-case-timeline").await;
    sync(&l).await;

    // 3. The worker finds it dispatched to her and feeds back.
    sync(&w).await;
    click(&w, "nav-today").await;
    find(&w, "dispatched-row").await;
    shot(&w, shots, "19-worker-today").await;
    click_containing(&w, "dispatched-row", &first).await;
    wait_text(&w, "case-stage", "已派遣").await;
    click(&w, "action-feedback").await;
    type_into(&w, "note", "已上门协调，双方同意楼上维修水管").await;
    click(&w, "submit-step").await;
    wait_text(&w, "case-stage", "已处理").await;
    sync(&w).await;

    // 4. The leader closes it with the household's confirmation, then records the rating.
    sync(&l).await;
    click(&l, "nav-queue").await;
    click_containing(&l, "queue-row", &first).await;
    wait_text(&l, "case-stage", "已处理").await;
    click(&l, "action-closed").await;
    click(&l, "village-handler-secretary").await;
    click(&l, "confirm-household").await;
    type_into(&l, "note", "已电话回访当事户，确认已修好").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已结案").await;
    click(&l, "action-rated").await;
    click(&l, "rating-5").await;
    type_into(&l, "note", "处理及时").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已评价").await;
    sync(&l).await;

    // 5. Rated on all three handsets.
    sync(&w).await;
    click(&w, "nav-today").await;
    click_containing(&w, "my-dispute", &first).await;
    wait_text(&w, "case-stage", "已评价").await;
    wait_text(&w, "timeline", "已与当事户核实确认").await;
    sync(&s).await;
    open_household(&s, &name, &line).await;
    click_containing(&s, "household-dispute", &first).await;
    wait_text(&s, "case-stage", "已评价").await;
    wait_text(&s, "timeline", "5 星").await;

    // 6. The three threes: dispatched, three failed village attempts, escalated to the township.
    let second = format!("三次劝调未果 {}", &tag[tag.len() - 8..]);
    open_household(&l, &name, &line).await;
    report(&l, &second).await;
    click_containing(&l, "household-dispute", &second).await;
    step(&l, "verified", "已立案").await;
    click(&l, "action-dispatched").await;
    pick_handler(&l, "dispatch-search", "人民调解委员会").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已派遣").await;
    for n in 1..=3 {
        click(&l, "action-mediation_attempt").await;
        wait_text(&l, "attempt-fixed", &format!("村级 第{n}/3次")).await;
        pick_handler(&l, "mediator", "人民调解委员会").await;
        click(&l, "mediation-outcome-failed").await;
        type_into(&l, "note", &format!("第{n}次劝调，双方未达成一致")).await;
        if n == 2 {
            scroll_to(&l, "step-form").await;
            shot(&l, shots, "20-mediation-attempt").await;
        }
        click(&l, "submit-step").await;
        wait_text(&l, "flash", &format!("已记录村级第{n}次调解")).await;
    }
    click(&l, "action-escalated").await;
    wait_text(&l, "escalate-to", "乡镇级").await;
    click(&l, "submit-step").await;
    wait_text(&l, "flash", "已上报至乡镇级").await;
    wait_text(&l, "case-stage", "已立案").await;
    sync(&l).await;

    sync(&s).await;
    click(&s, "nav-queue").await;
    find(&s, "queue-row").await;
    shot(&s, shots, "21-township-queue").await;
    click_containing(&s, "queue-row", &second).await;
    wait_text(&s, "screen-case", "乡镇级").await;
    wait_text(&s, "case-attempts", "村级 第3/3次").await;
    find(&s, "action-dispatched").await;
    shot(&s, shots, "22-township-case").await;

    // 7. Two of the leader's handsets act on one case offline: the app records a successful
    // second attempt while the other escalates. Both steps are kept, the one that no longer fits
    // is flagged on every handset, and the township supervisor (the case's level now) settles it.
    let third = format!("两部手机同时办理 {}", &tag[tag.len() - 8..]);
    open_household(&l, &name, &line).await;
    report(&l, &third).await;
    click_containing(&l, "household-dispute", &third).await;
    step(&l, "verified", "已立案").await;
    click(&l, "action-dispatched").await;
    pick_handler(&l, "dispatch-search", "人民调解委员会").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已派遣").await;
    click(&l, "action-mediation_attempt").await;
    pick_handler(&l, "mediator", "人民调解委员会").await;
    click(&l, "mediation-outcome-failed").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "调解中").await;
    sync(&l).await;
    crate::contradiction::escalate_elsewhere(&server.url(), server.code("DEMO-L-0001").await, &third).await;
    click(&l, "nav-queue").await;
    click_containing(&l, "queue-row", &third).await;
    click(&l, "action-mediation_attempt").await;
    pick_handler(&l, "mediator", "人民调解委员会").await;
    click(&l, "mediation-outcome-succeeded").await;
    type_into(&l, "agreement", "双方同意各退一步，补偿 500 元").await;
    click(&l, "submit-step").await;
    wait_text(&l, "case-stage", "已处理").await;
    sync(&l).await;
    click(&l, "nav-queue").await;
    click(&l, "queue-filter-all-levels").await;
    click_containing(&l, "queue-row", &third).await;
    find(&l, "contradiction").await;
    find(&l, "timeline-skipped").await;
    sync(&s).await;
    click(&s, "nav-queue").await;
    click_containing(&s, "queue-row", &third).await;
    find(&s, "contradiction").await;
    shot(&s, shots, "23-contradiction").await;
    scroll_to(&s, "timeline-skipped").await;
    s.execute("window.scrollBy(0, -140)", vec![]).await.unwrap();
    shot(&s, shots, "24-contradiction-timeline").await;
    click(&s, "action-settled").await;
    click(&s, "submit-step").await;
    wait_text(&s, "flash", "已确认矛盾进展").await;
    assert!(s.find(crate::driver::css("contradiction")).await.is_err(), "settled: the flag is gone");

    for c in [w, l, s] {
        c.close().await.unwrap();
    }
    drop(drivers);
    server.stop().await;
}
