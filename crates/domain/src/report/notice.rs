//! The monthly notice (月通报): the figures per village and grid against last month, and the cases
//! overdue; [`ExportedNotice`] names the files written from it.

use serde::{Deserialize, Serialize};

use crate::dispute::{DisputeCategory, MediationLevel};
use crate::ids::{AreaCode, RecordId};
use crate::workflow::CaseStage;

/// The notice's columns, in order (catalog keys `report.<key>`): shares are fractions (0 to 1),
/// times are hours, the rest are counts.
pub const NOTICE_COLUMNS: [&str; 11] = [
    "cases_reported",
    "closed",
    "resolved_in_village",
    "resolved_in_township",
    "median_close_hours",
    "p90_close_hours",
    "overdue",
    "coverage",
    "cards",
    "rating_avg",
    "secretary_share",
];

/// Whether a column holds a share (fraction), hours, an average rating or a count.
pub fn column_unit(key: &str) -> &'static str {
    match key {
        "resolved_in_village" | "resolved_in_township" | "coverage" | "secretary_share" => "share",
        "median_close_hours" | "p90_close_hours" => "hours",
        "rating_avg" => "rating",
        _ => "count",
    }
}

/// One figure of a row: this month and last month (`None` where there is nothing to count, e.g. a
/// share of no cases; the notice shows "—").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NoticeCell {
    pub key: String,
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

/// One area's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NoticeRow {
    pub area: AreaCode,
    pub name: String,
    /// `township`, `banner`, `village` or `grid`.
    pub level: String,
    pub cells: Vec<NoticeCell>,
}

/// A case overdue at the notice's time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OverdueCase {
    pub dispute: RecordId,
    pub area_name: String,
    pub category: DisputeCategory,
    pub stage: CaseStage,
    pub level: MediationLevel,
    pub step: String,
    pub due_ms: i64,
    /// Whole days past due (0 on the first day).
    pub days_overdue: u32,
    pub description: String,
}

/// The monthly notice of an area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MonthlyNotice {
    pub scope: AreaCode,
    pub scope_name: String,
    pub month: String,
    pub previous_month: String,
    /// The cell keys, in order ([`NOTICE_COLUMNS`]).
    pub columns: Vec<String>,
    pub total: NoticeRow,
    /// Villages, each followed by its grids.
    pub rows: Vec<NoticeRow>,
    /// Overdue at the end of the month (or now, for the running month), most overdue first.
    pub overdue: Vec<OverdueCase>,
    pub as_of_ms: i64,
}

/// The files a notice was written to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ExportedNotice {
    pub xlsx: String,
    pub csv: String,
}
