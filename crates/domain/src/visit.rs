//! Household visits (入户走访): written once on the doorstep, never edited afterwards.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::geo::GpsFix;
use crate::ids::{AreaCode, RecordId};
use crate::record::{Record, RecordKind};
use crate::validate::Check;

/// Why the worker came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum VisitPurpose {
    /// 日常走访
    Routine,
    /// 重点人群关爱
    CareVisit,
    /// 矛盾纠纷回访
    DisputeFollowUp,
    /// 安全隐患排查
    SafetyCheck,
    /// 政策宣传
    PolicyOutreach,
    /// 发放联系卡
    CardDelivery,
    Other,
}

/// One visit to one household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Visit {
    pub household: RecordId,
    pub micro_grid: AreaCode,
    pub worker: String,
    pub visited_at: DateTime<Utc>,
    /// The device's GPS fix, or a position the worker picked by hand (then `manual_position`).
    pub fix: Option<GpsFix>,
    pub manual_position: bool,
    pub purpose: VisitPurpose,
    pub findings: String,
    pub follow_up_needed: bool,
    pub follow_up: String,
}

impl Visit {
    /// A routine visit with findings and no position or follow-up.
    pub fn routine(
        household: RecordId,
        micro_grid: AreaCode,
        worker: &str,
        visited_at: DateTime<Utc>,
        findings: &str,
    ) -> Self {
        Self {
            household,
            micro_grid,
            worker: worker.to_owned(),
            visited_at,
            fix: None,
            manual_position: false,
            purpose: VisitPurpose::Routine,
            findings: findings.to_owned(),
            follow_up_needed: false,
            follow_up: String::new(),
        }
    }
}

impl Record for Visit {
    const KIND: RecordKind = RecordKind::Visit;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("worker", &self.worker, 30);
        if let Some(f) = &self.fix {
            c.fix("fix", f);
        }
        c.max_len("findings", &self.findings, 4000);
        c.max_len("follow_up", &self.follow_up, 1000);
        if self.follow_up_needed && self.follow_up.trim().is_empty() {
            c.fail("follow_up", "required", "say what needs following up");
        }
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}
