//! The whole authority table through the HTTP API (`oneshot`): every role × action × case level ×
//! inside or outside the account's area, pushed by a real enrolled device; each answer is
//! `accepted`, or exactly the code the table calls for (`forbidden`, `out_of_scope`).

mod common;

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use chrono::Utc;
use common::{Handset, TestServer};
use gridwork_domain::authority::{Action, Actor, Refusal, Subject, authorize, sample_step};
use gridwork_domain::wire::Role;
use gridwork_domain::{
    AreaCode, AttemptOutcome, CardStatus, ContactCard, Dispute, DisputeAction, DisputeCategory, DisputeEvent,
    Household, MediationLevel, Record, RecordId, RecordState, Urgency, Visit,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// The demo accounts used: worker 1 and leader 1 share grid 150621001001001, supervisor 1 has
/// township 150621001, the admin the banner.
const INSIDE: &str = "150621001001001001";
/// For worker and leader: another grid; for the supervisor: another township.
const OUTSIDE_GRID: &str = "150621001001002001";
const OUTSIDE_TOWNSHIP: &str = "150621002001001001";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

/// Handsets by account code, enrolled once each.
struct Fleet<'a> {
    s: &'a TestServer,
    devices: HashMap<String, Handset>,
}

impl<'a> Fleet<'a> {
    fn new(s: &'a TestServer) -> Self {
        Self { s, devices: HashMap::new() }
    }

    /// The handset of the demo account of `role` whose area holds `micro_grid` most closely.
    async fn of(&mut self, role: Role, micro_grid: &str) -> &mut Handset {
        let account = self
            .s
            .accounts
            .iter()
            .filter(|a| a.role == role && area(micro_grid).is_within(&a.scope))
            .max_by_key(|a| a.scope.as_str().len())
            .expect("a demo account for the area")
            .code
            .clone();
        if !self.devices.contains_key(&account) {
            let h = self.s.enroll(&account).await;
            self.devices.insert(account.clone(), h);
        }
        self.devices.get_mut(&account).unwrap()
    }
}

fn create<R: Record>(h: &mut Handset, r: &R) -> RecordState {
    RecordState::create(RecordId::new(), r, &mut h.writer()).unwrap()
}

fn edit<R: Record>(h: &mut Handset, s: &RecordState, f: impl FnOnce(&mut R)) -> RecordState {
    h.clock.observe(s.latest_stamp().hlc, gridwork_domain::clock::wall_ms()).unwrap();
    let mut r: R = s.decode().unwrap();
    f(&mut r);
    s.edit(&r, &mut h.writer()).unwrap().expect("a change")
}

fn observe(h: &mut Handset, states: &[RecordState]) {
    for s in states {
        h.clock.observe(s.latest_stamp().hlc, gridwork_domain::clock::wall_ms()).unwrap();
    }
}

