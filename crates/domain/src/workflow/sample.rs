//! A step with data that fits a case, for tools and tests that walk the loop.

use super::CaseState;
use crate::dispute::{AttemptOutcome, DisputeAction, MediationLevel};

/// A step of the wire name `name` with data that fits `state` — the next attempt at the case's
/// level, the next level up — dispatched to `handler`; `variant` picks what may vary (a failed
/// attempt unless `variant % 3 == 0`, court or arbitration, a score of `variant % 5 + 1`). For
/// tools and tests that walk the loop; `None` for a name that is no step.
pub fn sample_step(name: &str, state: &CaseState, handler: &str, variant: u8) -> Option<DisputeAction> {
    use crate::dispute::Referral;
    let failed = variant % 3 != 0;
    let step = match name {
        "reported" => DisputeAction::Reported,
        "verified" => DisputeAction::Verified,
        "rejected" => DisputeAction::Rejected { reason: "重复上报".into() },
        "dispatched" => DisputeAction::Dispatched { to: handler.to_owned() },
        "mediation_attempt" => DisputeAction::MediationAttempt {
            level: state.level,
            number: state.attempts_here() + 1,
            outcome: if failed { AttemptOutcome::Failed } else { AttemptOutcome::Succeeded },
            mediator: "村人民调解委员会".into(),
            agreement: if failed { String::new() } else { "双方和解".into() },
        },
        "feedback" => DisputeAction::Feedback,
        "escalated" => DisputeAction::Escalated { to: state.level.next().unwrap_or(MediationLevel::Banner) },
        "referred" => {
            DisputeAction::Referred { to: if variant % 2 == 0 { Referral::Court } else { Referral::Arbitration } }
        }
        "closed" => DisputeAction::Closed { household_confirmed: true, village_handler: None },
        "reopened" => DisputeAction::Reopened { reason: "当事人反映未解决".into() },
        "rated" => DisputeAction::Rated { score: variant % 5 + 1 },
        "settled" => DisputeAction::Settled,
        _ => return None,
    };
    Some(step)
}
