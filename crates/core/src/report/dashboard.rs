//! The office's dashboard: cases by stage and level, shares resolved in the village and the
//! township, close times, overdue cases by step, visit coverage by village and grid, cards,
//! categories per month and who handled the village's cases. Every number is a [`Figure`].

use std::collections::HashMap;

use gridwork_domain::report::percentile::{median, p90};
use gridwork_domain::report::{
    CloseTime, Count, CoverageRow, Dashboard, Figure, MonthCategories, PeriodSpec, Share, steps::STEPS,
};
use gridwork_domain::workflow::CaseStage;
use gridwork_domain::{AreaCode, DisputeCategory, MediationLevel, dispute::VillageHandler};
use rusqlite::params_from_iter;

use super::predicate::{Frame, predicate};
use crate::engine::Engine;
use crate::error::{CoreError, Result};

/// The stages a case reported in a period can stand at.
pub(crate) const STAGES: [CaseStage; 9] = [
    CaseStage::Reported,
    CaseStage::Rejected,
    CaseStage::Open,
    CaseStage::Dispatched,
    CaseStage::Mediating,
    CaseStage::Resolved,
    CaseStage::Referred,
    CaseStage::Closed,
    CaseStage::Rated,
];

pub(crate) const LEVELS: [MediationLevel; 3] =
    [MediationLevel::Village, MediationLevel::Township, MediationLevel::Banner];

impl Engine {
    /// The dashboard of a period in an area (`None`: the device's scope), counted now.
    pub fn dashboard(&self, spec: &PeriodSpec, scope: Option<&AreaCode>) -> Result<Dashboard> {
        self.dashboard_at(spec, scope, self.report_now())
    }

    /// The dashboard as counted at `as_of_ms`.
    pub fn dashboard_at(&self, spec: &PeriodSpec, scope: Option<&AreaCode>, as_of_ms: i64) -> Result<Dashboard> {
        let period = spec.resolve().map_err(|e| CoreError::Validation(vec![e.into()]))?;
        let scope = self.report_scope(scope)?;
        let deadlines = self.deadlines()?;
        let frame = Frame { scope: &scope, period: &period, as_of_ms, deadlines: &deadlines };
        let count = |figure: Figure| -> Result<Count> {
            let count = self.count_figure(&figure, &frame)?;
            Ok(Count { figure, count })
        };
        let by_stage = STAGES.iter().map(|s| count(Figure::Stage { stage: *s })).collect::<Result<_>>()?;
        let by_level = LEVELS.iter().map(|l| count(Figure::Level { level: *l })).collect::<Result<_>>()?;
        let closed = count(Figure::Closed)?.count;
        let share = |level| -> Result<Share> {
            let Count { figure, count } = count(Figure::ClosedAt { level })?;
            Ok(Share { figure, count, of: closed })
        };
        let hours = self.close_hours(&frame)?;
        let close_time = CloseTime { closed: hours.len() as u32, median_hours: median(&hours), p90_hours: p90(&hours) };
        let handlers = [Some(VillageHandler::Secretary), Some(VillageHandler::Committee), None]
            .into_iter()
            .map(|handler| count(Figure::Handler { handler }))
            .collect::<Result<_>>()?;
        Ok(Dashboard {
            scope: scope.code.clone(),
            scope_name: scope.name.clone(),
            period: period.clone(),
            as_of_ms,
            by_stage,
            by_level,
            resolved_in_village: share(MediationLevel::Village)?,
            resolved_in_township: share(MediationLevel::Township)?,
            close_time,
            overdue: STEPS.iter().map(|s| count(Figure::Overdue { step: (*s).to_owned() })).collect::<Result<_>>()?,
            coverage: self.coverage_rows(&frame)?,
            cards: count(Figure::Cards)?,
            categories: self.categories(&frame)?,
            handlers,
        })
    }

