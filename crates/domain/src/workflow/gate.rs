//! Whether a step may happen to a case now, and if not why: the one gate `apply` and
//! `allowed_actions` share, and the coded refusal (`WorkflowError`) a screen words.

use thiserror::Error;

use super::{CaseStage, CaseState, Kind, MediationLevel};
use crate::dispute::{AttemptOutcome, Referral};

/// Why an event cannot happen to a case in its current state: a code and its parameters for a
/// screen to word, and the reason in English for logs and the CLI.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct WorkflowError {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub message: String,
}

/// Every refusal code [`apply`] gives (the UI's catalog has words for each).
pub const REFUSAL_CODES: [&str; 15] = [
    "stage",
    "twice",
    "already_dispatched",
    "attempts_used",
    "escalate_too_early",
    "beyond_banner",
    "refer_too_early",
    "no_handler",
    "wrong_level",
    "wrong_number",
    "skip_level",
    "bad_score",
    "other_dispute",
    "unconfirmed",
    "nothing_to_settle",
];

/// A refusal before it is tied to the case's stage and action.
#[derive(Clone, Debug)]
pub(super) struct Why {
    pub(super) code: &'static str,
    pub(super) params: Vec<(&'static str, String)>,
    pub(super) text: String,
}

pub(super) fn why(code: &'static str, params: &[(&'static str, &str)], text: String) -> Why {
    Why { code, params: params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(), text }
}

pub(super) fn level_name(level: MediationLevel) -> &'static str {
    match level {
        MediationLevel::Village => "village",
        MediationLevel::Township => "township",
        MediationLevel::Banner => "banner",
    }
}

fn referral_name(referral: Option<Referral>) -> &'static str {
    match referral {
        Some(Referral::Court) => "court",
        Some(Referral::Arbitration) => "arbitration",
        None => "court or arbitration",
    }
}

/// Why `kind` cannot happen in the case's stage, in the plain words of the stage.
fn stage_refusal(state: &CaseState, kind: Kind) -> Why {
    let level = level_name(state.level);
    let text = match state.stage {
        CaseStage::Unreported => "that has not been reported".to_owned(),
        CaseStage::Reported => "that has not been verified".to_owned(),
        CaseStage::Rejected => "that was rejected; reopen it first".to_owned(),
        CaseStage::Open => "that has not been dispatched".to_owned(),
        CaseStage::Dispatched => "that has not been handled since it was dispatched".to_owned(),
        CaseStage::Mediating => format!("while mediation at {level} level is under way (the last attempt failed)"),
        CaseStage::Resolved if state.last_outcome == Some(AttemptOutcome::Succeeded) => {
            "whose mediation succeeded and awaits the leader's check".to_owned()
        }
        CaseStage::Resolved => "that is resolved and awaits the leader's check".to_owned(),
        CaseStage::Referred => format!("that was referred to {}", referral_name(state.referral)),
        CaseStage::Closed => "that is already closed".to_owned(),
        CaseStage::Rated => "that is already closed and rated".to_owned(),
    };
    why(
        "stage",
        &[("action", kind.name()), ("stage", state.stage.as_str())],
        format!("cannot {} a case {text}", kind.verb()),
    )
}

/// Whether an action of `kind` may happen now, whatever its data; if not, why. Shared by [`apply`]
/// and [`allowed_actions`] so the two never disagree.
pub(super) fn gate(state: &CaseState, kind: Kind) -> Result<(), Why> {
    use CaseStage as S;
    let stage = state.stage;
    let level = level_name(state.level);
    let twice =
        |what: &str| why("twice", &[("action", kind.name())], format!("cannot {} a case twice: {what}", kind.verb()));
    match kind {
        Kind::Reported if stage == S::Unreported => Ok(()),
        Kind::Reported => Err(twice("it has already been reported")),
        Kind::Verified | Kind::Rejected => match stage {
            S::Reported => Ok(()),
            S::Unreported | S::Rejected => Err(stage_refusal(state, kind)),
            _ => Err(why(
                "twice",
                &[("action", kind.name())],
                format!("cannot {} a case that was already verified", kind.verb()),
            )),
        },
        Kind::Dispatched => match stage {
            S::Open => Ok(()),
            S::Dispatched => {
                let handler = state.dispatched_to.as_deref().unwrap_or("a handler");
                Err(why(
                    "already_dispatched",
                    &[("handler", handler)],
                    format!("cannot dispatch a case that is already dispatched to {handler}"),
                ))
            }
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::MediationAttempt => match stage {
            S::Dispatched | S::Mediating if state.exhausted() => {
                let (next, then) = match state.level.next() {
                    Some(up) => (level_name(up), format!("escalate to {} level", level_name(up))),
                    None => ("court", "refer the case to court or arbitration".to_owned()),
                };
                Err(why(
                    "attempts_used",
                    &[("level", level), ("next", next)],
                    format!("cannot record a 4th mediation attempt at {level} level: all three were made; {then}"),
                ))
            }
            S::Dispatched | S::Mediating => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Feedback => match stage {
            S::Dispatched | S::Resolved | S::Referred => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Escalated if state.exhausted() => match state.level.next() {
            Some(_) => Ok(()),
            None => Err(why(
                "beyond_banner",
                &[],
                "cannot escalate beyond banner level: refer the case to court or arbitration after the third \
                 failed attempt"
                    .to_owned(),
            )),
        },
        Kind::Escalated if stage == S::Mediating => {
            let n = state.attempts_here();
            Err(why(
                "escalate_too_early",
                &[("level", level), ("attempts", &n.to_string())],
                format!(
                    "cannot escalate a case from {level} level after {n} failed attempt{}: the level's three \
                     attempts come first",
                    if n == 1 { "" } else { "s" }
                ),
            ))
        }
        Kind::Escalated => Err(stage_refusal(state, kind)),
        Kind::Referred => match stage {
            S::Dispatched | S::Mediating if state.level == MediationLevel::Banner && state.exhausted() => Ok(()),
            S::Dispatched | S::Mediating => {
                let n = state.attempts_here();
                Err(why(
                    "refer_too_early",
                    &[("level", level), ("attempts", &n.to_string())],
                    format!(
                        "cannot refer a case to court or arbitration before the third failed mediation at banner \
                         level (it is at {level} level after {n} attempt{})",
                        if n == 1 { "" } else { "s" }
                    ),
                ))
            }
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Closed => match stage {
            S::Resolved | S::Referred => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Reopened => match stage {
            S::Closed | S::Rated | S::Rejected => Ok(()),
            _ => Err(Why {
                text: "cannot reopen a case that is not closed or rejected".into(),
                ..stage_refusal(state, kind)
            }),
        },
        Kind::Rated => match stage {
            S::Closed => Ok(()),
            S::Rated => Err(twice("it has already been rated")),
            S::Rejected => Err(stage_refusal(state, kind)),
            _ => Err(Why { text: "cannot rate a case that has not been closed".into(), ..stage_refusal(state, kind) }),
        },
        Kind::Settled if stage == S::Unreported => Err(stage_refusal(state, kind)),
        Kind::Settled if state.unsettled == 0 => {
            Err(why("nothing_to_settle", &[], "cannot settle a case that has no contradictions".to_owned()))
        }
        Kind::Settled => Ok(()),
    }
}
