//! The quarterly ranking (季排名): each grid and village scored by the uniform template
//! ([`super::template`]) plus the highlight points a supervisor awarded.

use serde::{Deserialize, Serialize};

use crate::ids::AreaCode;

/// A template part's weight (the weights sum to 100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScoreWeight {
    pub key: String,
    pub weight: f64,
}

/// One part of an area's score: the raw figure (`None`: nothing to measure, the part is left out
/// and the other weights carry the score) and its 0–100 score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScorePart {
    pub key: String,
    pub raw: Option<f64>,
    pub score: f64,
}

/// One ranked area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RankRow {
    /// 1-based; equal totals share a rank (1, 2, 2, 4).
    pub rank: u32,
    pub area: AreaCode,
    pub name: String,
    pub parent_name: String,
    pub parts: Vec<ScorePart>,
    /// 0 to 100, rounded to two decimals.
    pub template_score: f64,
    /// Highlight points awarded to the area for the quarter (withdrawn ones left out).
    pub highlight_points: i32,
    /// `template_score + highlight_points`.
    pub total: f64,
}

/// The ranking of a quarter in an area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Ranking {
    pub scope: AreaCode,
    pub quarter: String,
    pub weights: Vec<ScoreWeight>,
    pub grids: Vec<RankRow>,
    pub villages: Vec<RankRow>,
    pub as_of_ms: i64,
}
