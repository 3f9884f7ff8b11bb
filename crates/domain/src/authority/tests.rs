use super::*;

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

const GRID: &str = "150621001001001";
const MICRO: &str = "150621001001001001";
const OTHER_TOWNSHIP_MICRO: &str = "150621002001001001";

/// The scope each role's account has in the demo: a grid, a grid, the township, the banner.
fn scope(role: Role) -> AreaCode {
    match role {
        Role::GridWorker | Role::GridLeader => code(GRID),
        Role::Supervisor => code("150621001"),
        Role::Admin => code("150621"),
    }
}

/// (role, action, case level, dispatched to the actor, written by the actor) → allowed.
#[test]
fn the_default_table() {
    use Action as A;
    use MediationLevel::{Banner as B, Township as T, Village as V};
    use Role::{Admin as Ad, GridLeader as L, GridWorker as W, Supervisor as S};
    let cases: &[(Role, Action, MediationLevel, bool, bool, bool)] = &[
        // anyone reports, records visits, keeps households and rates
        (W, A::Report, V, false, false, true),
        (Ad, A::Report, V, false, false, true),
        (W, A::HouseholdCreate, V, false, false, true),
        (S, A::HouseholdArchive, V, false, false, true),
        (Ad, A::VisitRecord, V, false, false, true),
        (W, A::Rate, V, false, false, false),
        (L, A::Rate, V, false, false, true),
        // verify, reject, dispatch, close, reopen: at the role's own level only
        (W, A::Verify, V, false, false, false),
        (L, A::Verify, V, false, false, true),
        (L, A::Verify, T, false, false, false),
        (S, A::Verify, V, false, false, false),
        (S, A::Verify, T, false, false, true),
        (Ad, A::Verify, B, false, false, true),
        (Ad, A::Verify, T, false, false, false),
        (W, A::Reject, V, false, false, false),
        (L, A::Reject, V, false, false, true),
        (W, A::Dispatch, V, false, false, false),
        (L, A::Dispatch, V, false, false, true),
        (S, A::Dispatch, T, false, false, true),
        (W, A::Close, V, true, true, false),
        (L, A::Close, V, false, false, true),
        (L, A::Close, T, false, false, false),
        (S, A::Close, T, false, false, true),
        (W, A::Reopen, V, false, false, false),
        (Ad, A::Reopen, B, false, false, true),
        // mediation attempts: the level's mediator, or the worker the case went to
        (W, A::MediationAttempt, V, false, false, false),
        (W, A::MediationAttempt, V, true, false, true),
        (L, A::MediationAttempt, V, false, false, true),
        (L, A::MediationAttempt, T, false, false, false),
        (S, A::MediationAttempt, T, false, false, true),
        (Ad, A::MediationAttempt, B, false, false, true),
        // feedback: the worker the case went to, every other role
        (W, A::Feedback, V, false, false, false),
        (W, A::Feedback, V, true, false, true),
        (L, A::Feedback, T, false, false, true),
        (S, A::Feedback, V, false, false, true),
        // escalation one level up from the role's own level; referral by the banner centre
        (W, A::Escalate, V, false, false, false),
        (L, A::Escalate, V, false, false, true),
        (L, A::Escalate, T, false, false, false),
        (S, A::Escalate, T, false, false, true),
        (S, A::Escalate, V, false, false, false),
        (Ad, A::Escalate, B, false, false, false),
        (W, A::Refer, B, false, false, false),
        (S, A::Refer, T, false, false, false),
        (Ad, A::Refer, B, false, false, true),
        // cards: workers and leaders
        (W, A::CardIssue, V, false, false, true),
        (L, A::CardRevoke, V, false, false, true),
        (S, A::CardIssue, V, false, false, false),
        (Ad, A::CardRevoke, V, false, false, false),
        // conflicts and report edits: a worker only on records it wrote
        (W, A::ConflictChoose, V, false, false, false),
        (W, A::ConflictChoose, V, false, true, true),
        (L, A::ConflictChoose, V, false, false, true),
        (W, A::ReportEdit, V, false, false, false),
        (W, A::ReportEdit, V, false, true, true),
        (S, A::ReportEdit, V, false, false, true),
    ];
    let micro = code(MICRO);
    for (i, (role, action, level, dispatched, written, want)) in cases.iter().enumerate() {
        let scope = scope(*role);
        let actor = Actor { role: *role, scope: &scope };
        let subject = Subject {
            level: *level,
            dispatched_to_actor: *dispatched,
            written_by_actor: *written,
            ..Subject::plain(&micro)
        };
        let got = authorize(&actor, *action, &subject);
        assert_eq!(got.is_ok(), *want, "case {i}: {role:?} {action:?} at {level:?}: {got:?}");
        if let Err(e) = got {
            assert!(matches!(e, Refusal::Forbidden { .. }), "case {i}: {e:?}");
        }
    }
}

