//! The uniform scoring template (docs/ranking.md): each raw figure mapped to 0–100, the weighted
//! mean of the parts that have a figure, highlight points on top, and the ranks with ties.

use super::ranking::{RankRow, ScorePart, ScoreWeight};

/// The parts and their weights, in order (sum 100).
pub const WEIGHTS: [(&str, f64); 6] = [
    ("coverage", 30.0),
    ("village_share", 25.0),
    ("overdue", 15.0),
    ("timeliness", 15.0),
    ("rating", 10.0),
    ("cards", 5.0),
];

/// The village share that scores 0; the target share (95%, the seed's figure) scores 100.
pub const VILLAGE_SHARE_FLOOR: f64 = 0.75;
pub const VILLAGE_SHARE_TARGET: f64 = 0.95;
/// The share of overdue cases that scores 0 (none overdue scores 100).
pub const OVERDUE_CEILING: f64 = 0.20;
/// A case closed within this many days of its report counts as timely.
pub const TIMELY_DAYS: i64 = 15;

/// The raw figures of one area for a quarter (`None`: nothing to measure).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawFigures {
    /// Households visited within their interval at the quarter's end, of all (0–1).
    pub coverage: Option<f64>,
    /// Cases closed in the quarter at village level, of all closed in the quarter (0–1).
    pub village_share: Option<f64>,
    /// Cases reported in the quarter that are overdue now, of all reported in it (0–1).
    pub overdue: Option<f64>,
    /// Cases closed in the quarter within [`TIMELY_DAYS`] of their report, of all closed (0–1).
    pub timeliness: Option<f64>,
    /// Mean rating (1–5) of the cases closed in the quarter that were rated.
    pub rating: Option<f64>,
    /// Households holding an active card issued by the quarter's end, of all (0–1).
    pub cards: Option<f64>,
}

/// The weights as the ranking carries them.
pub fn weights() -> Vec<ScoreWeight> {
    WEIGHTS.iter().map(|(k, w)| ScoreWeight { key: (*k).to_owned(), weight: *w }).collect()
}

/// A raw figure's 0–100 score.
pub fn part_score(key: &str, raw: f64) -> f64 {
    let s = match key {
        "coverage" | "timeliness" | "cards" => raw * 100.0,
        "village_share" => (raw - VILLAGE_SHARE_FLOOR) / (VILLAGE_SHARE_TARGET - VILLAGE_SHARE_FLOOR) * 100.0,
        "overdue" => (1.0 - raw / OVERDUE_CEILING) * 100.0,
        "rating" => (raw - 1.0) / 4.0 * 100.0,
        _ => 0.0,
    };
    if s.is_nan() { 0.0 } else { s.clamp(0.0, 100.0) }
}

/// Each part's raw figure and score, in template order.
pub fn parts(raw: &RawFigures) -> Vec<ScorePart> {
    let values = [raw.coverage, raw.village_share, raw.overdue, raw.timeliness, raw.rating, raw.cards];
    WEIGHTS
        .iter()
        .zip(values)
        .map(|((key, _), raw)| ScorePart {
            key: (*key).to_owned(),
            raw,
            score: raw.map_or(0.0, |r| part_score(key, r)),
        })
        .collect()
}

/// The template score: the weighted mean of the parts that have a raw figure, rounded to two
/// decimals (0 when none has one).
pub fn template_score(parts: &[ScorePart]) -> f64 {
    let (mut sum, mut weight) = (0.0, 0.0);
    for p in parts.iter().filter(|p| p.raw.is_some()) {
        let w = WEIGHTS.iter().find(|(k, _)| *k == p.key).map_or(0.0, |(_, w)| *w);
        sum += w * p.score;
        weight += w;
    }
    if weight > 0.0 { round2(sum / weight) } else { 0.0 }
}

/// Rounds to two decimals.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Sorts rows by total (highest first; equal totals by area code) and numbers them: equal totals
/// share a rank and the next rank skips (1, 2, 2, 4).
pub fn rank(rows: &mut [RankRow]) {
    rows.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.area.cmp(&b.area)));
    let mut prev: Option<(f64, u32)> = None;
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = match prev {
            Some((t, r)) if t == row.total => r,
            _ => i as u32 + 1,
        };
        prev = Some((row.total, row.rank));
    }
}

/// An area's ranked row before ranking (rank 0 until [`rank`] numbers it).
pub fn row(
    area: crate::ids::AreaCode,
    name: String,
    parent_name: String,
    raw: &RawFigures,
    highlight_points: i32,
) -> RankRow {
    let parts = parts(raw);
    let template_score = template_score(&parts);
    RankRow {
        rank: 0,
        area,
        name,
        parent_name,
        parts,
        template_score,
        highlight_points,
        total: round2(template_score + f64::from(highlight_points)),
    }
}
