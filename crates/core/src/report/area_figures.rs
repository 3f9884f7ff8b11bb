//! One area's raw figures for a period, the rows of the monthly notice and of the ranking are
//! made of: every count goes through the figures' own predicates.

use gridwork_domain::dispute::VillageHandler;
use gridwork_domain::report::steps::STEPS;
use gridwork_domain::report::{Figure, Period};
use gridwork_domain::{AreaCode, MediationLevel};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::predicate::{Frame, predicate};
use super::scope::Scope;
use crate::engine::Engine;
use crate::error::Result;

/// The raw figures of one area in one period.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AreaFigures {
    /// Cases reported in the period (at any stage but `unreported`).
    pub reported: u32,
    /// Of them, overdue now at their step.
    pub reported_overdue: u32,
    /// Cases closed in the period (current closures).
    pub closed: u32,
    pub closed_in_village: u32,
    /// Closed at village or township level.
    pub closed_in_township: u32,
    /// Hours from report to close of each case closed in the period.
    pub close_hours: Vec<f64>,
    /// Overdue now at any step (reported whenever).
    pub overdue_now: u32,
    /// Households (not archived) and those visited within their interval at the period's end.
    pub households: u32,
    pub visited: u32,
    /// Households holding an active card issued before the period's end.
    pub households_with_card: u32,
    /// Cards issued in the period.
    pub cards: u32,
    /// Ratings of the cases closed in the period: how many were rated, and their sum.
    pub rated: u32,
    pub rating_sum: u32,
    pub secretary: u32,
    pub committee: u32,
}

impl AreaFigures {
    pub fn ratio(count: u32, of: u32) -> Option<f64> {
        (of > 0).then(|| f64::from(count) / f64::from(of))
    }

    pub fn rating_avg(&self) -> Option<f64> {
        (self.rated > 0).then(|| f64::from(self.rating_sum) / f64::from(self.rated))
    }

    /// The secretary's share of the village closures whose handler was recorded.
    pub fn secretary_share(&self) -> Option<f64> {
        Self::ratio(self.secretary, self.secretary + self.committee)
    }
}

impl Engine {
    /// The raw figures of `area` in `period`, counted at `as_of_ms`.
    pub(crate) fn area_figures(&self, area: &Scope, period: &Period, as_of_ms: i64) -> Result<AreaFigures> {
        let deadlines = self.deadlines()?;
        let frame = Frame { scope: area, period, as_of_ms, deadlines: &deadlines };
        let count = |f: Figure| self.count_figure(&f, &frame);
        let (lo, hi) = area.range();
        let span = [Value::Integer(period.from_ms), Value::Integer(period.to_ms)];
        let reported: u32 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM disputes d WHERE d.micro_grid >= ?1 AND d.micro_grid < ?2
               AND d.reported_ms >= ?3 AND d.reported_ms < ?4 AND d.stage <> 'unreported'",
            )?
            .query_row((&lo, &hi, period.from_ms, period.to_ms), |r| r.get(0))?;
        let (mut overdue_now, mut reported_overdue) = (0, 0);
        for step in STEPS {
            let p = predicate(&Figure::Overdue { step: step.to_owned() }, &frame)?;
            overdue_now += self.count_of(&p)?;
            let sql =
                format!("SELECT count(*) FROM disputes d WHERE {} AND d.reported_ms >= ? AND d.reported_ms < ?", p.sql);
            let args: Vec<Value> = p.args.iter().cloned().chain(span.iter().cloned()).collect();
            reported_overdue +=
                self.conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |r| r.get::<_, u32>(0))?;
        }
        let closed = predicate(&Figure::Closed, &frame)?;
        let (rated, rating_sum): (u32, Option<u32>) = self
            .conn
            .prepare_cached(&format!("SELECT count(d.rating), sum(d.rating) FROM disputes d WHERE {}", closed.sql))?
            .query_row(params_from_iter(closed.args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (households, visited) = self.coverage_of(&frame)?;
        Ok(AreaFigures {
            reported,
            reported_overdue,
            closed: self.count_of(&closed)?,
            closed_in_village: count(Figure::ClosedAt { level: MediationLevel::Village })?,
            closed_in_township: count(Figure::ClosedAt { level: MediationLevel::Township })?,
            close_hours: self.close_hours(&frame)?,
            overdue_now,
            households,
            visited,
            households_with_card: self.households_with_card(&area.code, frame.coverage_at())?,
            cards: count(Figure::Cards)?,
            rated,
            rating_sum: rating_sum.unwrap_or(0),
            secretary: count(Figure::Handler { handler: Some(VillageHandler::Secretary) })?,
            committee: count(Figure::Handler { handler: Some(VillageHandler::Committee) })?,
        })
    }

    /// Households (not archived) of the frame's area, and those its `visited` figure counts, in
    /// one pass over the households (the figure's own predicate as a 0/1 column).
    fn coverage_of(&self, frame: &Frame<'_>) -> Result<(u32, u32)> {
        let visited = predicate(&Figure::Visited { area: frame.scope.code.clone() }, frame)?;
        let (lo, hi) = frame.scope.range();
        let sql = format!(
            "SELECT count(*), coalesce(sum(CASE WHEN {} THEN 1 ELSE 0 END), 0) FROM households h
             WHERE h.archived = 0 AND h.micro_grid >= ? AND h.micro_grid < ?",
            visited.sql
        );
        let args: Vec<Value> = visited.args.iter().cloned().chain([Value::Text(lo), Value::Text(hi)]).collect();
        Ok(self.conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Households (not archived) of an area holding an active card issued before `at_ms`.
    fn households_with_card(&self, area: &AreaCode, at_ms: i64) -> Result<u32> {
        let (lo, hi) = super::scope::range(area);
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM households h WHERE h.archived = 0 AND h.micro_grid >= ?1 AND h.micro_grid < ?2
                   AND EXISTS (SELECT 1 FROM cards c WHERE c.household = h.id AND c.issued_ms < ?3
                               AND c.status = '{\"state\":\"active\"}')",
            )?
            .query_row((lo, hi, at_ms), |r| r.get(0))?)
    }
}
