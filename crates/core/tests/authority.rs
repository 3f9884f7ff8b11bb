//! The authority table on the engine: every role × action × case level × inside or outside the
//! account's area, tried through the services the app calls. What the table refuses is refused
//! with `forbidden` before anything is written; what it allows is never refused as `forbidden`
//! (it may still be refused by the workflow).

mod common;

use common::{MG, dispute, engine_as, household, visit};
use gridwork_core::highlights::NewHighlight;
use gridwork_core::{CoreError, Engine};
use gridwork_domain::authority::{Action, Actor, Subject, authorize, sample_step};
use gridwork_domain::wire::Role;
use gridwork_domain::{
    AreaCode, AttemptOutcome, CardStatus, DisputeAction, Household, MediationLevel, RecordId, RecordState,
};

/// Another grid of the same village (outside a worker's or leader's area) and another township
/// (outside a supervisor's).
const OTHER_GRID_MG: &str = "150621001001002001";
const OTHER_TOWNSHIP_MG: &str = "150621002001001001";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

/// The demo-like account of each role: name and area.
fn account(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::GridWorker => ("王芳", "150621001001001"),
        Role::GridLeader => ("张伟", "150621001001001"),
        Role::Supervisor => ("李娜", "150621001"),
        Role::Admin => ("刘强", "150621"),
    }
}

fn grid_of(mg: &str) -> &str {
    &mg[..15]
}

fn township_of(mg: &str) -> &str {
    &mg[..9]
}

fn states(e: &Engine) -> Vec<RecordState> {
    serde_json::from_value(e.export_json().unwrap()["records"].clone()).unwrap()
}

/// Records that others wrote, in `mg`: a household, a card on it, and a case brought to `level`
/// (dispatched to 王芳 when `to_worker`). Returns them with the household's, card's and dispute's ids.
struct Fixture {
    records: Vec<RecordState>,
    home: RecordId,
    card: RecordId,
    dispute: RecordId,
}

fn fixture(dir: &tempfile::TempDir, mg: &str, level: MediationLevel, to_worker: bool) -> Fixture {
    let n = std::fs::read_dir(dir.path()).unwrap().count();
    let mut leader = engine_as(dir, &format!("leader{n}.db"), Role::GridLeader, "赵磊", grid_of(mg));
    let home = leader.create_household(&Household { micro_grid: area(mg), ..household("孙丽") }).unwrap();
    let (card, _) = leader.issue_card(home, "孙丽").unwrap();
    let d = leader.file_dispute(&gridwork_domain::Dispute { micro_grid: area(mg), ..dispute() }).unwrap();
    leader.append_event(d, DisputeAction::Verified, "").unwrap();
    let to = if to_worker { "王芳" } else { "村调委会" };
    leader.append_event(d, DisputeAction::Dispatched { to: to.into() }, "").unwrap();
    let fail = |level, number| DisputeAction::MediationAttempt {
        level,
        number,
        outcome: AttemptOutcome::Failed,
        mediator: String::new(),
        agreement: String::new(),
    };
    if level >= MediationLevel::Township {
        for i in 1..=3 {
            leader.append_event(d, fail(MediationLevel::Village, i), "调解未成").unwrap();
        }
        leader.append_event(d, DisputeAction::Escalated { to: MediationLevel::Township }, "").unwrap();
    }
    let mut records = states(&leader);
    if level == MediationLevel::Banner {
        let mut sup = engine_as(dir, &format!("sup{n}.db"), Role::Supervisor, "周敏", township_of(mg));
        sup.apply_remote(&records).unwrap();
        sup.append_event(d, DisputeAction::Dispatched { to: "镇联调中心".into() }, "").unwrap();
        for i in 1..=3 {
            sup.append_event(d, fail(MediationLevel::Township, i), "联调未成").unwrap();
        }
        sup.append_event(d, DisputeAction::Escalated { to: MediationLevel::Banner }, "").unwrap();
        records = states(&sup);
    }
    Fixture { records, home, card, dispute: d }
}

/// The tag of a refusal.
fn tag<T>(r: Result<T, CoreError>) -> Result<(), String> {
    r.map(|_| ()).map_err(|err| err.tag().to_owned())
}

/// Takes `action` on the fixture with the engine; `Err(tag)` when refused.
fn attempt(e: &mut Engine, f: &Fixture, mg: &str, action: Action, level: MediationLevel) -> Result<(), String> {
    match action {
        Action::HouseholdCreate => tag(e.create_household(&Household { micro_grid: area(mg), ..household("新户") })),
        Action::HouseholdEdit | Action::HouseholdArchive => {
            let mut h = e.household(f.home).unwrap();
            match action {
                Action::HouseholdEdit => h.notes = "常住".into(),
                _ => h.archived = true,
            }
            tag(e.edit_household(f.home, &h))
        }
        Action::VisitRecord => {
            tag(e.record_visit(&gridwork_domain::Visit { micro_grid: area(mg), ..visit(f.home, None) }))
        }
        Action::Report => tag(e.file_dispute(&gridwork_domain::Dispute { micro_grid: area(mg), ..dispute() })),
        Action::CardIssue => tag(e.issue_card(f.home, "户主")),
        Action::CardRevoke => tag(e.set_card_status(f.card, CardStatus::Revoked { reason: "遗失".into() })),
        // The grid of `mg`; an allowed award is then told the device holds no such area.
        Action::HighlightAward => tag(e.award_highlight(&NewHighlight {
            area: area(grid_of(mg)),
            quarter: "2026Q4".into(),
            points: 3,
            reason: "调处及时".into(),
        })),
        _ => tag(e.append_event(f.dispute, sample_step(action, level).expect("a case step"), "已处理")),
    }
}

