//! Table tests of the case workflow: the closed loop, the "three threes", refused transitions,
//! reopening, the lenient fold and the agreement of `allowed_actions` with `apply`.

use super::*;
use crate::dispute::AttemptOutcome::{Failed, Succeeded};
use crate::dispute::MediationLevel::{Banner, Township, Village};
use crate::ids::AreaCode;
use chrono::{TimeZone, Utc};
use uuid::Uuid;

use CaseStage as S;
use DisputeAction as A;

const CASE: u128 = 7;

fn ev_for(dispute: u128, action: A) -> DisputeEvent {
    DisputeEvent {
        dispute: RecordId(Uuid::from_u128(dispute)),
        micro_grid: AreaCode::parse("150621001001001001").unwrap(),
        actor: "王芳".into(),
        at: Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap(),
        action,
        note: "入户核实".into(),
        visit: None,
    }
}

fn ev(action: A) -> DisputeEvent {
    ev_for(CASE, action)
}

fn events(actions: &[A]) -> Vec<DisputeEvent> {
    actions.iter().cloned().map(ev).collect()
}

fn dispatch(to: &str) -> A {
    A::Dispatched { to: to.into() }
}

fn attempt(level: MediationLevel, number: u8, outcome: AttemptOutcome) -> A {
    A::MediationAttempt { level, number, outcome, mediator: String::new(), agreement: String::new() }
}

fn reopen() -> A {
    A::Reopened { reason: "当事人再次上访".into() }
}

fn reject() -> A {
    A::Rejected { reason: "重复上报".into() }
}

/// The state after `actions`, folded strictly.
fn run(actions: &[A]) -> CaseState {
    fold(&events(actions)).unwrap()
}

/// Applies each step, checks the stage after it and returns every state reached, the initial first.
fn walk(steps: &[(A, CaseStage)]) -> Vec<CaseState> {
    let mut states = vec![CaseState::initial()];
    for (i, (action, stage)) in steps.iter().enumerate() {
        let last = states.last().unwrap();
        let next = apply(last, &ev(action.clone())).unwrap_or_else(|e| panic!("step {i} ({action:?}): {e}"));
        assert_eq!(next.stage, *stage, "stage after step {i} ({action:?})");
        assert_eq!(next.events_applied, i + 1);
        states.push(next);
    }
    states
}

fn actions_of(steps: &[(A, CaseStage)]) -> Vec<A> {
    steps.iter().map(|(a, _)| a.clone()).collect()
}