    /// Hours from report to close of the cases the frame's `Closed` figure counts.
    pub(crate) fn close_hours(&self, frame: &Frame<'_>) -> Result<Vec<f64>> {
        let p = predicate(&Figure::Closed, frame)?;
        let sql = format!("SELECT d.closed_ms - d.reported_ms FROM disputes d WHERE {}", p.sql);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(p.args.iter()), |r| r.get::<_, i64>(0))?;
        rows.map(|ms| Ok(ms? as f64 / 3_600_000.0)).collect()
    }

    /// Each village of the scope followed by its grids, with households and those visited within
    /// their interval (one grouped pass over the households; the rows add up by code prefix).
    fn coverage_rows(&self, frame: &Frame<'_>) -> Result<Vec<CoverageRow>> {
        let by_micro_grid = self.coverage_by_micro_grid(frame)?;
        let total = |area: &AreaCode| {
            by_micro_grid
                .iter()
                .filter(|(mg, _)| mg.starts_with(area.as_str()))
                .fold((0, 0), |(h, v), (_, (a, b))| (h + a, v + b))
        };
        let grids = self.areas_at(frame.scope, "grid")?;
        let mut rows = Vec::new();
        for (village, name, parent) in self.areas_at(frame.scope, "village")? {
            let (households, visited) = total(&village);
            rows.push(CoverageRow {
                area: village.clone(),
                name,
                level: "village".into(),
                parent,
                households,
                visited,
            });
            for (grid, name, parent) in grids.iter().filter(|(g, _, _)| g.parent().as_ref() == Some(&village)) {
                let (households, visited) = total(grid);
                rows.push(CoverageRow {
                    area: grid.clone(),
                    name: name.clone(),
                    level: "grid".into(),
                    parent: parent.clone(),
                    households,
                    visited,
                });
            }
        }
        Ok(rows)
    }

    /// Households (not archived) and those visited within their interval, per micro-grid.
    pub(crate) fn coverage_by_micro_grid(&self, frame: &Frame<'_>) -> Result<HashMap<String, (u32, u32)>> {
        let visited = predicate(&Figure::Visited { area: frame.scope.code.clone() }, frame)?;
        let (lo, hi) = frame.scope.range();
        // The visited predicate over the same households, as a 0/1 column.
        let sql = format!(
            "SELECT h.micro_grid, count(*), sum(CASE WHEN {} THEN 1 ELSE 0 END) FROM households h
             WHERE h.archived = 0 AND h.micro_grid >= ? AND h.micro_grid < ? GROUP BY h.micro_grid",
            visited.sql
        );
        let mut args = visited.args.clone();
        args.extend([rusqlite::types::Value::Text(lo), rusqlite::types::Value::Text(hi)]);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, String>(0)?, (r.get::<_, u32>(1)?, r.get::<_, u32>(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Cases reported per category in each month touching the period (inside the period).
    fn categories(&self, frame: &Frame<'_>) -> Result<Vec<MonthCategories>> {
        let mut out = Vec::new();
        for month in frame.period.months() {
            let mut counts = Vec::new();
            for category in ALL_CATEGORIES {
                let figure = Figure::Category { month: month.clone(), category };
                let count = self.count_figure(&figure, frame)?;
                if count > 0 {
                    counts.push(Count { figure, count });
                }
            }
            out.push(MonthCategories { month, counts });
        }
        Ok(out)
    }
}

/// Every category, in the order the report form lists them.
pub(crate) const ALL_CATEGORIES: [DisputeCategory; 11] = [
    DisputeCategory::Neighbour,
    DisputeCategory::Family,
    DisputeCategory::Land,
    DisputeCategory::Property,
    DisputeCategory::Labour,
    DisputeCategory::Contract,
    DisputeCategory::Environment,
    DisputeCategory::FireHazard,
    DisputeCategory::PublicOrder,
    DisputeCategory::FoodSafety,
    DisputeCategory::Other,
];
