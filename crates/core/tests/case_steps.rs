//! Every step of the closed loop × every role, on the engine: a case is brought to each stage of
//! the loop and the three threes (by records another device wrote), and each role's engine tries
//! every step. A step succeeds exactly when the workflow allows it now and the authority table
//! allows it to the role; the case screen lists exactly those steps; a refusal is `forbidden` with
//! the table's code when the role may not take the step at all, otherwise `workflow` with the
//! workflow's code, and writes nothing.

mod common;

use chrono::Utc;
use common::{MG, count, dispute, engine_as};
use gridwork_core::Engine;
use gridwork_domain::authority::{Action, Actor, Subject, authorize};
use gridwork_domain::wire::Role;
use gridwork_domain::workflow::{CaseState, allowed_actions, fold_lenient, sample_step};
use gridwork_domain::{AreaCode, DeviceId, DisputeAction, DisputeEvent, HlcClock, RecordId, RecordState, Writer};
use uuid::Uuid;

const ROLES: [(Role, &str, &str); 4] = [
    (Role::GridWorker, "王芳", "150621001001001"),
    (Role::GridLeader, "张伟", "150621001001001"),
    (Role::Supervisor, "李娜", "150621001"),
    (Role::Admin, "刘强", "150621"),
];

/// Every step but the report itself, by wire name.
const STEPS: [&str; 11] = [
    "verified",
    "rejected",
    "dispatched",
    "mediation_attempt",
    "feedback",
    "escalated",
    "referred",
    "closed",
    "reopened",
    "rated",
    "settled",
];

/// A step of `name` that fits `state` (`failed`: a failed attempt), dispatched to the worker.
fn step(name: &str, state: &CaseState, failed: bool) -> DisputeAction {
    sample_step(name, state, "王芳", if failed { 1 } else { 0 }).expect("a step")
}

fn authority_action(name: &str) -> Action {
    Action::of_event(&step(name, &CaseState::initial(), true))
}

/// The paths a case takes: each prefix of each is a state to try every step in.
fn paths() -> Vec<Vec<(&'static str, bool)>> {
    let fail = ("mediation_attempt", true);
    let ok = ("mediation_attempt", false);
    let mut three_threes = vec![("verified", false)];
    for _ in 0..3 {
        three_threes.extend([("dispatched", false), fail, fail, fail, ("escalated", false)]);
    }
    three_threes.pop();
    three_threes.extend([("referred", false), ("feedback", false), ("closed", false), ("rated", false)]);
    vec![
        vec![
            ("verified", false),
            ("dispatched", false),
            ok,
            ("feedback", false),
            ("closed", false),
            ("rated", false),
            ("reopened", false),
        ],
        vec![("verified", false), ("dispatched", false), ("feedback", false), ("closed", false), ("closed", false)],
        vec![("rejected", false), ("reopened", false)],
        three_threes,
    ]
}

/// The case's events written by a device of the office (no authority check: the records arrive
/// as any device's would, from the server).
struct Case {
    dispute: RecordId,
    records: Vec<RecordState>,
    events: Vec<DisputeEvent>,
    clock: HlcClock,
}

impl Case {
    fn new() -> Self {
        let mut clock = HlcClock::default();
        let dispute_id = RecordId::new();
        let mut case =
            Self { dispute: dispute_id, records: Vec::new(), events: Vec::new(), clock: HlcClock::default() };
        let d = dispute();
        let state = RecordState::create(dispute_id, &d, &mut case.writer(&mut clock)).unwrap();
        case.records.push(state);
        case.clock = clock;
        case.push(DisputeAction::Reported);
        case
    }

    fn writer<'a>(&self, clock: &'a mut HlcClock) -> Writer<'a> {
        Writer {
            device: DeviceId(Uuid::from_u128(0xfeed)),
            clock,
            now_ms: gridwork_domain::clock::wall_ms() - 3_600_000,
        }
    }

    fn push(&mut self, action: DisputeAction) {
        let event = DisputeEvent {
            dispute: self.dispute,
            micro_grid: AreaCode::parse(MG).unwrap(),
            actor: "办公室".into(),
            at: Utc::now(),
            action,
            note: "已处理".into(),
            visit: None,
        };
        let mut clock = self.clock;
        let state = RecordState::create(RecordId::new(), &event, &mut self.writer(&mut clock)).unwrap();
        self.clock = clock;
        self.records.push(state);
        self.events.push(event);
    }

    fn state(&self) -> CaseState {
        fold_lenient(&self.events)
    }
}

fn role_engine(dir: &tempfile::TempDir, n: &mut usize, role: (Role, &str, &str), case: &Case) -> Engine {
    *n += 1;
    let mut e = engine_as(dir, &format!("e{n}.db"), role.0, role.1, role.2);
    e.apply_remote(&case.records).unwrap();
    e
}

#[test]
fn every_step_of_the_loop_for_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut tried = 0;
    let mut wrong = Vec::new();
    for path in paths() {
        let mut case = Case::new();
        for i in 0..=path.len() {
            let state = case.state();
            let workflow_ok = allowed_actions(&state);
            for role in ROLES {
                let mut e = role_engine(&dir, &mut n, role, &case);
                let scope = AreaCode::parse(role.2).unwrap();
                let mg = AreaCode::parse(MG).unwrap();
                let subject = Subject {
                    level: state.level,
                    dispatched_to_actor: state.dispatched_to.as_deref() == Some(role.1),
                    ..Subject::plain(&mg)
                };
                let expected: Vec<&str> = STEPS
                    .into_iter()
                    .filter(|s| workflow_ok.contains(s))
                    .filter(|s| {
                        authorize(&Actor { role: role.0, scope: &scope }, authority_action(s), &subject).is_ok()
                    })
                    .collect();
                let view = e.case(case.dispute).unwrap();
                if view.allowed != expected {
                    wrong.push(format!(
                        "{:?} at {:?}: screen offers {:?}, expected {expected:?}",
                        role.0, state.stage, view.allowed
                    ));
                }
                // Refused steps first (they change nothing), then each allowed one on a fresh copy.
                let (yes, no): (Vec<&str>, Vec<&str>) = STEPS.into_iter().partition(|s| expected.contains(s));
                for name in no {
                    tried += 1;
                    let events = count(&e, "dispute_events");
                    let err = e.append_event(case.dispute, step(name, &state, true), "已处理").unwrap_err();
                    let t = err.tag();
                    // Not the role's to take at all comes first; then what the case allows now.
                    let may =
                        authorize(&Actor { role: role.0, scope: &scope }, authority_action(name), &subject).is_ok();
                    let want = if may { "workflow" } else { "forbidden" };
                    let coded = err.to_tagged().code.is_some();
                    if t != want || !coded || count(&e, "dispute_events") != events {
                        wrong.push(format!(
                            "{:?} {name} at {:?}: {t} {err} (wanted {want}, coded)",
                            role.0, state.stage
                        ));
                    }
                }
                for name in yes {
                    tried += 1;
                    let mut fresh = role_engine(&dir, &mut n, role, &case);
                    if let Err(err) = fresh.append_event(case.dispute, step(name, &state, true), "已处理") {
                        wrong.push(format!("{:?} {name} at {:?}: refused {err}", role.0, state.stage));
                    }
                }
                drop(e);
            }
            if let Some((name, failed)) = path.get(i) {
                let action = step(name, &case.state(), *failed);
                case.push(action);
            }
        }
    }
    assert!(tried > 500, "only {tried} tried");
    assert!(wrong.is_empty(), "{} of {tried} wrong:\n{}", wrong.len(), wrong.join("\n"));
}
