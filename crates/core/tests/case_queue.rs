//! The leader's queue on the engine: cases by stage bucket with counts, the level each role works
//! at, filters, urgency then age, the step's deadline and overdue flag from the server's deadlines;
//! the worker's cases dispatched to them and due households paged; the dispatch picker's handlers.

mod common;

use chrono::{Duration, Utc};
use common::{dispute, engine_as, household};
use gridwork_core::Engine;
use gridwork_core::case_queue::{CaseQueueQuery, QueueBucket};
use gridwork_domain::deadline::StepDeadlines;
use gridwork_domain::wire::{Handler, HandlerKind, Role};
use gridwork_domain::{AttemptOutcome, DisputeAction, DisputeCategory, MediationLevel, RecordId, Urgency};

const GRID: &str = "150621001001001";
const HOUR: i64 = 3_600_000;

fn leader(dir: &tempfile::TempDir) -> Engine {
    engine_as(dir, "leader.db", Role::GridLeader, "张伟", GRID)
}

fn file(e: &mut Engine, urgency: Urgency, category: DisputeCategory, hours_ago: i64) -> RecordId {
    let d = gridwork_domain::Dispute {
        urgency,
        category,
        reported_at: Utc::now() - Duration::hours(hours_ago),
        ..dispute()
    };
    e.file_dispute(&d).unwrap()
}

fn fail(level: MediationLevel, number: u8) -> DisputeAction {
    DisputeAction::MediationAttempt {
        level,
        number,
        outcome: AttemptOutcome::Failed,
        mediator: "村人民调解委员会".into(),
        agreement: String::new(),
    }
}

fn all(bucket: Option<QueueBucket>) -> CaseQueueQuery {
    CaseQueueQuery { bucket, limit: 100, ..CaseQueueQuery::default() }
}

fn count(q: &gridwork_core::case_queue::CaseQueue, b: QueueBucket) -> i64 {
    q.counts.iter().find(|c| c.bucket == b).unwrap().count
}

#[test]
fn the_queue_counts_by_bucket_sorts_by_urgency_then_age_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = leader(&dir);
    let old = file(&mut e, Urgency::Normal, DisputeCategory::Neighbour, 30);
    let new = file(&mut e, Urgency::Normal, DisputeCategory::Land, 2);
    let urgent = file(&mut e, Urgency::Critical, DisputeCategory::FireHazard, 1);
    let opened = file(&mut e, Urgency::Low, DisputeCategory::Family, 5);
    e.append_event(opened, DisputeAction::Verified, "").unwrap();
    let mediating = file(&mut e, Urgency::High, DisputeCategory::Property, 6);
    e.append_event(mediating, DisputeAction::Verified, "").unwrap();
    e.append_event(mediating, DisputeAction::Dispatched { to: "王芳".into() }, "").unwrap();
    e.append_event(mediating, fail(MediationLevel::Village, 1), "未成").unwrap();
    let now = Utc::now().timestamp_millis();

    let q = e.case_queue(&all(None), now).unwrap();
    assert_eq!(q.total, 5);
    assert_eq!(
        (count(&q, QueueBucket::ToVerify), count(&q, QueueBucket::Open), count(&q, QueueBucket::Mediating)),
        (3, 1, 1)
    );
    let ids: Vec<RecordId> = q.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [urgent, mediating, old, new, opened], "critical, high, then normal by age, then low");
    let m = q.rows.iter().find(|r| r.id == mediating).unwrap();
    assert_eq!((m.level, m.attempts_here, m.dispatched_to.as_deref()), (MediationLevel::Village, 1, Some("王芳")));
    assert_eq!(m.micro_grid_name, None, "no areas imported in this test");
    assert_eq!(m.household.as_deref(), Some("李四"));

    // The report filed 30 hours ago waits for verification beyond the 24 hours it is given.
    let o = q.rows.iter().find(|r| r.id == old).unwrap();
    assert!(o.overdue && o.due_ms.is_some_and(|d| d < now), "{o:?}");
    let n = q.rows.iter().find(|r| r.id == new).unwrap();
    assert!(!n.overdue && n.due_ms.is_some_and(|d| d > now));
    assert_eq!(q.counts.iter().find(|c| c.bucket == QueueBucket::ToVerify).unwrap().overdue, 1);

    // Filters: one bucket; a category; an urgency; a page.
    let v = e.case_queue(&all(Some(QueueBucket::ToVerify)), now).unwrap();
    assert_eq!((v.total, v.rows.len()), (3, 3));
    assert_eq!(count(&v, QueueBucket::Open), 1, "counts ignore the bucket filter");
    let land = e.case_queue(&CaseQueueQuery { category: Some("land".into()), ..all(None) }, now).unwrap();
    assert_eq!(land.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [new]);
    let crit = e.case_queue(&CaseQueueQuery { urgency: Some("critical".into()), ..all(None) }, now).unwrap();
    assert_eq!(crit.total, 1);
    let page = e.case_queue(&CaseQueueQuery { offset: 1, limit: 2, ..all(None) }, now).unwrap();
    assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [mediating, old]);
    assert_eq!(page.total, 5);

    // Deadlines from the server: a 48-hour verification makes the old report not overdue.
    e.import_handlers(&[], &StepDeadlines { verify_hours: 48, ..StepDeadlines::default() }).unwrap();
    let q = e.case_queue(&all(Some(QueueBucket::ToVerify)), now).unwrap();
    assert!(q.rows.iter().all(|r| !r.overdue));
}

