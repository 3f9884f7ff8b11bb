//! The closed loop's waiting steps by name (`verify`, `dispatch`, `handle`, `check`, `rate`) and
//! the stages that wait on each, as the overdue figures name them.

use super::error::ReportError;
use crate::workflow::CaseStage;

/// The steps in loop order.
pub const STEPS: [&str; 5] = ["verify", "dispatch", "handle", "check", "rate"];

/// The step a case in this stage waits on (`None`: nothing waits there).
pub fn step_of(stage: CaseStage) -> Option<&'static str> {
    use CaseStage as S;
    match stage {
        S::Reported => Some("verify"),
        S::Open => Some("dispatch"),
        S::Dispatched | S::Mediating => Some("handle"),
        S::Resolved | S::Referred => Some("check"),
        S::Closed => Some("rate"),
        S::Unreported | S::Rejected | S::Rated => None,
    }
}

/// The stages that wait on a step.
pub fn stages_of(step: &str) -> Result<&'static [CaseStage], ReportError> {
    use CaseStage as S;
    Ok(match step {
        "verify" => &[S::Reported],
        "dispatch" => &[S::Open],
        "handle" => &[S::Dispatched, S::Mediating],
        "check" => &[S::Resolved, S::Referred],
        "rate" => &[S::Closed],
        other => return Err(ReportError::BadStep(other.to_owned())),
    })
}
