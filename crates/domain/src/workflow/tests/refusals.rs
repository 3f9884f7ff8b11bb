//! Table tests of what the workflow refuses: each refused transition names the reason, the stage
//! and the action; every refusal code comes with its parameters; settling and the stage's start.

use super::*;

#[test]
fn refused_transitions_name_the_reason_stage_and_action() {
    let to_rated = actions_of(&happy_path());
    let to_closed = &to_rated[..6];
    let banner_failed: Vec<A> = actions_of(&three_threes_path())[..16].to_vec();
    assert_eq!(run(&banner_failed).attempts.banner, 3);
    let rv = vec![A::Reported, A::Verified];
    let rdd = [A::Reported, A::Verified, dispatch("李明")];
    let f1 = [&rdd[..], &[attempt(Village, 1, Failed)]].concat();
    let f3 = [&f1[..], &[attempt(Village, 2, Failed), attempt(Village, 3, Failed)]].concat();
    // (prefix, refused action, expected fragment, stage, whether the action kind is allowed and only its data is wrong)
    let cases: Vec<(Vec<A>, A, &str, CaseStage, bool)> = vec![
        (
            vec![],
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case that has not been reported",
            S::Unreported,
            false,
        ),
        (vec![], A::Verified, "cannot verify a case that has not been reported", S::Unreported, false),
        (vec![A::Reported], A::Reported, "cannot report a case twice", S::Reported, false),
        (
            vec![A::Reported],
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case that has not been verified",
            S::Reported,
            false,
        ),
        (vec![A::Reported], dispatch("李明"), "cannot dispatch a case that has not been verified", S::Reported, false),
        (rv.clone(), A::Verified, "cannot verify a case that was already verified", S::Open, false),
        (rv.clone(), reject(), "cannot reject a case that was already verified", S::Open, false),
        (vec![A::Reported, reject()], A::Verified, "cannot verify a case that was rejected", S::Rejected, false),
        (
            vec![A::Reported, reject()],
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case that was rejected",
            S::Rejected,
            false,
        ),
        (rv.clone(), A::Feedback, "feedback on a case that has not been dispatched", S::Open, false),
        (
            rv.clone(),
            attempt(Village, 1, Failed),
            "mediation attempt on a case that has not been dispatched",
            S::Open,
            false,
        ),
        (rv.clone(), A::Escalated { to: Township }, "escalate a case that has not been dispatched", S::Open, false),
        (rv.clone(), dispatch("  "), "name the handler", S::Open, true),
        (rv.clone(), reopen(), "reopen a case that is not closed or rejected", S::Open, false),
        (rdd.to_vec(), dispatch("王刚"), "already dispatched to 李明", S::Dispatched, false),
        (
            rdd.to_vec(),
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case that has not been handled",
            S::Dispatched,
            false,
        ),
        (
            rdd.to_vec(),
            A::Escalated { to: Township },
            "escalate a case that has not been handled",
            S::Dispatched,
            false,
        ),
        (
            rdd.to_vec(),
            attempt(Township, 1, Failed),
            "at township level: the case is at village level",
            S::Dispatched,
            true,
        ),
        (
            rdd.to_vec(),
            attempt(Village, 2, Failed),
            "attempt 2 at village level: the next attempt is number 1",
            S::Dispatched,
            true,
        ),
        (rdd.to_vec(), attempt(Village, 0, Succeeded), "the next attempt is number 1", S::Dispatched, true),
        (f1.clone(), attempt(Village, 1, Failed), "the next attempt is number 2", S::Mediating, true),
        (f1.clone(), attempt(Village, 3, Failed), "the next attempt is number 2", S::Mediating, true),
        (f3.clone(), A::Escalated { to: Banner }, "cannot escalate from village to banner level", S::Mediating, true),
        (f1.clone(), A::Escalated { to: Township }, "the level's three attempts come first", S::Mediating, false),
        (
            f3.clone(),
            A::Escalated { to: Village },
            "a case moves up one level at a time, to township",
            S::Mediating,
            true,
        ),
        (
            f1.clone(),
            A::Referred { to: Referral::Court },
            "before the third failed mediation at banner level",
            S::Mediating,
            false,
        ),
        (f1.clone(), A::Feedback, "while mediation at village level is under way", S::Mediating, false),
        (
            f1.clone(),
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case while mediation",
            S::Mediating,
            false,
        ),
        (
            [&f1[..], &[attempt(Village, 2, Failed), attempt(Village, 3, Failed)]].concat(),
            attempt(Village, 4, Failed),
            "4th mediation attempt at village level: all three were made; escalate to township",
            S::Mediating,
            false,
        ),
        (
            [&f1[..], &[attempt(Village, 2, Succeeded)]].concat(),
            A::Escalated { to: Township },
            "cannot escalate a case whose mediation succeeded",
            S::Resolved,
            false,
        ),
        (
            [&f1[..], &[attempt(Village, 2, Succeeded)]].concat(),
            attempt(Village, 3, Failed),
            "mediation attempt on a case whose mediation succeeded",
            S::Resolved,
            false,
        ),
        (
            to_rated[..4].to_vec(),
            A::Rated { score: 5 },
            "cannot rate a case that has not been closed",
            S::Resolved,
            false,
        ),
        (to_closed.to_vec(), A::Rated { score: 0 }, "a rating is 1 to 5", S::Closed, true),
        (to_closed.to_vec(), A::Rated { score: 6 }, "a rating is 1 to 5", S::Closed, true),
        (
            to_closed.to_vec(),
            A::Closed { household_confirmed: true, village_handler: None },
            "cannot close a case that is already closed",
            S::Closed,
            false,
        ),
        (to_closed.to_vec(), A::Feedback, "cannot record feedback on a case that is already closed", S::Closed, false),
        (to_rated.clone(), A::Rated { score: 3 }, "cannot rate a case twice", S::Rated, false),
        (
            to_rated.clone(),
            A::Closed { household_confirmed: true, village_handler: None },
            "already closed and rated",
            S::Rated,
            false,
        ),
        (
            banner_failed.clone(),
            attempt(Banner, 4, Failed),
            "4th mediation attempt at banner level",
            S::Mediating,
            false,
        ),
        (
            banner_failed.clone(),
            A::Escalated { to: Banner },
            "cannot escalate beyond banner level",
            S::Mediating,
            false,
        ),
        (
            banner_failed[..15].to_vec(),
            A::Referred { to: Referral::Court },
            "at banner level after 2 attempts",
            S::Mediating,
            false,
        ),
    ];
    for (i, (prefix, bad, fragment, stage, data_error)) in cases.iter().enumerate() {
        let state = run(prefix);
        assert_eq!(state.stage, *stage, "case {i}: stage before {bad:?}");
        let err = apply(&state, &ev(bad.clone())).expect_err(&format!("case {i}: {bad:?} should be refused"));
        assert!(err.message.contains(fragment), "case {i}: '{err}' should contain '{fragment}'");
        let tail = format!("(stage: {stage}, action: {})", action_name(bad));
        assert!(err.message.ends_with(&tail), "case {i}: '{err}' should end with '{tail}'");
        let listed = allowed_actions(&state).contains(&action_name(bad));
        assert_eq!(listed, *data_error, "case {i}: allowed_actions lists {bad:?}: {listed}");
        // Strict fold names the index of the refused event.
        let mut all = prefix.clone();
        all.push(bad.clone());
        let err = fold(&events(&all)).unwrap_err();
        assert!(
            err.message.starts_with(&format!("event {} ({}): ", prefix.len(), action_name(bad))),
            "case {i}: {err}"
        );
        assert!(err.message.contains(fragment), "case {i}: {err}");
    }
}

