//! Two people acting on one case offline, through the real server: after two failed village
//! attempts the grid leader's office handset records the third as failed and escalates the case,
//! while the leader's field handset records the third as a success and closes it.
//! Whichever syncs first, both handsets' steps are kept on the server, every device folds the case
//! to the same stage, the steps that no longer fit are flagged on the case, and the leader's
//! `settled` step clears the flag everywhere.

use gridwork_domain::workflow::CaseStage;
use gridwork_domain::{AttemptOutcome, Dispute, DisputeAction, DisputeCategory, MediationLevel, Party, Urgency};
use gridwork_tests::{Device, ServerProc};

fn report(worker: &mut Device) -> gridwork_domain::RecordId {
    let grid = worker.scope();
    let mg = worker.engine.areas(&grid).unwrap().into_iter().find(|a| a.code.as_str().len() == 18).unwrap().code;
    worker
        .engine
        .file_dispute(&Dispute {
            micro_grid: mg,
            reporter: String::new(),
            reported_at: chrono::Utc::now(),
            category: DisputeCategory::Land,
            parties: vec![Party { name: "白音".into(), phone: None, household: None }],
            description: "草场边界争议".into(),
            amount_yuan: None,
            urgency: Urgency::Normal,
            location: None,
        })
        .unwrap()
}

fn attempt(number: u8, outcome: AttemptOutcome) -> DisputeAction {
    DisputeAction::MediationAttempt {
        level: MediationLevel::Village,
        number,
        outcome,
        mediator: "王芳".into(),
        agreement: if outcome == AttemptOutcome::Succeeded { "双方确认边界".into() } else { String::new() },
    }
}

fn run(office_syncs_first: bool) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut worker = Device::enroll(dir.path(), "worker", &url, "DEMO-W-0001");
    let mut office = Device::enroll(dir.path(), "office", &url, "DEMO-L-0001");
    let mut field = Device::enroll(dir.path(), "field", &url, "DEMO-L-0001");
    let mut sup = Device::enroll(dir.path(), "sup", &url, "DEMO-S-0001");
    worker.sync().unwrap();
    let case = report(&mut worker);
    worker.sync().unwrap();
    office.sync().unwrap();
    let worker_name = worker.engine.profile().unwrap().user_name.clone();
    office.engine.append_event(case, DisputeAction::Verified, "").unwrap();
    office.engine.append_event(case, DisputeAction::Dispatched { to: worker_name }, "").unwrap();
    office.engine.append_event(case, attempt(1, AttemptOutcome::Failed), "分歧较大").unwrap();
    office.engine.append_event(case, attempt(2, AttemptOutcome::Failed), "仍有分歧").unwrap();
    office.sync().unwrap();
    field.sync().unwrap();

    // Offline: the office records the third attempt as failed and escalates; later the field
    // handset records the third attempt as a success and closes the case.
    office.engine.append_event(case, attempt(3, AttemptOutcome::Failed), "三次劝调未成").unwrap();
    office.engine.append_event(case, DisputeAction::Escalated { to: MediationLevel::Township }, "上报镇联调").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    field.engine.append_event(case, attempt(3, AttemptOutcome::Succeeded), "现场调解").unwrap();
    field
        .engine
        .append_event(case, DisputeAction::Closed { household_confirmed: true, village_handler: None }, "当事户确认")
        .unwrap();
    let order: [&mut Device; 2] =
        if office_syncs_first { [&mut office, &mut field] } else { [&mut field, &mut office] };
    for d in order {
        let r = d.sync().unwrap();
        assert_eq!(r.rejected, 0, "both handsets' steps are kept: {r:?}");
    }
    for d in [&mut worker, &mut office, &mut field, &mut sup] {
        d.sync().unwrap();
    }
    let views: Vec<_> = [&worker, &office, &field, &sup].iter().map(|d| d.engine.case(case).unwrap()).collect();
    for v in &views {
        assert_eq!(v.timeline.len(), 9, "every step on every device");
        assert_eq!((v.state.stage, v.state.level), (CaseStage::Open, MediationLevel::Township), "escalated first");
        assert_eq!(v.state.unsettled, 2, "the field handset's attempt and close are flagged");
        assert_eq!(v.timeline.iter().filter(|t| t.skipped.is_some()).count(), 2);
        assert!(v.timeline.iter().all(|t| t.synced), "every step reached the server");
    }
    // The township supervisor sees the escalated case in its queue, flagged; the supervisor
    // settles (the case is at its level now) and the flag clears on every device.
    let now = chrono::Utc::now().timestamp_millis();
    let q = sup.engine.case_queue(&Default::default(), now).unwrap();
    let row = q.rows.iter().find(|r| r.id == case).expect("in the township queue");
    assert_eq!(row.unsettled, 2);
    assert!(views[3].allowed.contains(&"settled"));
    assert!(!views[1].allowed.contains(&"settled"), "not the village leader's to settle any more");
    sup.engine.append_event(case, DisputeAction::Settled, "已核实：按上报镇联调处理").unwrap();
    sup.sync().unwrap();
    for d in [&mut worker, &mut office, &mut field] {
        d.sync().unwrap();
        let v = d.engine.case(case).unwrap();
        assert_eq!((v.state.unsettled, v.state.stage), (0, CaseStage::Open));
    }
}

#[test]
fn both_steps_are_kept_and_flagged_when_the_escalation_syncs_first() {
    run(true);
}

#[test]
fn both_steps_are_kept_and_flagged_when_the_close_syncs_first() {
    run(false);
}
