//! Deadlines of the closed loop's steps: how long a case may wait at each stage before it is
//! overdue. The server hands them out as reference data; these defaults apply until it does.

use serde::{Deserialize, Serialize};

use crate::workflow::CaseStage;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How long each step may take, counted from when the case came to the stage that waits on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct StepDeadlines {
    /// A report waits for the leader's verification (核实立案).
    pub verify_hours: u32,
    /// An open case waits for dispatch (指挥派遣).
    pub dispatch_hours: u32,
    /// A dispatched case, or one in mediation, waits for its handler (处理反馈).
    pub handle_days: u32,
    /// A resolved or referred case waits for the leader's check (核查结案).
    pub check_days: u32,
    /// A closed case waits for the household's rating (考核评价).
    pub rate_days: u32,
}

impl Default for StepDeadlines {
    fn default() -> Self {
        Self { verify_hours: 24, dispatch_hours: 24, handle_days: 7, check_days: 3, rate_days: 7 }
    }
}

impl StepDeadlines {
    /// How long a case may stay in `stage`, in milliseconds (`None`: nothing waits there).
    pub fn allowance_ms(&self, stage: CaseStage) -> Option<i64> {
        use CaseStage as S;
        match stage {
            S::Reported => Some(i64::from(self.verify_hours) * HOUR_MS),
            S::Open => Some(i64::from(self.dispatch_hours) * HOUR_MS),
            S::Dispatched | S::Mediating => Some(i64::from(self.handle_days) * DAY_MS),
            S::Resolved | S::Referred => Some(i64::from(self.check_days) * DAY_MS),
            S::Closed => Some(i64::from(self.rate_days) * DAY_MS),
            S::Unreported | S::Rejected | S::Rated => None,
        }
    }

    /// When the step a case in `stage` since `since_ms` waits on falls due.
    pub fn due_ms(&self, stage: CaseStage, since_ms: i64) -> Option<i64> {
        self.allowance_ms(stage).map(|a| since_ms.saturating_add(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_waiting_stage_has_its_deadline() {
        let d = StepDeadlines::default();
        let cases = [
            (CaseStage::Reported, Some(24 * HOUR_MS)),
            (CaseStage::Open, Some(24 * HOUR_MS)),
            (CaseStage::Dispatched, Some(7 * DAY_MS)),
            (CaseStage::Mediating, Some(7 * DAY_MS)),
            (CaseStage::Resolved, Some(3 * DAY_MS)),
            (CaseStage::Referred, Some(3 * DAY_MS)),
            (CaseStage::Closed, Some(7 * DAY_MS)),
            (CaseStage::Rated, None),
            (CaseStage::Rejected, None),
            (CaseStage::Unreported, None),
        ];
        for (stage, want) in cases {
            assert_eq!(d.allowance_ms(stage), want, "{stage}");
            assert_eq!(d.due_ms(stage, 1_000), want.map(|w| 1_000 + w), "{stage}");
        }
    }

    #[test]
    fn a_server_may_leave_some_out() {
        let d: StepDeadlines = serde_json::from_str(r#"{"verify_hours": 12}"#).unwrap();
        assert_eq!(d, StepDeadlines { verify_hours: 12, ..StepDeadlines::default() });
    }
}