#[test]
fn who_administers_whom() {
    use Role::{Admin, GridLeader, GridWorker, Supervisor};
    let banner = code("150621");
    let township = code("150621001");
    let grid = code(GRID);
    let other_grid = code("150621002001001");
    let cases = [
        (Admin, &banner, GridWorker, &other_grid, true),
        (Admin, &banner, Supervisor, &township, true),
        (Admin, &banner, Admin, &banner, true),
        (Supervisor, &township, GridWorker, &grid, true),
        (Supervisor, &township, GridLeader, &grid, true),
        (Supervisor, &township, GridWorker, &other_grid, false),
        (Supervisor, &township, Supervisor, &township, false),
        (Supervisor, &township, Admin, &banner, false),
        (GridLeader, &grid, GridWorker, &grid, false),
        (GridWorker, &grid, GridWorker, &grid, false),
    ];
    for (role, scope, target, target_scope, want) in cases {
        assert_eq!(may_administer(&Actor { role, scope }, target, target_scope), want, "{role:?} over {target:?}");
    }
}

#[test]
fn a_grid_worker_rates_a_case_at_a_visit() {
    let scope = scope(Role::GridWorker);
    let micro = code(MICRO);
    let worker = Actor { role: Role::GridWorker, scope: &scope };
    assert!(authorize(&worker, Action::Rate, &Subject::plain(&micro)).is_err());
    assert!(authorize(&worker, Action::Rate, &Subject { at_visit: true, ..Subject::plain(&micro) }).is_ok());
}

#[test]
fn outside_the_area_everything_is_refused_as_outside() {
    let far = code(OTHER_TOWNSHIP_MICRO);
    for role in [Role::GridWorker, Role::GridLeader, Role::Supervisor] {
        let scope = scope(role);
        for action in Action::ALL {
            let subject =
                Subject { written_by_actor: true, dispatched_to_actor: true, at_visit: true, ..Subject::plain(&far) };
            assert_eq!(
                authorize(&Actor { role, scope: &scope }, action, &subject),
                Err(Refusal::OutsideArea),
                "{role:?} {action:?}"
            );
        }
    }
    // The banner centre's area is the whole banner.
    let banner = scope(Role::Admin);
    assert!(authorize(&Actor { role: Role::Admin, scope: &banner }, Action::Report, &Subject::plain(&far)).is_ok());
}

#[test]
fn every_event_maps_to_a_case_action_of_its_kind() {
    use crate::dispute::{AttemptOutcome, Referral};
    let events = [
        DisputeAction::Reported,
        DisputeAction::Verified,
        DisputeAction::Rejected { reason: "x".into() },
        DisputeAction::Dispatched { to: "x".into() },
        DisputeAction::MediationAttempt {
            level: MediationLevel::Village,
            number: 1,
            outcome: AttemptOutcome::Failed,
            mediator: String::new(),
            agreement: String::new(),
        },
        DisputeAction::Feedback,
        DisputeAction::Escalated { to: MediationLevel::Township },
        DisputeAction::Referred { to: Referral::Court },
        DisputeAction::Closed { household_confirmed: true, village_handler: None },
        DisputeAction::Reopened { reason: "x".into() },
        DisputeAction::Rated { score: 5 },
    ];
    for e in &events {
        let a = Action::of_event(e);
        if a != Action::Report {
            assert_eq!(a.kind(), Some(RecordKind::DisputeEvent), "{e:?}");
        }
    }
}

#[test]
fn refusals_say_who_may_not_do_what() {
    let scope = scope(Role::GridWorker);
    let micro = code(MICRO);
    let err = authorize(&Actor { role: Role::GridWorker, scope: &scope }, Action::Close, &Subject::plain(&micro))
        .unwrap_err();
    assert_eq!(err.to_string(), "a grid worker may not close a case at village level");
}

#[test]
fn the_protocol_document_shows_this_table() {
    let doc = include_str!("../../../../docs/protocol.md");
    let table = table_markdown();
    assert!(doc.contains(&table), "docs/protocol.md must hold the authority table as rendered:\n{table}");
}
