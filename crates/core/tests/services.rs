//! The services the app calls, end to end on a real SQLite file.

mod common;
use common::*;
use gridwork_core::{CoreError, Engine, HouseholdQuery};
use gridwork_domain::wire::Role;
use gridwork_domain::*;

#[test]
fn every_edit_bumps_the_version_and_queues_once_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let id = e.create_household(&household("张伟")).unwrap();
    let mut h = e.household(id).unwrap();
    h.phone = Some("13700001111".into());
    assert!(e.edit_household(id, &h).unwrap());
    assert!(!e.edit_household(id, &h).unwrap(), "no change, no write");
    let out = e.outbox().unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].rev, out[0].status.as_str()), (2, "pending"));
    let state: String =
        e.connection().query_row("SELECT state FROM records WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap();
    let state: RecordState = serde_json::from_str(&state).unwrap();
    assert_eq!(state.vv.total(), 2);
    assert!(state.stamps.contains_key("phone") && !state.stamps.contains_key("head_name"));
}

#[test]
fn households_are_found_by_name_pinyin_initials_door_and_phone() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let zw = e.create_household(&household("张伟")).unwrap();
    let mut other = household("李娜");
    other.door_number = "17号".into();
    other.phone = Some("13655556666".into());
    let ln = e.create_household(&other).unwrap();
    let find = |q: &str| -> Vec<RecordId> {
        e.list_households(&HouseholdQuery { area: None, text: q, limit: 10 })
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    assert_eq!(find("张伟"), [zw]);
    assert_eq!(find("zhangwei"), [zw]);
    assert_eq!(find("ZW"), [zw]);
    assert_eq!(find("lina"), [ln]);
    assert_eq!(find("17号"), [ln]);
    assert_eq!(find("5556"), [ln]);
    assert_eq!(find("").len(), 2);
    assert!(find("王").is_empty());
    assert!(find("%").is_empty(), "wildcards are literal");
}

#[test]
fn far_visits_are_flagged_and_history_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let id = e.create_household(&household("张伟")).unwrap();
    let near = e.record_visit(&visit(id, Some(GeoPoint::new(40.4005, 110.04)))).unwrap();
    let far = e.record_visit(&visit(id, Some(GeoPoint::new(40.41, 110.04)))).unwrap();
    assert!(!near.distance.unwrap().far);
    assert!(far.distance.unwrap().far);
    assert!((far.distance.unwrap().distance_m - 1112.0).abs() < 10.0);
    let history = e.household_history(id).unwrap();
    assert_eq!(history.visits.len(), 2);
    let far_flags: i64 = e.connection().query_row("SELECT sum(far) FROM visits", [], |r| r.get(0)).unwrap();
    assert_eq!(far_flags, 1);
    assert!(matches!(e.record_visit(&visit(RecordId::new(), None)), Err(CoreError::NotFound { .. })));
}

#[test]
fn cases_follow_the_closed_loop() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine_as(&dir, "a.db", Role::GridLeader, "张伟", "150621001001001");
    let d = e.file_dispute(&dispute()).unwrap();
    assert_eq!(e.case(d).unwrap().state.stage.as_str(), "reported");
    assert_eq!(e.case(d).unwrap().allowed, ["verified", "rejected"]);
    // A grid worker may not take the leader's steps.
    let mut w = engine(&dir, "w.db");
    let wd = w.file_dispute(&dispute()).unwrap();
    assert_eq!(w.case(wd).unwrap().allowed, Vec::<&str>::new(), "no buttons for what the worker may not do");
    assert_eq!(w.append_event(wd, DisputeAction::Verified, "").unwrap_err().tag(), "forbidden");
    let err = e
        .append_event(d, DisputeAction::Closed { household_confirmed: true, village_handler: None }, "结案")
        .unwrap_err();
    assert_eq!(err.tag(), "workflow");
    assert!(err.to_string().contains("verified"), "{err}");
    e.append_event(d, DisputeAction::Verified, "").unwrap();
    e.append_event(d, DisputeAction::Dispatched { to: "村调委会".into() }, "").unwrap();
    let attempt = DisputeAction::MediationAttempt {
        level: MediationLevel::Village,
        number: 1,
        outcome: AttemptOutcome::Succeeded,
        mediator: String::new(),
        agreement: String::new(),
    };
    e.append_event(d, attempt, "双方和解").unwrap();
    e.append_event(d, DisputeAction::Closed { household_confirmed: true, village_handler: None }, "回访确认").unwrap();
    e.append_event(d, DisputeAction::Rated { score: 5 }, "").unwrap();
    let case = e.case(d).unwrap();
    assert_eq!(case.state.stage.as_str(), "rated");
    assert_eq!(case.timeline.len(), 6);
    assert!(case.timeline.iter().all(|t| !t.synced && t.skipped.is_none()));
    let stage: String = e.connection().query_row("SELECT stage FROM disputes", [], |r| r.get(0)).unwrap();
    assert_eq!(stage, "rated");
}