#[test]
fn events_of_another_dispute_are_refused() {
    let state = run(&[A::Reported]);
    let err = apply(&state, &ev_for(CASE + 1, A::Verified)).unwrap_err();
    assert!(err.message.contains("belongs to dispute"), "{err}");
    assert!(apply(&state, &ev(A::Verified)).is_ok());
}

#[test]
fn every_refusal_code_is_given_with_its_parameters() {
    let path = actions_of(&three_threes_path());
    let happy = actions_of(&happy_path());
    let village_failed = &path[..6]; // reported, verified, dispatched, 3 failed attempts
    let banner_failed = &path[..16];
    let other = ev_for(99, A::Verified);
    type Case<'a> = (&'a str, Vec<A>, DisputeEvent, &'a [(&'a str, &'a str)]);
    let cases: Vec<Case> = vec![
        (
            "stage",
            vec![A::Reported],
            ev(A::Closed { household_confirmed: true, village_handler: None }),
            &[("action", "closed"), ("stage", "reported")],
        ),
        ("twice", happy[..1].to_vec(), ev(A::Reported), &[("action", "reported")]),
        ("already_dispatched", happy[..3].to_vec(), ev(dispatch("王芳")), &[("handler", "李明")]),
        (
            "attempts_used",
            village_failed.to_vec(),
            ev(attempt(Village, 4, Failed)),
            &[("level", "village"), ("next", "township")],
        ),
        ("beyond_banner", banner_failed.to_vec(), ev(A::Escalated { to: Banner }), &[]),
        (
            "escalate_too_early",
            village_failed[..4].to_vec(),
            ev(A::Escalated { to: Township }),
            &[("level", "village"), ("attempts", "1")],
        ),
        (
            "refer_too_early",
            village_failed[..4].to_vec(),
            ev(A::Referred { to: Referral::Court }),
            &[("level", "village"), ("attempts", "1")],
        ),
        ("no_handler", happy[..2].to_vec(), ev(dispatch("  ")), &[]),
        (
            "wrong_level",
            happy[..3].to_vec(),
            ev(attempt(Township, 1, Failed)),
            &[("level", "township"), ("case_level", "village")],
        ),
        ("wrong_number", happy[..3].to_vec(), ev(attempt(Village, 2, Failed)), &[("number", "2"), ("expected", "1")]),
        (
            "skip_level",
            village_failed.to_vec(),
            ev(A::Escalated { to: Banner }),
            &[("from", "village"), ("to", "banner"), ("next", "township")],
        ),
        ("bad_score", happy[..6].to_vec(), ev(A::Rated { score: 9 }), &[("score", "9")]),
        ("other_dispute", happy[..1].to_vec(), other, &[]),
        ("unconfirmed", happy[..4].to_vec(), ev(A::Closed { household_confirmed: false, village_handler: None }), &[]),
        ("nothing_to_settle", happy[..4].to_vec(), ev(A::Settled), &[]),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for (code, before, event, params) in cases {
        let state = run(&before);
        let err = apply(&state, &event).expect_err(code);
        assert_eq!(err.code, code, "{err}");
        for (k, v) in params {
            assert!(
                err.params.iter().any(|(pk, pv)| pk == k && pv == v),
                "{code}: {k}={v} missing from {:?}",
                err.params
            );
        }
        seen.push(code);
    }
    seen.sort_unstable();
    let mut all = REFUSAL_CODES.to_vec();
    all.sort_unstable();
    assert_eq!(seen, all, "every code in REFUSAL_CODES has a case here");
}

#[test]
fn a_settled_step_clears_the_flag_and_moves_nothing_on() {
    // Two handsets closed the case offline: the later close is left out and flagged.
    let mut actions = actions_of(&happy_path())[..6].to_vec();
    actions.push(A::Closed { household_confirmed: true, village_handler: None });
    let flagged = fold_lenient(&events(&actions));
    assert_eq!((flagged.stage, flagged.unsettled), (S::Closed, 1));
    assert_eq!(flagged.skipped[0].code, "stage");
    assert!(allowed_actions(&flagged).contains(&"settled"));
    actions.push(A::Settled);
    let settled = fold_lenient(&events(&actions));
    assert_eq!((settled.stage, settled.unsettled, settled.skipped.len()), (S::Closed, 0, 1));
    assert!(!allowed_actions(&settled).contains(&"settled"));
    // A contradiction after the settle is flagged again.
    actions.push(A::Closed { household_confirmed: true, village_handler: None });
    assert_eq!(fold_lenient(&events(&actions)).unsettled, 1);
}

#[test]
fn the_stage_since_is_the_time_the_case_came_to_its_stage() {
    let at = |h: u32| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
    let mut evs = events(&actions_of(&happy_path())[..5]);
    for (i, e) in evs.iter_mut().enumerate() {
        e.at = at(i as u32 + 1);
    }
    // Dispatched at 3, resolved by the attempt at 4; the feedback at 5 keeps the stage.
    let state = fold(&evs).unwrap();
    assert_eq!((state.stage, state.stage_since), (S::Resolved, Some(at(4))));
}
