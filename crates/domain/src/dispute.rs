//! Dispute and hazard reports (矛盾纠纷 / 隐患上报) and the append-only events of their case.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::geo::GeoPoint;
use crate::ids::{AreaCode, RecordId};
use crate::record::{Record, RecordKind};
use crate::validate::Check;

/// What the report is about. Hazards (fire, public order, food safety) go through the same loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DisputeCategory {
    /// 邻里纠纷
    Neighbour,
    /// 婚姻家庭
    Family,
    /// 土地草牧场
    Land,
    /// 债务/财产
    Property,
    /// 劳资
    Labour,
    /// 合同
    Contract,
    /// 环境
    Environment,
    /// 消防隐患
    FireHazard,
    /// 治安隐患
    PublicOrder,
    /// 食品安全
    FoodSafety,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Urgency {
    Low,
    Normal,
    High,
    /// Someone may get hurt: the leader is told at once.
    Critical,
}

/// A party to a dispute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Party {
    pub name: String,
    pub phone: Option<String>,
    pub household: Option<RecordId>,
}

/// The report as filed from the field; its case moves through [`DisputeEvent`]s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Dispute {
    pub micro_grid: AreaCode,
    pub reporter: String,
    pub reported_at: DateTime<Utc>,
    pub category: DisputeCategory,
    pub parties: Vec<Party>,
    pub description: String,
    pub amount_yuan: Option<f64>,
    pub urgency: Urgency,
    pub location: Option<GeoPoint>,
}

impl Record for Dispute {
    const KIND: RecordKind = RecordKind::Dispute;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("reporter", &self.reporter, 30);
        c.required("description", &self.description, 4000);
        if self.parties.len() > 20 {
            c.fail("parties", "too_long", "at most 20 parties");
        }
        for (i, p) in self.parties.iter().enumerate() {
            c.required(&format!("parties[{i}].name"), &p.name, 30);
            if let Some(ph) = &p.phone {
                c.phone(&format!("parties[{i}].phone"), ph);
            }
        }
        if let Some(a) = self.amount_yuan {
            c.amount("amount_yuan", a);
        }
        if let Some(p) = &self.location {
            c.point("location", p);
        }
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}

/// The three levels of the "three threes" (三个三).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum MediationLevel {
    /// 嘎查村/社区: 三次劝调
    Village,
    /// 苏木镇/街道: 三次联调
    Township,
    /// 旗: 三次终调
    Banner,
}

impl MediationLevel {
    pub fn next(self) -> Option<MediationLevel> {
        match self {
            Self::Village => Some(Self::Township),
            Self::Township => Some(Self::Banner),
            Self::Banner => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AttemptOutcome {
    Succeeded,
    Failed,
}

/// Who handled a case in the village (村级): the party secretary or the mediation committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum VillageHandler {
    /// 村(社区)党组织书记
    Secretary,
    /// 人民调解委员会委员
    Committee,
}

impl VillageHandler {
    pub const ALL: [VillageHandler; 2] = [Self::Secretary, Self::Committee];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secretary => "secretary",
            Self::Committee => "committee",
        }
    }
}

/// Where a case goes after the banner's last mediation fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Referral {
    Court,
    Arbitration,
}

/// One step of a case. Events are never edited; the case state is a fold of them (see `workflow`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DisputeAction {
    /// 采集上报: written with the report itself.
    Reported,
    /// 核实立案
    Verified,
    /// Not a real case (duplicate, false report …).
    Rejected {
        reason: String,
    },
    /// 指挥派遣: to a mediator or a department.
    Dispatched {
        to: String,
    },
    /// One mediation attempt at a level (number 1 to 3), by a named mediator; a successful one
    /// carries the agreement reached (调解协议).
    MediationAttempt {
        level: MediationLevel,
        number: u8,
        outcome: AttemptOutcome,
        #[serde(default)]
        mediator: String,
        #[serde(default)]
        agreement: String,
    },
    /// 处理反馈
    Feedback,
    /// 上报上级: to the next level after the attempts at this one failed.
    Escalated {
        to: MediationLevel,
    },
    /// After the banner's third failed mediation.
    Referred {
        to: Referral,
    },
    /// 核查结案: the leader checked the outcome with the household, which confirmed it.
    Closed {
        #[serde(default)]
        household_confirmed: bool,
        /// Who handled a village-level case: the village party secretary or a member of the
        /// people's mediation committee (about 70% / 30%). `None` from handsets that did not ask.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        village_handler: Option<VillageHandler>,
    },
    Reopened {
        reason: String,
    },
    /// 考核评价 by the household: 1 (poor) to 5 (very satisfied); the comment is the event's note.
    Rated {
        score: u8,
    },
    /// The leader settled the case's contradictions: steps taken concurrently that did not fit
    /// the case any more (one closed it while another escalated it) and were left out of its fold.
    Settled,
}

/// One event of a dispute's case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DisputeEvent {
    pub dispute: RecordId,
    pub micro_grid: AreaCode,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub action: DisputeAction,
    pub note: String,
    /// The visit at which the step was taken: a grid worker records the household's rating at a
    /// visit (回访), and names it here.
    #[serde(default)]
    pub visit: Option<RecordId>,
}

impl Record for DisputeEvent {
    const KIND: RecordKind = RecordKind::DisputeEvent;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("actor", &self.actor, 30);
        c.max_len("note", &self.note, 2000);
        match &self.action {
            DisputeAction::Rejected { reason } | DisputeAction::Reopened { reason } => {
                c.required("action.reason", reason, 500)
            }
            DisputeAction::Dispatched { to } => c.required("action.to", to, 60),
            DisputeAction::MediationAttempt { number, mediator, agreement, .. } => {
                c.range("action.number", (*number).into(), 1, 3);
                c.max_len("action.mediator", mediator, 60);
                c.max_len("action.agreement", agreement, 4000);
            }
            DisputeAction::Rated { score } => c.range("action.score", (*score).into(), 1, 5),
            DisputeAction::Feedback | DisputeAction::Closed { .. } => c.required("note", &self.note, 2000),
            _ => {}
        }
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}