#[test]
fn cards_take_distinct_serials_that_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let h = e.create_household(&household("张伟")).unwrap();
    let (_, first) = e.issue_card(h, "张伟").unwrap();
    drop(e);
    let mut e = common::unlock(&dir.path().join("a.db"));
    let (_, second) = e.issue_card(h, "张伟之妻").unwrap();
    assert_ne!(first.serial, second.serial);
    assert_eq!(e.profile().unwrap().serial_block.used, 2);
    let (_, found) = e.card_by_serial(&second.serial.grouped()).unwrap();
    assert_eq!(found.recipient, "张伟之妻");
    assert_eq!(e.issue_card(h, " ").unwrap_err().tag(), "validation");
}

#[test]
fn remote_versions_merge_and_conflicts_are_kept_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = engine(&dir, "a.db");
    let mut b = engine(&dir, "b.db");
    let id = a.create_household(&household("张伟")).unwrap();
    let export = |e: &Engine| -> Vec<RecordState> {
        let v = e.export_json().unwrap();
        serde_json::from_value(v["records"].clone()).unwrap()
    };
    b.apply_remote(&export(&a)).unwrap();
    assert_eq!(b.outbox().unwrap().len(), 0, "remote versions are not queued again");
    // Both change the phone while apart; a also changes the address.
    let mut ha = a.household(id).unwrap();
    ha.phone = Some("13711112222".into());
    ha.address = "新地址".into();
    a.edit_household(id, &ha).unwrap();
    let mut hb = b.household(id).unwrap();
    hb.phone = Some("13733334444".into());
    b.edit_household(id, &hb).unwrap();
    let b_alone = export(&b);
    let report = b.apply_remote(&export(&a)).unwrap();
    assert_eq!((report.merged, report.conflicts), (1, 1));
    let merged = b.household(id).unwrap();
    assert_eq!(merged.address, "新地址", "edits to other fields are kept");
    assert_eq!(merged.phone.as_deref(), Some("13733334444"), "b's edit is later");
    let conflicts = b.conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].conflict.field, "phone");
    assert_eq!(conflicts[0].conflict.loser, "13711112222");
    assert_eq!(conflicts[0].label, "张伟 2单元501", "a person can tell which household it is");
    assert_eq!(b.outbox().unwrap().len(), 1, "the merged version still has to reach the server");
    // A worker whose device never wrote the record does not see the conflict; its leader does.
    let mut c = engine(&dir, "c.db");
    c.apply_remote(&export(&a)).unwrap();
    assert_eq!(c.apply_remote(&b_alone).unwrap().conflicts, 1);
    assert!(c.conflicts(false).unwrap().is_empty(), "not a record this worker touched");
    c.record_visit(&visit(id, None)).unwrap();
    assert_eq!(c.conflicts(false).unwrap().len(), 1, "a household this worker visited");
    c.connection().execute("DELETE FROM visits", []).unwrap();
    let mut leader = c.profile().unwrap().clone();
    leader.role = gridwork_domain::wire::Role::GridLeader;
    c.set_profile(leader).unwrap();
    assert_eq!(c.conflicts(false).unwrap().len(), 1, "the leader reviews every conflict in the area");
    // Meeting the same versions again adds no second conflict.
    b.apply_remote(&export(&a)).unwrap();
    assert_eq!(b.conflicts(false).unwrap().len(), 1);
    assert!(b.resolve_conflict(conflicts[0].id).unwrap());
    assert!(b.conflicts(false).unwrap().is_empty());
}

#[test]
fn today_lists_due_households_follow_ups_and_my_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let seen = e.create_household(&household("张伟")).unwrap();
    let never = e.create_household(&household("李娜")).unwrap();
    let mut v = visit(seen, None);
    v.follow_up_needed = true;
    v.follow_up = "下周送药".into();
    e.record_visit(&v).unwrap();
    e.file_dispute(&dispute()).unwrap();
    let t = e.today(chrono::Utc::now().timestamp_millis(), 10).unwrap();
    assert_eq!(t.due.iter().map(|h| h.id).collect::<Vec<_>>(), [never]);
    assert_eq!(t.follow_ups.len(), 1);
    assert_eq!(t.follow_ups[0].follow_up, "下周送药");
    assert_eq!(t.my_disputes.len(), 1);
    assert_eq!(t.my_disputes[0].stage, "reported");
    // Eight days on, the elderly household visited today is due again (weekly for elderly_alone).
    let later = e.today(chrono::Utc::now().timestamp_millis() + 8 * 86_400_000, 10).unwrap();
    assert_eq!(later.due.len(), 2);
}

#[test]
fn a_position_finds_its_micro_grid_by_boundary() {
    use gridwork_domain::demo::{DemoSize, generate};
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let demo = generate(5, &DemoSize::small());
    e.import_areas(&demo.areas).unwrap();
    // Every demo household lies in its own micro-grid; the engine finds it from the position alone.
    for (_, h) in demo.households.iter().filter(|(_, h)| h.micro_grid.as_str().starts_with("150621001001001")).take(20)
    {
        assert_eq!(e.locate(h.location.unwrap()).unwrap().as_ref(), Some(&h.micro_grid));
    }
    assert_eq!(e.locate(GeoPoint::new(10.0, 10.0)).unwrap(), None);
    assert_eq!(e.areas("150621001001001").unwrap().len(), 4, "the grid and its three micro-grids");
}