#[test]
fn each_role_sees_the_cases_at_its_level_and_all_levels_on_asking() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = leader(&dir);
    let stays = file(&mut l, Urgency::Normal, DisputeCategory::Neighbour, 3);
    let goes_up = file(&mut l, Urgency::Normal, DisputeCategory::Land, 3);
    l.append_event(goes_up, DisputeAction::Verified, "").unwrap();
    l.append_event(goes_up, DisputeAction::Dispatched { to: "王芳".into() }, "").unwrap();
    for n in 1..=3 {
        l.append_event(goes_up, fail(MediationLevel::Village, n), "未成").unwrap();
    }
    l.append_event(goes_up, DisputeAction::Escalated { to: MediationLevel::Township }, "上报镇联调").unwrap();
    let now = Utc::now().timestamp_millis();
    let ids = |e: &Engine, all_levels: bool| -> Vec<RecordId> {
        let q = e.case_queue(&CaseQueueQuery { all_levels, ..all(None) }, now).unwrap();
        q.rows.iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(&l, false), [stays], "the escalated case leaves the leader's queue");
    assert_eq!(ids(&l, true).len(), 2);
    // The township supervisor's queue has it, open for dispatch at township level.
    let records: Vec<gridwork_domain::RecordState> =
        serde_json::from_value(l.export_json().unwrap()["records"].clone()).unwrap();
    let mut s = engine_as(&dir, "sup.db", Role::Supervisor, "李娜", "150621001");
    s.apply_remote(&records).unwrap();
    let q = s.case_queue(&all(None), now).unwrap();
    assert_eq!(q.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [goes_up]);
    assert_eq!((q.rows[0].stage.as_str(), q.rows[0].level), ("open", MediationLevel::Township));
    assert_eq!(count(&q, QueueBucket::Open), 1);
    assert!(s.case(goes_up).unwrap().allowed.contains(&"dispatched"));
}

#[test]
fn a_worker_sees_what_is_dispatched_to_them_and_every_due_household() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = leader(&dir);
    let mine = file(&mut l, Urgency::Normal, DisputeCategory::Neighbour, 3);
    let theirs = file(&mut l, Urgency::Normal, DisputeCategory::Neighbour, 3);
    for (d, to) in [(mine, "王芳"), (theirs, "司法所")] {
        l.append_event(d, DisputeAction::Verified, "").unwrap();
        l.append_event(d, DisputeAction::Dispatched { to: to.into() }, "").unwrap();
    }
    for i in 0..30 {
        l.create_household(&household(&format!("住户{i:02}"))).unwrap();
    }
    let records: Vec<gridwork_domain::RecordState> =
        serde_json::from_value(l.export_json().unwrap()["records"].clone()).unwrap();
    let mut w = engine_as(&dir, "w.db", Role::GridWorker, "王芳", GRID);
    w.apply_remote(&records).unwrap();
    let now = Utc::now().timestamp_millis();
    let today = w.today(now, 8).unwrap();
    assert_eq!(today.dispatched_to_me.iter().map(|r| r.id).collect::<Vec<_>>(), [mine]);
    assert_eq!((today.due.len(), today.due_total), (8, 30));
    // Every due household is reachable, page by page, each once.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = w.due_households(now, offset, 8).unwrap();
        if page.is_empty() {
            break;
        }
        offset += page.len() as u32;
        seen.extend(page.into_iter().map(|h| h.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30);
    // Once fed back, the case leaves the worker's list.
    w.append_event(mine, DisputeAction::Feedback, "已调解").unwrap();
    assert!(w.today(now, 8).unwrap().dispatched_to_me.is_empty());
}