fn happy_path() -> Vec<(A, CaseStage)> {
    vec![
        (A::Reported, S::Reported),
        (A::Verified, S::Open),
        (dispatch("李明"), S::Dispatched),
        (attempt(Village, 1, Succeeded), S::Resolved),
        (A::Feedback, S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (A::Rated { score: 5 }, S::Rated),
    ]
}

/// Three failed attempts at a level, then (unless at banner) escalation to the next one.
fn three_failures(level: MediationLevel, handler: &str) -> Vec<(A, CaseStage)> {
    let mut steps = vec![(dispatch(handler), S::Dispatched)];
    steps.extend((1..=3).map(|n| (attempt(level, n, Failed), S::Mediating)));
    if let Some(up) = level.next() {
        steps.push((A::Escalated { to: up }, S::Open));
    }
    steps
}

fn three_threes_path() -> Vec<(A, CaseStage)> {
    let mut steps = vec![(A::Reported, S::Reported), (A::Verified, S::Open)];
    steps.extend(three_failures(Village, "村书记 李明"));
    steps.extend(three_failures(Township, "吉格斯太镇调解委员会"));
    steps.extend(three_failures(Banner, "旗矛盾纠纷多元化解中心"));
    steps.push((A::Referred { to: Referral::Court }, S::Referred));
    steps.push((A::Closed { household_confirmed: true, village_handler: None }, S::Closed));
    steps
}

/// A fire hazard handed to a department: no mediation, the department feeds back.
fn hazard_path() -> Vec<(A, CaseStage)> {
    vec![
        (A::Reported, S::Reported),
        (A::Verified, S::Open),
        (dispatch("消防大队"), S::Dispatched),
        (A::Feedback, S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (A::Rated { score: 4 }, S::Rated),
    ]
}

/// Closed after a village success, reopened, mediated again from attempt 2 to the level's third,
/// escalated.
fn reopen_path() -> Vec<(A, CaseStage)> {
    vec![
        (A::Reported, S::Reported),
        (A::Verified, S::Open),
        (dispatch("李明"), S::Dispatched),
        (attempt(Village, 1, Succeeded), S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (A::Rated { score: 2 }, S::Rated),
        (reopen(), S::Open),
        (dispatch("王刚"), S::Dispatched),
        (attempt(Village, 2, Failed), S::Mediating),
        (attempt(Village, 3, Failed), S::Mediating),
        (A::Escalated { to: Township }, S::Open),
        (dispatch("白泥井镇司法所"), S::Dispatched),
        (attempt(Township, 1, Succeeded), S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (reopen(), S::Open),
        (dispatch("白泥井镇司法所"), S::Dispatched),
        (A::Feedback, S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (A::Rated { score: 5 }, S::Rated),
    ]
}

/// Rejected, reopened (back to verification), verified, then a village that uses all three attempts
/// (the third succeeds), closed, reopened: the re-dispatched case may only escalate.
fn reject_and_exhausted_reopen_path() -> Vec<(A, CaseStage)> {
    vec![
        (A::Reported, S::Reported),
        (reject(), S::Rejected),
        (reopen(), S::Reported),
        (A::Verified, S::Open),
        (dispatch("李明"), S::Dispatched),
        (attempt(Village, 1, Failed), S::Mediating),
        (attempt(Village, 2, Failed), S::Mediating),
        (attempt(Village, 3, Succeeded), S::Resolved),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
        (reopen(), S::Open),
        (dispatch("李明"), S::Dispatched),
        (A::Escalated { to: Township }, S::Open),
    ]
}

/// The three threes path reopened after the court's referral, referred again.
fn reopen_after_referral_path() -> Vec<(A, CaseStage)> {
    let mut steps = three_threes_path();
    steps.extend([
        (reopen(), S::Open),
        (dispatch("旗矛盾纠纷多元化解中心"), S::Dispatched),
        (A::Referred { to: Referral::Arbitration }, S::Referred),
        (A::Feedback, S::Referred),
        (A::Closed { household_confirmed: true, village_handler: None }, S::Closed),
    ]);
    steps
}

fn all_paths() -> Vec<Vec<(A, CaseStage)>> {
    vec![
        happy_path(),
        three_threes_path(),
        hazard_path(),
        reopen_path(),
        reject_and_exhausted_reopen_path(),
        reopen_after_referral_path(),
    ]
}

#[test]
fn happy_path_runs_the_closed_loop() {
    let steps = happy_path();
    let states = walk(&steps);
    let end = states.last().unwrap();
    assert_eq!(end.dispute, Some(RecordId(Uuid::from_u128(CASE))));
    assert_eq!(end.level, Village);
    assert_eq!(end.attempts, Attempts { village: 1, township: 0, banner: 0 });
    assert_eq!(end.last_outcome, Some(Succeeded));
    assert_eq!(end.dispatched_to.as_deref(), Some("李明"));
    assert_eq!(end.rating, Some(5));
    assert_eq!(end.events_applied, 7);
    assert_eq!(end.reopens, 0);
    assert!(end.skipped.is_empty());
    assert_eq!(&run(&actions_of(&steps)), end);
}

#[test]
fn three_threes_path_escalates_level_by_level_then_refers() {
    let steps = three_threes_path();
    let states = walk(&steps);
    let end = states.last().unwrap();
    assert_eq!(end.stage, S::Closed);
    assert_eq!(end.level, Banner);
    assert_eq!(end.attempts, Attempts { village: 3, township: 3, banner: 3 });
    assert_eq!(end.referral, Some(Referral::Court));
    assert_eq!(end.events_applied, 2 + 5 + 5 + 4 + 2);
    // After each escalation the case waits for a handler at the new level.
    let escalated: Vec<_> = states
        .iter()
        .filter(|s| s.stage == S::Open && s.level != Village)
        .map(|s| (s.level, s.dispatched_to.clone()))
        .collect();
    assert_eq!(escalated, vec![(Township, None), (Banner, None)]);
}

#[test]
fn escalation_comes_after_the_levels_third_failure() {
    let mut steps = vec![A::Reported, A::Verified, dispatch("李明")];
    for n in 1..=2 {
        steps.push(attempt(Village, n, Failed));
        let err = apply(&run(&steps), &ev(A::Escalated { to: Township })).unwrap_err();
        assert_eq!(err.code, "escalate_too_early", "after {n}: {err}");
        assert!(err.params.contains(&("attempts", n.to_string())), "{err:?}");
    }
    steps.push(attempt(Village, 3, Failed));
    let up = apply(&run(&steps), &ev(A::Escalated { to: Township })).unwrap();
    assert_eq!((up.stage, up.level, up.attempts.village, up.dispatched_to.as_deref()), (S::Open, Township, 3, None));
    let fresh = apply(&up, &ev(dispatch("镇调解委员会"))).unwrap();
    assert_eq!(fresh.last_outcome, None);
    assert!(apply(&fresh, &ev(A::Escalated { to: Banner })).is_err());
    assert!(apply(&fresh, &ev(attempt(Township, 1, Failed))).is_ok());
}

#[test]
fn reopening_keeps_level_and_attempts_and_clears_the_closure() {
    let states = walk(&reopen_path());
    let reopened = &states[7];
    assert_eq!(reopened.stage, S::Open);
    assert_eq!((reopened.level, reopened.attempts.village), (Village, 1));
    assert_eq!((reopened.rating, reopened.last_outcome, reopened.dispatched_to.as_deref()), (None, None, None));
    assert_eq!(reopened.reopens, 1);
    // The household does not get a fresh three: numbering goes on from 2.
    let err = apply(&states[8], &ev(attempt(Village, 1, Failed))).unwrap_err();
    assert!(err.message.contains("the next attempt is number 2"), "{err}");
    let end = states.last().unwrap();
    assert_eq!((end.stage, end.level, end.reopens, end.rating), (S::Rated, Township, 2, Some(5)));
    assert_eq!(end.attempts, Attempts { village: 3, township: 1, banner: 0 });
}

#[test]
fn reopened_rejection_goes_back_to_verification_and_exhausted_level_may_only_escalate() {
    let states = walk(&reject_and_exhausted_reopen_path());
    assert_eq!((states[3].stage, states[3].reopens), (S::Reported, 1));
    let redispatched = &states[11];
    assert_eq!(redispatched.attempts.village, 3);
    assert_eq!(allowed_actions(redispatched), vec!["feedback", "escalated"]);
    let err = apply(redispatched, &ev(attempt(Village, 4, Failed))).unwrap_err();
    assert!(err.message.contains("4th mediation attempt"), "{err}");
}

#[test]
fn reopened_referral_may_be_referred_again() {
    let states = walk(&reopen_after_referral_path());
    let reopened = &states[states.len() - 5];
    assert_eq!((reopened.stage, reopened.level, reopened.referral), (S::Open, Banner, None));
    assert_eq!(allowed_actions(&states[states.len() - 4]), vec!["feedback", "referred"]);
    assert_eq!(states.last().unwrap().referral, Some(Referral::Arbitration));
}

#[test]
fn allowed_actions_for_typical_states() {
    let three_village_failures = [
        A::Reported,
        A::Verified,
        dispatch("李明"),
        attempt(Village, 1, Failed),
        attempt(Village, 2, Failed),
        attempt(Village, 3, Failed),
    ];
    let cases: Vec<(Vec<A>, Vec<&str>)> = vec![
        (vec![], vec!["reported"]),
        (vec![A::Reported], vec!["verified", "rejected"]),
        (vec![A::Reported, reject()], vec!["reopened"]),
        (vec![A::Reported, A::Verified], vec!["dispatched"]),
        (three_village_failures[..3].to_vec(), vec!["mediation_attempt", "feedback"]),
        (three_village_failures[..4].to_vec(), vec!["mediation_attempt"]),
        (three_village_failures[..5].to_vec(), vec!["mediation_attempt"]),
        (three_village_failures.to_vec(), vec!["escalated"]),
        (actions_of(&three_threes_path())[..16].to_vec(), vec!["referred"]),
        (actions_of(&three_threes_path())[..17].to_vec(), vec!["feedback", "closed"]),
        (actions_of(&happy_path())[..4].to_vec(), vec!["feedback", "closed"]),
        (actions_of(&happy_path())[..6].to_vec(), vec!["reopened", "rated"]),
        (actions_of(&happy_path()), vec!["reopened"]),
    ];
    for (i, (prefix, expected)) in cases.iter().enumerate() {
        assert_eq!(&allowed_actions(&run(prefix)), expected, "case {i}");
    }
}

/// An action of `kind` with valid data for `state` (the current level, the next number, …).
fn sample(state: &CaseState, kind: Kind, outcome: AttemptOutcome) -> A {
    match kind {
        Kind::Reported => A::Reported,
        Kind::Verified => A::Verified,
        Kind::Rejected => reject(),
        Kind::Dispatched => dispatch("调解员 张伟"),
        Kind::MediationAttempt => attempt(state.level, state.attempts_here() + 1, outcome),
        Kind::Feedback => A::Feedback,
        Kind::Escalated => A::Escalated { to: state.level.next().unwrap_or(Banner) },
        Kind::Referred => A::Referred { to: Referral::Court },
        Kind::Closed => A::Closed { household_confirmed: true, village_handler: None },
        Kind::Reopened => reopen(),
        Kind::Rated => A::Rated { score: 4 },
        Kind::Settled => A::Settled,
    }
}

#[test]
fn allowed_actions_agree_with_apply_in_every_reachable_state() {
    let mut checked = 0;
    for steps in all_paths() {
        for state in walk(&steps) {
            let allowed = allowed_actions(&state);
            assert!(!allowed.is_empty(), "no way on from {state:?}");
            for kind in Kind::ALL {
                for outcome in [Succeeded, Failed] {
                    let action = sample(&state, kind, outcome);
                    let result = apply(&state, &ev(action.clone()));
                    let listed = allowed.contains(&kind.name());
                    assert_eq!(result.is_ok(), listed, "{action:?} in {state:?}: {result:?}, allowed {allowed:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} checks");
}

#[test]
fn lenient_fold_skips_a_duplicate_close_deterministically() {
    // Two leaders closed the case offline; sorted by clock stamp, the second close comes after the first.
    let mut actions = actions_of(&happy_path());
    actions.insert(6, A::Closed { household_confirmed: true, village_handler: None });
    let evs = events(&actions);
    let state = fold_lenient(&evs);
    assert_eq!(state.stage, S::Rated);
    assert_eq!(state.rating, Some(5));
    assert_eq!(state.events_applied, 7);
    assert_eq!(state.skipped.len(), 1);
    let skipped = &state.skipped[0];
    assert_eq!((skipped.index, skipped.action.as_str()), (6, "closed"));
    assert!(skipped.reason.contains("cannot close a case that is already closed"), "{}", skipped.reason);
    assert_eq!(fold_lenient(&evs), state);
    let strict = fold(&evs).unwrap_err();
    assert!(strict.message.starts_with("event 6 (closed): "), "{strict}");
    // Without the duplicate both folds agree.
    let clean = events(&actions_of(&happy_path()));
    assert_eq!(fold_lenient(&clean), fold(&clean).unwrap());
}

#[test]
fn lenient_fold_skips_concurrent_escalation_and_attempt() {
    // One device recorded the third attempt as failed and escalated, while another, which had
    // seen two failures, recorded the third as a success.
    let actions = [
        A::Reported,
        A::Verified,
        dispatch("李明"),
        attempt(Village, 1, Failed),
        attempt(Village, 2, Failed),
        attempt(Village, 3, Failed),
        A::Escalated { to: Township },
        attempt(Village, 3, Succeeded),
        A::Rated { score: 5 },
    ];
    let state = fold_lenient(&events(&actions));
    assert_eq!((state.stage, state.level, state.attempts.village), (S::Open, Township, 3));
    let skipped: Vec<_> = state.skipped.iter().map(|s| (s.index, s.action.as_str())).collect();
    assert_eq!(skipped, vec![(7, "mediation_attempt"), (8, "rated")]);
    assert!(state.skipped[0].reason.contains("mediation attempt on a case that has not been dispatched"));
}

#[test]
fn state_and_stage_serialise_in_snake_case_and_round_trip() {
    assert_eq!(serde_json::to_string(&S::Resolved).unwrap(), "\"resolved\"");
    assert_eq!(CaseState::default(), CaseState::initial());
    let mut actions = actions_of(&three_threes_path());
    actions.push(A::Closed { household_confirmed: true, village_handler: None });
    let state = fold_lenient(&events(&actions));
    assert_eq!(state.skipped.len(), 1);
    let json = serde_json::to_string(&state).unwrap();
    assert!(json.contains("\"stage\":\"closed\"") && json.contains("\"level\":\"banner\""), "{json}");
    assert_eq!(serde_json::from_str::<CaseState>(&json).unwrap(), state);
}

mod refusals;

/// What the office's reports read off a case: when it was reported and closed, the level that
/// closed it, who handled it in the village, and the highest level it reached.
#[test]
fn the_figures_a_closure_leaves_on_the_case() {
    let close = |h| A::Closed { household_confirmed: true, village_handler: h };
    let village = run(&[
        A::Reported,
        A::Verified,
        dispatch("村书记 李明"),
        attempt(Village, 1, Succeeded),
        close(Some(VillageHandler::Secretary)),
    ]);
    assert_eq!(village.reported_at, Some(ev(A::Reported).at));
    assert_eq!(village.closed_at, Some(ev(A::Reported).at));
    assert_eq!(village.closed_level, Some(Village));
    assert_eq!(village.village_handler, Some(VillageHandler::Secretary));
    assert_eq!(village.max_level, Village);

    // Reopening forgets the closure; a later close at township level records no village handler.
    let mut actions = vec![A::Reported, A::Verified, dispatch("村书记 李明"), attempt(Village, 1, Succeeded)];
    actions.push(close(Some(VillageHandler::Committee)));
    actions.push(reopen());
    let reopened = run(&actions);
    assert_eq!((reopened.closed_at, reopened.closed_level, reopened.village_handler), (None, None, None));
    actions.push(dispatch("调委会 王强"));
    actions.extend([attempt(Village, 2, Failed), attempt(Village, 3, Failed)]);
    actions.push(A::Escalated { to: Township });
    actions.extend([dispatch("吉格斯太镇调解委员会"), attempt(Township, 1, Succeeded)]);
    actions.push(close(Some(VillageHandler::Committee)));
    let township = run(&actions);
    assert_eq!(township.closed_level, Some(Township));
    assert_eq!(township.village_handler, None);
    assert_eq!(township.max_level, Township);
    assert_eq!(township.level, Township);
}
