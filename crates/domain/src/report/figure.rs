//! What a number on the dashboard counts ([`Figure`]), the dashboard itself, and the list behind
//! each number ([`FigureQuery`] → [`FigureList`]).

use serde::{Deserialize, Serialize};

use super::period::{Period, PeriodSpec};
use crate::dispute::{DisputeCategory, MediationLevel, VillageHandler};
use crate::ids::{AreaCode, RecordId};
use crate::workflow::CaseStage;

/// What a number counts; the same value asks for the list behind it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "figure", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Figure {
    /// Cases reported in the period that stand at this stage now.
    Stage { stage: CaseStage },
    /// Cases reported in the period that stand at this level now.
    Level { level: MediationLevel },
    /// Cases closed in the period (and not reopened since) at this level or below: `village` is
    /// "resolved inside the village", `township` "inside the township" (village or township).
    ClosedAt { level: MediationLevel },
    /// Cases closed in the period (and not reopened since): the denominator of the shares.
    Closed,
    /// Cases overdue now at this step (`verify`, `dispatch`, `handle`, `check`, `rate`).
    Overdue { step: String },
    /// Households of the area (not archived) whose latest visit at the period's end lies within
    /// their visit interval.
    Visited { area: AreaCode },
    /// Households of the area (not archived) not visited within their interval at the period's end.
    NotVisited { area: AreaCode },
    /// Contact cards issued in the period.
    Cards,
    /// Cases of a category reported in a month (`"2026-11"`, China time).
    Category { month: String, category: DisputeCategory },
    /// Cases closed in the period at village level, by who handled them (`None` = not recorded).
    Handler { handler: Option<VillageHandler> },
}

/// A number and what it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Count {
    pub figure: Figure,
    pub count: u32,
}

/// `count` of `of`; the UI shows "—" when `of` is 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Share {
    pub figure: Figure,
    pub count: u32,
    pub of: u32,
}

impl Share {
    /// The share as a fraction, `None` when there is nothing to share.
    pub fn ratio(&self) -> Option<f64> {
        (self.of > 0).then(|| f64::from(self.count) / f64::from(self.of))
    }
}

/// Time from report to close of the cases closed in the period (hours).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CloseTime {
    pub closed: u32,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

/// Visit coverage of one village or grid at the period's end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CoverageRow {
    pub area: AreaCode,
    pub name: String,
    /// `village` or `grid`.
    pub level: String,
    pub parent: Option<AreaCode>,
    pub households: u32,
    pub visited: u32,
}

/// Cases reported in one month, by category (categories with none left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MonthCategories {
    pub month: String,
    pub counts: Vec<Count>,
}

/// The office's dashboard for a period and an area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Dashboard {
    pub scope: AreaCode,
    pub scope_name: String,
    pub period: Period,
    /// When the figures were counted; "now" figures (overdue) are as of this instant, and a period
    /// still running is counted up to it.
    pub as_of_ms: i64,
    /// Cases reported in the period, by the stage they stand at now.
    pub by_stage: Vec<Count>,
    /// Cases reported in the period, by the level they stand at now.
    pub by_level: Vec<Count>,
    /// Of the cases closed in the period: closed at village level.
    pub resolved_in_village: Share,
    /// Of the cases closed in the period: closed at village or township level.
    pub resolved_in_township: Share,
    pub close_time: CloseTime,
    /// Cases overdue now, by step.
    pub overdue: Vec<Count>,
    /// Each village of the scope followed by its grids.
    pub coverage: Vec<CoverageRow>,
    pub cards: Count,
    /// Each month touching the period.
    pub categories: Vec<MonthCategories>,
    /// Village closures in the period: secretary, committee, not recorded.
    pub handlers: Vec<Count>,
}

/// The list behind a number: the same predicate as the count, a page of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FigureQuery {
    /// `None`: the device's own scope.
    pub scope: Option<AreaCode>,
    pub period: PeriodSpec,
    pub figure: Figure,
    pub offset: u32,
    /// 1 to [`MAX_PAGE`].
    pub limit: u32,
}

/// The most items a page of a figure's list holds.
pub const MAX_PAGE: u32 = 500;

/// What an item of a figure's list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FigureItemKind {
    Case,
    Household,
    Card,
}

/// One item behind a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FigureItem {
    pub kind: FigureItemKind,
    /// The dispute for a case, the household for a household, the card for a card.
    pub id: RecordId,
    /// The case's category or the household's head.
    pub title: String,
    /// The case's description (first line) or the household's address; a card's serial.
    pub detail: String,
    pub area_name: String,
    /// When: reported (case), latest visit (household), issued (card).
    pub at_ms: Option<i64>,
    /// A case overdue now at its step, or a household due for a visit.
    pub overdue: bool,
    /// The household a card or a case belongs to (a card opens its household).
    pub household: Option<RecordId>,
}

/// A page of the list behind a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FigureList {
    pub figure: Figure,
    /// All items matching (the number on the dashboard).
    pub total: u32,
    pub items: Vec<FigureItem>,
}