/// Pushes one record and returns its status (a merge counts as accepted: the write is taken), or
/// its reject code.
async fn push_one(s: &TestServer, h: &Handset, r: &RecordState) -> String {
    let (status, v) = s.push_raw(h, Uuid::now_v7(), std::slice::from_ref(r)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    outcome(&v["results"][0])
}

fn outcome(v: &Value) -> String {
    match v["status"].as_str().unwrap() {
        "rejected" => v["code"].as_str().unwrap().to_owned(),
        "merged" => "accepted".to_owned(),
        other => other.to_owned(),
    }
}

async fn push_all(s: &TestServer, h: &Handset, rs: &[RecordState]) {
    let r = s.push(h, rs).await;
    for o in &r.results {
        assert_eq!(o.status, gridwork_domain::wire::PushStatus::Accepted, "fixture push: {o:?}");
    }
}

fn event(h: &mut Handset, dispute: &RecordState, micro_grid: &str, action: DisputeAction) -> RecordState {
    let e = DisputeEvent {
        dispute: dispute.id,
        micro_grid: area(micro_grid),
        actor: h.enrolled.user_name.clone(),
        at: Utc::now(),
        action,
        note: "处理情况已记录".into(),
        visit: None,
    };
    create(h, &e)
}

fn dispute_of(h: &Handset, micro_grid: &str) -> Dispute {
    Dispute {
        micro_grid: area(micro_grid),
        reporter: h.enrolled.user_name.clone(),
        reported_at: Utc::now(),
        category: DisputeCategory::Neighbour,
        parties: vec![],
        description: "邻里因排水发生争执".into(),
        amount_yuan: None,
        urgency: Urgency::Normal,
        location: None,
    }
}

/// A case in `micro_grid` brought to `level` by its grid's leader (and township's supervisor),
/// dispatched to worker 王芳 when `to_worker`. Returns the dispute and every event, all stored.
async fn case_at(fleet: &mut Fleet<'_>, micro_grid: &str, level: MediationLevel, to_worker: bool) -> Vec<RecordState> {
    let s = fleet.s;
    let fail = |level, number| DisputeAction::MediationAttempt {
        level,
        number,
        outcome: AttemptOutcome::Failed,
        mediator: String::new(),
        agreement: String::new(),
    };
    let leader = fleet.of(Role::GridLeader, micro_grid).await;
    let d = create(leader, &dispute_of(leader, micro_grid));
    let mut all = vec![d.clone()];
    all.push(event(leader, &d, micro_grid, DisputeAction::Reported));
    all.push(event(leader, &d, micro_grid, DisputeAction::Verified));
    let to = if to_worker { "王芳" } else { "村调委会" };
    all.push(event(leader, &d, micro_grid, DisputeAction::Dispatched { to: to.into() }));
    if level >= MediationLevel::Township {
        for n in 1..=3 {
            all.push(event(leader, &d, micro_grid, fail(MediationLevel::Village, n)));
        }
        all.push(event(leader, &d, micro_grid, DisputeAction::Escalated { to: MediationLevel::Township }));
    }
    let leader_part = all.clone();
    push_all(s, fleet.of(Role::GridLeader, micro_grid).await, &leader_part).await;
    if level == MediationLevel::Banner {
        let sup = fleet.of(Role::Supervisor, micro_grid).await;
        observe(sup, &all);
        let mut more = vec![event(sup, &d, micro_grid, DisputeAction::Dispatched { to: "镇联调中心".into() })];
        for n in 1..=3 {
            more.push(event(sup, &d, micro_grid, fail(MediationLevel::Township, n)));
        }
        more.push(event(sup, &d, micro_grid, DisputeAction::Escalated { to: MediationLevel::Banner }));
        push_all(s, fleet.of(Role::Supervisor, micro_grid).await, &more).await;
        all.extend(more);
    }
    all
}

const ROLES: [Role; 4] = [Role::GridWorker, Role::GridLeader, Role::Supervisor, Role::Admin];

fn outside_for(role: Role) -> Option<&'static str> {
    match role {
        Role::GridWorker | Role::GridLeader => Some(OUTSIDE_GRID),
        Role::Supervisor => Some(OUTSIDE_TOWNSHIP),
        Role::Admin => None,
    }
}

