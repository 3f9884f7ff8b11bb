//! The raw figures the monthly notice's rows and the ranking's rows are made of, counted once per
//! micro-grid over the whole scope (each figure's own predicate, grouped by micro-grid) and added
//! up for any area by code prefix: a notice of 60 areas costs the queries of one.

use std::collections::HashMap;

use gridwork_domain::AreaCode;
use gridwork_domain::MediationLevel;
use gridwork_domain::dispute::VillageHandler;
use gridwork_domain::report::steps::STEPS;
use gridwork_domain::report::{Figure, Period};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::predicate::{Frame, Predicate, Target, predicate};
use super::scope::Scope;
use crate::engine::Engine;
use crate::error::Result;

/// The raw figures of one area (or one micro-grid) in one period.
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

    fn add(&mut self, o: &AreaFigures) {
        self.reported += o.reported;
        self.reported_overdue += o.reported_overdue;
        self.closed += o.closed;
        self.closed_in_village += o.closed_in_village;
        self.closed_in_township += o.closed_in_township;
        self.close_hours.extend_from_slice(&o.close_hours);
        self.households += o.households;
        self.visited += o.visited;
        self.households_with_card += o.households_with_card;
        self.cards += o.cards;
        self.rated += o.rated;
        self.rating_sum += o.rating_sum;
        self.secretary += o.secretary;
        self.committee += o.committee;
    }
}

/// The raw figures of every micro-grid of a scope in one period.
#[derive(Clone, Debug, Default)]
pub(crate) struct ByMicroGrid(HashMap<String, AreaFigures>);

impl ByMicroGrid {
    /// The figures of an area: its micro-grids' added up.
    pub fn area(&self, area: &AreaCode) -> AreaFigures {
        let mut out = AreaFigures::default();
        for (_, f) in self.0.iter().filter(|(mg, _)| mg.starts_with(area.as_str())) {
            out.add(f);
        }
        out
    }

    fn at(&mut self, mg: String) -> &mut AreaFigures {
        self.0.entry(mg).or_default()
    }
}

/// Where a grouped count lands in an area's figures.
type Setter = fn(&mut AreaFigures, u32);

/// The micro-grid column of a predicate's rows.
fn mg_column(p: &Predicate) -> &'static str {
    match p.target {
        Target::Cases => "d.micro_grid",
        Target::Households | Target::Cards => "h.micro_grid",
    }
}

impl Engine {
    /// How many rows a predicate selects in each micro-grid.
    fn grouped(&self, p: &Predicate) -> Result<Vec<(String, u32)>> {
        let col = mg_column(p);
        let sql = format!("SELECT {col}, count(*) FROM {} WHERE {} GROUP BY {col}", p.target.table_sql(), p.sql);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(p.args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The raw figures of each micro-grid of `scope` in `period`, counted at `as_of_ms`.
    pub(crate) fn figures_by_micro_grid(&self, scope: &Scope, period: &Period, as_of_ms: i64) -> Result<ByMicroGrid> {
        let deadlines = self.deadlines()?;
        let frame = Frame { scope, period, as_of_ms, deadlines: &deadlines };
        let mut out = ByMicroGrid::default();
        let (lo, hi) = scope.range();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT d.micro_grid, count(*) FROM disputes d WHERE d.micro_grid >= ?1 AND d.micro_grid < ?2
                   AND d.reported_ms >= ?3 AND d.reported_ms < ?4 AND d.stage <> 'unreported' GROUP BY d.micro_grid",
            )?;
            let rows = stmt.query_map((&lo, &hi, period.from_ms, period.to_ms), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })?;
            for row in rows {
                let (mg, n) = row?;
                out.at(mg).reported = n;
            }
        }
        let span = [Value::Integer(period.from_ms), Value::Integer(period.to_ms)];
        for step in STEPS {
            let mut p = predicate(&Figure::Overdue { step: step.to_owned() }, &frame)?;
            p.sql.push_str(" AND d.reported_ms >= ? AND d.reported_ms < ?");
            p.args.extend(span.iter().cloned());
            for (mg, n) in self.grouped(&p)? {
                out.at(mg).reported_overdue += n;
            }
        }
        let closed = predicate(&Figure::Closed, &frame)?;
        {
            let sql = format!(
                "SELECT d.micro_grid, d.closed_ms - d.reported_ms, d.rating FROM disputes d WHERE {}",
                closed.sql
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(closed.args.iter()))?;
            while let Some(r) = rows.next()? {
                let f = out.at(r.get(0)?);
                f.closed += 1;
                f.close_hours.push(r.get::<_, i64>(1)? as f64 / 3_600_000.0);
                if let Some(rating) = r.get::<_, Option<u32>>(2)? {
                    f.rated += 1;
                    f.rating_sum += rating;
                }
            }
        }
        let counted: [(Figure, Setter); 5] = [
            (Figure::ClosedAt { level: MediationLevel::Village }, |f, n| f.closed_in_village = n),
            (Figure::ClosedAt { level: MediationLevel::Township }, |f, n| f.closed_in_township = n),
            (Figure::Cards, |f, n| f.cards = n),
            (Figure::Handler { handler: Some(VillageHandler::Secretary) }, |f, n| f.secretary = n),
            (Figure::Handler { handler: Some(VillageHandler::Committee) }, |f, n| f.committee = n),
        ];
        for (figure, set) in counted {
            for (mg, n) in self.grouped(&predicate(&figure, &frame)?)? {
                set(out.at(mg), n);
            }
        }
        for (mg, (households, visited)) in self.coverage_by_micro_grid(&frame)? {
            let f = out.at(mg);
            (f.households, f.visited) = (households, visited);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.micro_grid, count(*) FROM households h WHERE h.archived = 0 AND h.micro_grid >= ?1 AND h.micro_grid < ?2
               AND EXISTS (SELECT 1 FROM cards c WHERE c.household = h.id AND c.issued_ms < ?3
                           AND c.status = '{\"state\":\"active\"}')
             GROUP BY h.micro_grid",
        )?;
        let rows =
            stmt.query_map((&lo, &hi, frame.coverage_at()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        for row in rows {
            let (mg, n) = row?;
            out.at(mg).households_with_card = n;
        }
        Ok(out)
    }
}
