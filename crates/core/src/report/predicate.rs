//! What each [`Figure`] counts, as one SQL predicate: the dashboard counts it and the list behind
//! the number pages through it, so the two cannot disagree.

use gridwork_domain::deadline::StepDeadlines;
use gridwork_domain::report::{Figure, Period, PeriodSpec, steps};
use gridwork_domain::{AreaCode, MediationLevel};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::DAY_MS;
use super::scope::{Scope, range};
use crate::engine::Engine;
use crate::error::{CoreError, Refused, Result};
use crate::projection::enum_str;

/// The table a figure counts rows of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// `disputes d`
    Cases,
    /// `households h`
    Households,
    /// `cards c JOIN households h`
    Cards,
}

impl Target {
    pub fn table_sql(self) -> &'static str {
        match self {
            Self::Cases => "disputes d",
            Self::Households => "households h",
            Self::Cards => "cards c JOIN households h ON h.id = c.household",
        }
    }
}

/// A figure's rows: `SELECT … FROM {target} WHERE {sql}` with `args`.
#[derive(Clone, Debug)]
pub(crate) struct Predicate {
    pub target: Target,
    pub sql: String,
    pub args: Vec<Value>,
}

/// What a predicate is evaluated against: the area, the period and the instant "now" figures
/// (overdue, coverage of a running period) are counted at.
#[derive(Clone, Debug)]
pub(crate) struct Frame<'a> {
    pub scope: &'a Scope,
    pub period: &'a Period,
    pub as_of_ms: i64,
    pub deadlines: &'a StepDeadlines,
}

impl Frame<'_> {
    /// The instant coverage is measured at: the period's end, or now for a running period.
    pub fn coverage_at(&self) -> i64 {
        self.period.to_ms.min(self.as_of_ms)
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// Levels at or below `level` (village ≤ township ≤ banner), by wire name.
fn levels_up_to(level: MediationLevel) -> Result<Vec<Value>> {
    [MediationLevel::Village, MediationLevel::Township, MediationLevel::Banner]
        .into_iter()
        .filter(|l| *l <= level)
        .map(|l| Ok(text(enum_str(&l)?)))
        .collect()
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The predicate of `figure` in `frame`.
pub(crate) fn predicate(figure: &Figure, frame: &Frame<'_>) -> Result<Predicate> {
    let (lo, hi) = frame.scope.range();
    let p = frame.period;
    let cases = |extra: &str, more: Vec<Value>| {
        let mut args = vec![text(lo.clone()), text(hi.clone())];
        args.extend(more);
        Predicate { target: Target::Cases, sql: format!("d.micro_grid >= ? AND d.micro_grid < ? AND {extra}"), args }
    };
    let reported = "d.reported_ms >= ? AND d.reported_ms < ?";
    let closed = "d.closed_ms >= ? AND d.closed_ms < ?";
    let span = || vec![Value::Integer(p.from_ms), Value::Integer(p.to_ms)];
    Ok(match figure {
        Figure::Stage { stage } => {
            cases(&format!("{reported} AND d.stage = ?"), [span(), vec![text(stage.as_str())]].concat())
        }
        Figure::Level { level } => {
            cases(&format!("{reported} AND d.level = ?"), [span(), vec![text(enum_str(level)?)]].concat())
        }
        Figure::Closed => cases(closed, span()),
        Figure::ClosedAt { level } => {
            let levels = levels_up_to(*level)?;
            cases(&format!("{closed} AND d.closed_level IN ({})", marks(levels.len())), [span(), levels].concat())
        }
        Figure::Handler { handler } => {
            let (cond, arg) = match handler {
                Some(h) => ("d.village_handler = ?", vec![text(h.as_str())]),
                None => ("d.village_handler IS NULL", vec![]),
            };
            cases(&format!("{closed} AND d.closed_level = 'village' AND {cond}"), [span(), arg].concat())
        }
        Figure::Overdue { step } => {
            let stages = steps::stages_of(step).map_err(|e| CoreError::Validation(vec![e.into()]))?;
            let allowance = frame.deadlines.allowance_ms(stages[0]).unwrap_or(0);
            let names: Vec<Value> = stages.iter().map(|s| text(s.as_str())).collect();
            cases(
                &format!("d.stage IN ({}) AND d.stage_since_ms < ?", marks(names.len())),
                [names, vec![Value::Integer(frame.as_of_ms - allowance)]].concat(),
            )
        }
        Figure::Category { month, category } => {
            let m = PeriodSpec::Month { month: month.clone() }
                .resolve()
                .map_err(|e| CoreError::Validation(vec![e.into()]))?;
            let (from, to) = (m.from_ms.max(p.from_ms), m.to_ms.min(p.to_ms));
            cases(
                &format!("{reported} AND d.category = ?"),
                vec![Value::Integer(from), Value::Integer(to), text(enum_str(category)?)],
            )
        }
        Figure::Visited { area } | Figure::NotVisited { area } => {
            let (lo, hi) = area_range(frame.scope, area)?;
            let at = frame.coverage_at();
            let not = if matches!(figure, Figure::NotVisited { .. }) { "NOT " } else { "" };
            Predicate {
                target: Target::Households,
                sql: format!(
                    "h.archived = 0 AND h.micro_grid >= ? AND h.micro_grid < ? AND {not}(coalesce((SELECT max(v.visited_ms)
                         FROM visits v WHERE v.household = h.id AND v.visited_ms < ?), 0) >= ? - h.interval_days * {DAY_MS})"
                ),
                args: vec![text(lo), text(hi), Value::Integer(at), Value::Integer(at)],
            }
        }
        Figure::Cards => Predicate {
            target: Target::Cards,
            sql: "h.micro_grid >= ? AND h.micro_grid < ? AND c.issued_ms >= ? AND c.issued_ms < ?".into(),
            args: [vec![text(lo), text(hi)], span()].concat(),
        },
    })
}

/// The code range of an area asked for inside the report's scope (refused outside it).
fn area_range(scope: &Scope, area: &AreaCode) -> Result<(String, String)> {
    if !area.is_within(&scope.code) {
        return Err(CoreError::Forbidden(Refused {
            code: "outside_area",
            params: vec![("micro_grid", area.to_string()), ("scope", scope.code.to_string())],
            message: format!("area {area} lies outside the report's area {}", scope.code),
        }));
    }
    Ok(range(area))
}

impl Engine {
    /// How many rows a predicate selects.
    pub(crate) fn count_of(&self, p: &Predicate) -> Result<u32> {
        let sql = format!("SELECT count(*) FROM {} WHERE {}", p.target.table_sql(), p.sql);
        Ok(self.conn.prepare_cached(&sql)?.query_row(params_from_iter(p.args.iter()), |r| r.get(0))?)
    }

    /// How many rows a figure counts.
    pub(crate) fn count_figure(&self, figure: &Figure, frame: &Frame<'_>) -> Result<u32> {
        self.count_of(&predicate(figure, frame)?)
    }
}