/// What the table says for `role` taking `action` on a subject in `micro_grid`.
fn expected(role: Role, action: Action, micro_grid: &str, subject: Subject<'_>) -> &'static str {
    let account_scope = match role {
        Role::GridWorker | Role::GridLeader => area("150621001001001"),
        Role::Supervisor => area("150621001"),
        Role::Admin => area("150621"),
    };
    let mg = area(micro_grid);
    let subject = Subject { micro_grid: &mg, ..subject };
    match authorize(&Actor { role, scope: &account_scope }, action, &subject) {
        Ok(()) => "accepted",
        Err(Refusal::OutsideArea) => "out_of_scope",
        Err(Refusal::Forbidden { .. }) => "forbidden",
    }
}

/// Every case step, by every role, at every level, inside and outside the area.
#[tokio::test]
async fn case_steps_by_role_level_and_area() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let inside = area(INSIDE);
    let steps = [
        Action::Verify,
        Action::Reject,
        Action::Dispatch,
        Action::MediationAttempt,
        Action::Feedback,
        Action::Escalate,
        Action::Refer,
        Action::Close,
        Action::Reopen,
        Action::Rate,
    ];
    let levels = [
        (MediationLevel::Village, false),
        (MediationLevel::Village, true),
        (MediationLevel::Township, false),
        (MediationLevel::Banner, false),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for role in ROLES {
        for (level, to_worker) in levels {
            let places = std::iter::once(INSIDE).chain(outside_for(role));
            for place in places {
                for action in steps {
                    let case = case_at(&mut fleet, place, level, to_worker).await;
                    let me = fleet.of(role, INSIDE).await;
                    observe(me, &case);
                    let e = event(me, &case[0], place, sample_step(action, level).expect("a case step"));
                    let got = push_one(&s, me, &e).await;
                    let dispatched_to_me = to_worker && me.enrolled.user_name == "王芳";
                    let subject = Subject { level, dispatched_to_actor: dispatched_to_me, ..Subject::plain(&inside) };
                    let want = expected(role, action, place, subject);
                    if got != want {
                        failures.push(format!("{role:?} {action:?} at {level:?} (to worker: {to_worker}) in {place}: got {got}, want {want}"));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} wrong:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, 4 * 4 * 10 + 3 * 4 * 10);
}

/// Households, visits, reports, report edits and cards, by every role, inside and outside.
#[tokio::test]
async fn record_actions_by_role_and_area() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let inside = area(INSIDE);
    // The seeded households, as the banner centre pulls them.
    let admin = fleet.of(Role::Admin, INSIDE).await;
    let seeded: Vec<RecordState> = s.pull_all(admin).await.changes.into_iter().map(|c| c.state).collect();
    let household_in = |mg: &str| seeded.iter().find(|r| r.micro_grid() == Some(area(mg))).unwrap().clone();
    let mut failures = Vec::new();
    let mut checked = 0;
    for role in ROLES {
        for place in std::iter::once(INSIDE).chain(outside_for(role)) {
            let home = household_in(place);
            // Fixtures written by those who may: a card by the place's leader, a report by the admin.
            let leader = fleet.of(Role::GridLeader, place).await;
            let card = card_for(leader, &home, place);
            push_all(&s, leader, std::slice::from_ref(&card)).await;
            let admin = fleet.of(Role::Admin, place).await;
            let report = create(admin, &dispute_of(admin, place));
            push_all(&s, admin, std::slice::from_ref(&report)).await;

            let me = fleet.of(role, INSIDE).await;
            observe(me, &[home.clone(), card.clone(), report.clone()]);
            let name = me.enrolled.user_name.clone();
            let mut own_report = create(me, &dispute_of(me, place));
            let edited = edit::<Household>(me, &home, |h| h.notes = "常住".into());
            let archived = edit::<Household>(me, &edited, |h| h.archived = true);
            let attempts: Vec<(Action, bool, RecordState)> = vec![
                (Action::HouseholdCreate, false, create(me, &common::household(area(place), "赵六"))),
                (Action::HouseholdEdit, false, edited),
                (Action::HouseholdArchive, false, archived),
                (
                    Action::VisitRecord,
                    false,
                    create(me, &Visit::routine(home.id, area(place), &name, Utc::now(), "一切正常")),
                ),
                (Action::Report, false, own_report.clone()),
                (Action::ReportEdit, false, edit::<Dispute>(me, &report, |d| d.description.push_str("（补充）"))),
                (Action::CardIssue, false, card_for(me, &home, place)),
                (
                    Action::CardRevoke,
                    false,
                    edit::<ContactCard>(me, &card, |c| c.status = CardStatus::Revoked { reason: "遗失".into() }),
                ),
            ];
            for (action, written, record) in attempts {
                let got = push_one(&s, me, &record).await;
                let want =
                    expected(role, action, place, Subject { written_by_actor: written, ..Subject::plain(&inside) });
                if got != want {
                    failures.push(format!("{role:?} {action:?} in {place}: got {got}, want {want}"));
                }
                checked += 1;
            }
            // Editing a report the device wrote itself (accepted above where the table allows).
            if expected(role, Action::Report, place, Subject::plain(&inside)) == "accepted" {
                own_report = edit::<Dispute>(me, &own_report, |d| d.description.push_str("（更正）"));
                let got = push_one(&s, me, &own_report).await;
                let want = expected(
                    role,
                    Action::ReportEdit,
                    place,
                    Subject { written_by_actor: true, ..Subject::plain(&inside) },
                );
                if got != want {
                    failures.push(format!("{role:?} own ReportEdit in {place}: got {got}, want {want}"));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} wrong:\n{}", failures.len(), failures.join("\n"));
}

fn card_for(h: &mut Handset, home: &RecordState, micro_grid: &str) -> RecordState {
    let serial = h.enrolled.serial_block.issue().unwrap();
    let card = ContactCard {
        household: home.id,
        micro_grid: area(micro_grid),
        serial,
        issuer: h.enrolled.user_name.clone(),
        issuer_phone: h.enrolled.user_phone.clone(),
        issued_at: Utc::now(),
        recipient: "户主本人".into(),
        status: CardStatus::Active,
    };
    create(h, &card)
}

/// The author names are the account's: a record that names someone else as its author is refused.
#[tokio::test]
async fn author_names_are_bound_to_the_account() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let w = fleet.of(Role::GridWorker, INSIDE).await;
    let mut d = dispute_of(w, INSIDE);
    d.reporter = "张伟".into();
    let forged = create(w, &d);
    assert_eq!(push_one(&s, w, &forged).await, "forbidden");
    let v = Visit::routine(RecordId::new(), area(INSIDE), "刘强", Utc::now(), "一切正常");
    let forged = create(w, &v);
    assert_eq!(push_one(&s, w, &forged).await, "forbidden");
    let ok = create(w, &Visit::routine(RecordId::new(), area(INSIDE), "王芳", Utc::now(), "一切正常"));
    assert_eq!(push_one(&s, w, &ok).await, "accepted");
    // And the answers are JSON like every other.
    let (status, v) = s
        .call(
            Method::POST,
            "/api/v1/push",
            Some(w.token()),
            Some(&json!({"batch_id": Uuid::now_v7(), "records": [forged]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["results"][0]["code"], "forbidden");
}

/// A grid worker records the household's rating at a visit it recorded to the case's micro-grid.
#[tokio::test]
async fn a_grid_worker_rates_a_case_at_its_own_visit() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let case = case_at(&mut fleet, INSIDE, MediationLevel::Village, false).await;
    let leader = fleet.of(Role::GridLeader, INSIDE).await;
    let leaders_visit = create(leader, &Visit::routine(RecordId::new(), area(INSIDE), "张伟", Utc::now(), "回访"));
    push_all(&s, leader, std::slice::from_ref(&leaders_visit)).await;
    let w = fleet.of(Role::GridWorker, INSIDE).await;
    observe(w, &case);
    let visit = create(w, &Visit::routine(RecordId::new(), area(INSIDE), "王芳", Utc::now(), "回访，户主满意"));
    let rate = |w: &mut Handset, visit: Option<RecordId>| {
        let mut e = DisputeEvent {
            dispute: case[0].id,
            micro_grid: area(INSIDE),
            actor: "王芳".into(),
            at: Utc::now(),
            action: DisputeAction::Rated { score: 5 },
            note: String::new(),
            visit,
        };
        e.note = "户主评价".into();
        create(w, &e)
    };
    let without = rate(w, None);
    assert_eq!(push_one(&s, w, &without).await, "forbidden");
    let at_anothers = rate(w, Some(leaders_visit.id));
    assert_eq!(push_one(&s, w, &at_anothers).await, "forbidden");
    // The visit and the rating in one batch, as the handset sends them.
    let at_mine = rate(w, Some(visit.id));
    let r = s.push(w, &[visit, at_mine]).await;
    assert!(r.results.iter().all(|o| o.status == gridwork_domain::wire::PushStatus::Accepted), "{r:?}");
}

/// A step taken offline on a case escalated past the actor's level meanwhile is kept only when it
/// fits the case as the actor's device could have held it and changes nothing now (the fold
/// leaves it out and flags it); a leader's step that would move a township case on, or one its
/// own earlier steps rule out, is refused as the table says.
#[tokio::test]
async fn an_overtaken_step_is_kept_only_when_it_changes_nothing() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let mut case = case_at(&mut fleet, INSIDE, MediationLevel::Township, false).await;
    let attempt = |level, number, outcome| DisputeAction::MediationAttempt {
        level,
        number,
        outcome,
        mediator: "调解委员会".into(),
        agreement: String::new(),
    };
    // The leader's other handset saw two failures, then recorded the third as a success offline
    // while this one recorded it as a failure and escalated: kept, to be flagged.
    let mut other = s.enroll(&s.code("DEMO-L", 1)).await;
    observe(&mut other, &case[..6]);
    let third = event(&mut other, &case[0], INSIDE, attempt(MediationLevel::Village, 3, AttemptOutcome::Succeeded));
    assert_eq!(push_one(&s, &other, &third).await, "accepted");
    // The handset that escalated knew it had: another village attempt from it is refused.
    let leader = fleet.of(Role::GridLeader, INSIDE).await;
    observe(leader, &case);
    let again = event(leader, &case[0], INSIDE, attempt(MediationLevel::Village, 3, AttemptOutcome::Succeeded));
    assert_eq!(push_one(&s, fleet.of(Role::GridLeader, INSIDE).await, &again).await, "forbidden");
    // Resolved at township level: the leader's close would close it — not the leader's to do.
    let sup = fleet.of(Role::Supervisor, INSIDE).await;
    observe(sup, &case);
    let more = vec![
        event(sup, &case[0], INSIDE, DisputeAction::Dispatched { to: "镇联调中心".into() }),
        event(sup, &case[0], INSIDE, attempt(MediationLevel::Township, 1, AttemptOutcome::Succeeded)),
    ];
    push_all(&s, fleet.of(Role::Supervisor, INSIDE).await, &more).await;
    case.extend(more);
    let leader = fleet.of(Role::GridLeader, INSIDE).await;
    observe(leader, &case);
    let close =
        event(leader, &case[0], INSIDE, DisputeAction::Closed { household_confirmed: true, village_handler: None });
    assert_eq!(push_one(&s, fleet.of(Role::GridLeader, INSIDE).await, &close).await, "forbidden");
}

/// What a hostile handset sends to the loop's new ways in is refused with a code: a grid worker's
/// `settled`, a leader's `settled` on a township case, an agreement too long to store.
#[tokio::test]
async fn a_hostile_handsets_new_steps_are_refused_with_a_code() {
    let s = TestServer::demo().await;
    let mut fleet = Fleet::new(&s);
    let village = case_at(&mut fleet, INSIDE, MediationLevel::Village, true).await;
    let worker = fleet.of(Role::GridWorker, INSIDE).await;
    observe(worker, &village);
    let settle = event(worker, &village[0], INSIDE, DisputeAction::Settled);
    assert_eq!(push_one(&s, fleet.of(Role::GridWorker, INSIDE).await, &settle).await, "forbidden");

    let township = case_at(&mut fleet, INSIDE, MediationLevel::Township, false).await;
    let leader = fleet.of(Role::GridLeader, INSIDE).await;
    observe(leader, &township);
    let settle = event(leader, &township[0], INSIDE, DisputeAction::Settled);
    assert_eq!(push_one(&s, fleet.of(Role::GridLeader, INSIDE).await, &settle).await, "forbidden");

    let leader = fleet.of(Role::GridLeader, INSIDE).await;
    observe(leader, &village);
    let attempt = DisputeAction::MediationAttempt {
        level: MediationLevel::Village,
        number: 1,
        outcome: AttemptOutcome::Succeeded,
        mediator: "村人民调解委员会".into(),
        agreement: "双方和解".into(),
    };
    let mut long = event(leader, &village[0], INSIDE, attempt);
    long.fields.get_mut("action").unwrap()["agreement"] = Value::from("协".repeat(5_000));
    assert_eq!(push_one(&s, fleet.of(Role::GridLeader, INSIDE).await, &long).await, "validation");
}
