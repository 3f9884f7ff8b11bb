//! The list behind a number: the figure's own predicate, a page of its rows.

use gridwork_domain::report::{Figure, FigureItem, FigureItemKind, FigureList, FigureQuery, MAX_PAGE, ReportError};
use gridwork_domain::workflow::CaseStage;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::DAY_MS;
use super::predicate::{Frame, Target, predicate};
use crate::engine::{Engine, row_id};
use crate::error::{CoreError, Result};

/// How long a list item's detail may be, in characters.
const DETAIL_CHARS: usize = 80;

impl Engine {
    /// A page of the rows behind a figure, counted now.
    pub fn figure_list(&self, q: &FigureQuery) -> Result<FigureList> {
        self.figure_list_at(q, self.report_now())
    }

    /// A page of the rows behind a figure, as counted at `as_of_ms`.
    pub fn figure_list_at(&self, q: &FigureQuery, as_of_ms: i64) -> Result<FigureList> {
        if q.limit == 0 || q.limit > MAX_PAGE {
            return Err(CoreError::Validation(vec![ReportError::BadLimit { limit: q.limit, max: MAX_PAGE }.into()]));
        }
        let period = q.period.resolve().map_err(|e| CoreError::Validation(vec![e.into()]))?;
        let scope = self.report_scope(q.scope.as_ref())?;
        let deadlines = self.deadlines()?;
        let frame = Frame { scope: &scope, period: &period, as_of_ms, deadlines: &deadlines };
        let p = predicate(&q.figure, &frame)?;
        let total = self.count_of(&p)?;
        let (columns, order) = match p.target {
            Target::Cases => (
                "d.id, d.category, d.description, (SELECT a.name FROM areas a WHERE a.code = d.micro_grid),
                 d.reported_ms, d.stage, d.stage_since_ms, d.household",
                match q.figure {
                    Figure::Overdue { .. } => "d.stage_since_ms, d.id",
                    Figure::Closed | Figure::ClosedAt { .. } | Figure::Handler { .. } => "d.closed_ms DESC, d.id",
                    _ => "d.reported_ms DESC, d.id",
                },
            ),
            Target::Households => (
                "h.id, h.head_name, h.address, (SELECT a.name FROM areas a WHERE a.code = h.micro_grid),
                 (SELECT max(v.visited_ms) FROM visits v WHERE v.household = h.id AND v.visited_ms < ?), h.interval_days",
                "h.micro_grid, h.head_name, h.id",
            ),
            Target::Cards => (
                "c.id, h.head_name, c.serial, (SELECT a.name FROM areas a WHERE a.code = h.micro_grid),
                 c.issued_ms, c.household",
                "c.issued_ms DESC, c.id",
            ),
        };
        let sql =
            format!("SELECT {columns} FROM {} WHERE {} ORDER BY {order} LIMIT ? OFFSET ?", p.target.table_sql(), p.sql);
        let at = frame.coverage_at();
        let mut args = Vec::new();
        if p.target == Target::Households {
            args.push(Value::Integer(at));
        }
        args.extend(p.args.iter().cloned());
        args.extend([Value::Integer(q.limit.into()), Value::Integer(q.offset.into())]);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut items = Vec::new();
        while let Some(r) = rows.next()? {
            items.push(match p.target {
                Target::Cases => {
                    let stage: String = r.get(5)?;
                    let stage: CaseStage =
                        serde_json::from_value(serde_json::Value::String(stage)).unwrap_or(CaseStage::Unreported);
                    let since: Option<i64> = r.get(6)?;
                    let due = since.and_then(|t| deadlines.due_ms(stage, t));
                    FigureItem {
                        kind: FigureItemKind::Case,
                        id: row_id(r, 0)?,
                        title: r.get(1)?,
                        detail: first_line(&r.get::<_, String>(2)?),
                        area_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        at_ms: r.get(4)?,
                        overdue: due.is_some_and(|d| d < as_of_ms),
                        household: r.get::<_, Option<String>>(7)?.and_then(|h| h.parse().ok()),
                    }
                }
                Target::Households => {
                    let last: Option<i64> = r.get(4)?;
                    let interval: i64 = r.get(5)?;
                    FigureItem {
                        kind: FigureItemKind::Household,
                        id: row_id(r, 0)?,
                        title: r.get(1)?,
                        detail: first_line(&r.get::<_, String>(2)?),
                        area_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        at_ms: last,
                        overdue: last.unwrap_or(0) < at - interval * DAY_MS,
                        household: Some(row_id(r, 0)?),
                    }
                }
                Target::Cards => FigureItem {
                    kind: FigureItemKind::Card,
                    id: row_id(r, 0)?,
                    title: r.get(1)?,
                    detail: r.get(2)?,
                    area_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    at_ms: r.get(4)?,
                    overdue: false,
                    household: Some(row_id(r, 5)?),
                },
            });
        }
        Ok(FigureList { figure: q.figure.clone(), total, items })
    }
}

/// The first line of a text, cut to [`DETAIL_CHARS`] characters.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(DETAIL_CHARS).collect();
    if line.chars().count() > DETAIL_CHARS {
        out.push('…');
    }
    out
}