const ROLES: [Role; 4] = [Role::GridWorker, Role::GridLeader, Role::Supervisor, Role::Admin];

#[test]
fn every_role_action_level_and_area() {
    let dir = tempfile::tempdir().unwrap();
    let levels = [
        (MediationLevel::Village, false),
        (MediationLevel::Village, true),
        (MediationLevel::Township, false),
        (MediationLevel::Banner, false),
    ];
    let places = [MG, OTHER_GRID_MG, OTHER_TOWNSHIP_MG];
    // Choosing in a conflict needs a conflict, and editing a report has no service yet: both are
    // tried on their own below and on the server.
    let actions: Vec<Action> =
        Action::ALL.into_iter().filter(|a| !matches!(a, Action::ConflictChoose | Action::ReportEdit)).collect();
    let mut wrong = Vec::new();
    let mut tried = 0;
    for place in places {
        for (level, to_worker) in levels {
            let f = fixture(&dir, place, level, to_worker);
            for role in ROLES {
                let (name, scope) = account(role);
                let scope = area(scope);
                for &action in &actions {
                    tried += 1;
                    let db = format!("t{tried}.db");
                    let mut e = engine_as(&dir, &db, role, name, scope.as_str());
                    e.apply_remote(&f.records).unwrap();
                    let got = attempt(&mut e, &f, place, action, level);
                    let mg = area(place);
                    let subject =
                        Subject { level, dispatched_to_actor: to_worker && name == "王芳", ..Subject::plain(&mg) };
                    let allowed = authorize(&Actor { role, scope: &scope }, action, &subject).is_ok();
                    let refused = got.as_ref().err().is_some_and(|t| t == "forbidden");
                    if allowed == refused {
                        wrong.push(format!(
                            "{role:?} {action:?} at {level:?} (to worker {to_worker}) in {place}: {got:?}"
                        ));
                    }
                    drop(e);
                    let _ = std::fs::remove_file(dir.path().join(db));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {tried} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_worker_settles_conflicts_only_on_records_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut leader = engine_as(&dir, "l.db", Role::GridLeader, "张伟", "150621001001001");
    let mut worker = engine_as(&dir, "w.db", Role::GridWorker, "王芳", "150621001001001");
    let id = leader.create_household(&household("张伟")).unwrap();
    let base = states(&leader);
    worker.apply_remote(&base).unwrap();
    // The leader and a second leader's device change the phone while apart; the worker receives both.
    let mut other = engine_as(&dir, "l2.db", Role::GridLeader, "张伟", "150621001001001");
    other.apply_remote(&base).unwrap();
    for (e, phone) in [(&mut leader, "13711112222"), (&mut other, "13933334444")] {
        let mut h = e.household(id).unwrap();
        h.phone = Some(phone.into());
        e.edit_household(id, &h).unwrap();
    }
    worker.apply_remote(&states(&leader)).unwrap();
    worker.apply_remote(&states(&other)).unwrap();
    let conflict = worker.conflicts(true).unwrap();
    let any: i64 = worker.connection().query_row("SELECT id FROM conflicts LIMIT 1", [], |r| r.get(0)).unwrap();
    assert!(conflict.is_empty(), "a worker is not shown conflicts on records it never touched");
    assert_eq!(worker.resolve_conflict(any).unwrap_err().tag(), "forbidden");
    // Once the worker has written to the household, the conflict is its to settle.
    let mut h = worker.household(id).unwrap();
    h.notes = "已核实".into();
    worker.edit_household(id, &h).unwrap();
    assert!(worker.resolve_conflict(any).unwrap());
}

#[test]
fn a_worker_rates_only_at_its_own_visit_in_the_cases_micro_grid() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir, MG, MediationLevel::Village, true);
    let mut w = engine_as(&dir, "w.db", Role::GridWorker, "王芳", "150621001001001");
    w.apply_remote(&f.records).unwrap();
    w.append_event(f.dispute, DisputeAction::Feedback, "已处理").unwrap();
    let mut leader = engine_as(&dir, "l.db", Role::GridLeader, "张伟", "150621001001001");
    leader.apply_remote(&states(&w)).unwrap();
    leader
        .append_event(f.dispute, DisputeAction::Closed { household_confirmed: true, village_handler: None }, "回访确认")
        .unwrap();
    w.apply_remote(&states(&leader)).unwrap();
    let rated = DisputeAction::Rated { score: 5 };
    assert_eq!(w.append_event(f.dispute, rated.clone(), "").unwrap_err().tag(), "forbidden");
    let v = w.record_visit(&visit(f.home, None)).unwrap().id;
    w.append_event_at(f.dispute, rated, "户主满意", Some(v)).unwrap();
    assert_eq!(w.case(f.dispute).unwrap().state.stage.as_str(), "rated");
}