#[test]
fn dispatch_goes_to_a_handler_from_the_reference_data_never_free_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = leader(&dir);
    let handler = |key: &str, kind| Handler { key: key.into(), name: key.into(), kind, area: None };
    l.import_handlers(
        &[
            handler("王芳", HandlerKind::GridWorker),
            handler("锦园社区人民调解委员会", HandlerKind::Mediator),
            handler("派出所", HandlerKind::Department),
            handler("司法所", HandlerKind::Department),
        ],
        &StepDeadlines::default(),
    )
    .unwrap();
    // Searched by name, pinyin initials, kind.
    assert_eq!(l.handlers("", None, 50).unwrap().len(), 4);
    assert_eq!(l.handlers("wf", None, 50).unwrap()[0].key, "王芳");
    assert_eq!(l.handlers("所", Some(HandlerKind::Department), 50).unwrap().len(), 2);
    let d = file(&mut l, Urgency::Normal, DisputeCategory::Neighbour, 1);
    l.append_event(d, DisputeAction::Verified, "").unwrap();
    let err = l.append_event(d, DisputeAction::Dispatched { to: "隔壁老王".into() }, "").unwrap_err();
    assert_eq!(err.tag(), "validation");
    assert_eq!(err.to_tagged().fields[0].code, "unknown_handler");
    assert_eq!(l.case(d).unwrap().timeline.len(), 2, "nothing written");
    l.append_event(d, DisputeAction::Dispatched { to: "派出所".into() }, "").unwrap();
    assert_eq!(l.case(d).unwrap().state.dispatched_to.as_deref(), Some("派出所"));
}

#[test]
fn the_case_screen_shows_the_timeline_deadline_and_household() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = leader(&dir);
    let home = l.create_household(&household("李四")).unwrap();
    let d = gridwork_domain::Dispute {
        parties: vec![gridwork_domain::Party { name: "李四".into(), phone: None, household: Some(home) }],
        reported_at: Utc::now() - Duration::hours(30),
        ..dispute()
    };
    let d = l.file_dispute(&d).unwrap();
    let view = l.case(d).unwrap();
    assert_eq!(view.timeline.len(), 1);
    assert!(!view.timeline[0].synced, "still in the outbox");
    assert_eq!(view.household.as_ref().map(|h| h.id), Some(home));
    // Reported 30 hours ago: the 24 hours verification is given ran out 6 hours ago.
    let now = Utc::now().timestamp_millis();
    assert!(view.due_ms.is_some_and(|due| (now - 7 * HOUR..now - 5 * HOUR).contains(&due)), "{:?}", view.due_ms);
    assert!(view.overdue);
    assert_eq!(view.allowed, ["verified", "rejected"]);
}

#[test]
fn a_store_from_before_the_queue_gets_its_cases_placed_when_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = leader(&dir);
    let d = file(&mut l, Urgency::Normal, DisputeCategory::Neighbour, 3);
    l.append_event(d, DisputeAction::Verified, "").unwrap();
    l.append_event(d, DisputeAction::Dispatched { to: "王芳".into() }, "").unwrap();
    // Back to the store as the version before the queue left it.
    l.connection()
        .execute_batch(
            "DROP INDEX disputes_closed; DROP INDEX disputes_stage_since; DROP INDEX cards_issued;
             ALTER TABLE disputes DROP COLUMN closed_ms; ALTER TABLE disputes DROP COLUMN closed_level;
             ALTER TABLE disputes DROP COLUMN village_handler; ALTER TABLE disputes DROP COLUMN rating;
             ALTER TABLE disputes DROP COLUMN max_level; DELETE FROM schema_migrations WHERE version = 7;
             DROP INDEX disputes_stage; DROP INDEX disputes_dispatched_to; DROP TABLE handlers;
             ALTER TABLE disputes DROP COLUMN level; ALTER TABLE disputes DROP COLUMN attempts_here;
             ALTER TABLE disputes DROP COLUMN stage_since_ms; ALTER TABLE disputes DROP COLUMN dispatched_to;
             ALTER TABLE disputes DROP COLUMN unsettled; ALTER TABLE disputes DROP COLUMN party;
             ALTER TABLE disputes DROP COLUMN household; DELETE FROM schema_migrations WHERE version = 5;",
        )
        .unwrap();
    drop(l);
    let l = common::unlock(&dir.path().join("leader.db"));
    let q = l.case_queue(&all(None), Utc::now().timestamp_millis()).unwrap();
    let row = &q.rows[0];
    assert_eq!((row.id, row.stage.as_str(), row.dispatched_to.as_deref()), (d, "dispatched", Some("王芳")));
    assert!(row.due_ms.is_some());
    assert_eq!(row.household.as_deref(), Some("李四"));
}
