//! The quarterly ranking (季排名): every grid and village of the scope scored by the uniform
//! template (`gridwork_domain::report::template`, docs/ranking.md) plus the highlight points a
//! supervisor awarded it for the quarter (withdrawn awards left out).

use gridwork_domain::AreaCode;
use gridwork_domain::report::template::{RawFigures, TIMELY_DAYS, rank, row, weights};
use gridwork_domain::report::{PeriodSpec, RankRow, Ranking};

use super::area_figures::AreaFigures;
use crate::engine::Engine;
use crate::error::{CoreError, Result};

impl Engine {
    /// The ranking of `quarter` (`"2026Q4"`) in an area (`None`: the device's scope), counted now.
    pub fn ranking(&self, quarter: &str, scope: Option<&AreaCode>) -> Result<Ranking> {
        self.ranking_at(quarter, scope, self.report_now())
    }

    /// The ranking as counted at `as_of_ms`.
    pub fn ranking_at(&self, quarter: &str, scope: Option<&AreaCode>, as_of_ms: i64) -> Result<Ranking> {
        let period = PeriodSpec::Quarter { quarter: quarter.to_owned() }
            .resolve()
            .map_err(|e| CoreError::Validation(vec![e.into()]))?;
        let scope = self.report_scope(scope)?;
        let figures = self.figures_by_micro_grid(&scope, &period, as_of_ms)?;
        let rank_level = |level: &str| -> Result<Vec<RankRow>> {
            let mut rows = Vec::new();
            for (code, name, parent) in self.areas_at(&scope, level)? {
                let parent_name = match &parent {
                    Some(p) => self.area_name(p)?.unwrap_or_default(),
                    None => String::new(),
                };
                let raw = raw_figures(&figures.area(&code));
                rows.push(row(code.clone(), name, parent_name, &raw, self.highlight_points(&code, &period.label)?));
            }
            rank(&mut rows);
            Ok(rows)
        };
        let grids = rank_level("grid")?;
        let villages = rank_level("village")?;
        Ok(Ranking { scope: scope.code, quarter: period.label, weights: weights(), grids, villages, as_of_ms })
    }

    /// The points awarded to an area for a quarter, withdrawn awards left out.
    pub(crate) fn highlight_points(&self, area: &AreaCode, quarter: &str) -> Result<i32> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(points), 0) FROM highlights WHERE area = ?1 AND quarter = ?2 AND withdrawn = 0",
            )?
            .query_row((area.as_str(), quarter), |r| r.get(0))?)
    }
}

/// The template's raw figures from an area's counts.
pub(crate) fn raw_figures(f: &AreaFigures) -> RawFigures {
    let timely = f.close_hours.iter().filter(|h| **h <= (TIMELY_DAYS * 24) as f64).count() as u32;
    RawFigures {
        coverage: AreaFigures::ratio(f.visited, f.households),
        village_share: AreaFigures::ratio(f.closed_in_village, f.closed),
        overdue: AreaFigures::ratio(f.reported_overdue, f.reported),
        timeliness: AreaFigures::ratio(timely, f.closed),
        rating: f.rating_avg(),
        cards: AreaFigures::ratio(f.households_with_card, f.households),
    }
}
