//! The monthly notice (月通报): the figures of the scope, each village and each grid for a month
//! against the month before, and the cases overdue now, most overdue first.

use gridwork_domain::AreaCode;
use gridwork_domain::report::percentile::{median, p90};
use gridwork_domain::report::{
    MonthlyNotice, NOTICE_COLUMNS, NoticeCell, NoticeRow, OverdueCase, Period, PeriodSpec, previous_month,
    steps::{STEPS, step_of},
};
use gridwork_domain::workflow::CaseStage;
use gridwork_domain::{DisputeCategory, MediationLevel};
use rusqlite::params_from_iter;

use super::DAY_MS;
use super::area_figures::{AreaFigures, ByMicroGrid};
use super::predicate::{Frame, predicate};
use super::scope::Scope;
use crate::engine::{Engine, row_id};
use crate::error::{CoreError, Result};

impl Engine {
    /// The notice of `month` (`"2026-11"`) for an area (`None`: the device's scope), counted now.
    pub fn monthly_notice(&self, month: &str, scope: Option<&AreaCode>) -> Result<MonthlyNotice> {
        self.monthly_notice_at(month, scope, self.report_now())
    }

    /// The notice as counted at `as_of_ms`.
    pub fn monthly_notice_at(&self, month: &str, scope: Option<&AreaCode>, as_of_ms: i64) -> Result<MonthlyNotice> {
        let invalid = |e: gridwork_domain::report::ReportError| CoreError::Validation(vec![e.into()]);
        let this = PeriodSpec::Month { month: month.to_owned() }.resolve().map_err(invalid)?;
        let previous_month = previous_month(month).map_err(invalid)?;
        let last = PeriodSpec::Month { month: previous_month.clone() }.resolve().map_err(invalid)?;
        let scope = self.report_scope(scope)?;
        let level = gridwork_domain::AreaLevel::of(&scope.code).map_or("area", |l| l.as_str());
        let (by_now, by_before) = (
            self.figures_by_micro_grid(&scope, &this, as_of_ms)?,
            self.figures_by_micro_grid(&scope, &last, as_of_ms)?,
        );
        let total = self.notice_row(&scope, level, &by_now, &by_before);
        let mut rows = Vec::new();
        let grids = self.areas_at(&scope, "grid")?;
        for (village, name, _) in self.areas_at(&scope, "village")? {
            rows.push(self.notice_row(&Scope { code: village.clone(), name }, "village", &by_now, &by_before));
            for (grid, name, _) in grids.iter().filter(|(g, _, _)| g.parent().as_ref() == Some(&village)) {
                let s = Scope { code: grid.clone(), name: name.clone() };
                rows.push(self.notice_row(&s, "grid", &by_now, &by_before));
            }
        }
        Ok(MonthlyNotice {
            scope: scope.code.clone(),
            scope_name: scope.name.clone(),
            month: this.label.clone(),
            previous_month,
            columns: NOTICE_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            total,
            rows,
            overdue: self.overdue_cases(&scope, &this, as_of_ms)?,
            as_of_ms,
        })
    }

    fn notice_row(&self, area: &Scope, level: &str, this: &ByMicroGrid, last: &ByMicroGrid) -> NoticeRow {
        let (now, before) = (this.area(&area.code), last.area(&area.code));
        let cells = NOTICE_COLUMNS
            .iter()
            .map(|key| NoticeCell { key: (*key).to_owned(), value: cell(key, &now), previous: cell(key, &before) })
            .collect();
        NoticeRow { area: area.code.clone(), name: area.name.clone(), level: level.to_owned(), cells }
    }

    /// The scope's cases overdue at `as_of_ms` at any step, most days overdue first.
    fn overdue_cases(&self, scope: &Scope, period: &Period, as_of_ms: i64) -> Result<Vec<OverdueCase>> {
        let deadlines = self.deadlines()?;
        let frame = Frame { scope, period, as_of_ms, deadlines: &deadlines };
        let mut out = Vec::new();
        for step in STEPS {
            let p = predicate(&gridwork_domain::report::Figure::Overdue { step: step.to_owned() }, &frame)?;
            let sql = format!(
                "SELECT d.id, (SELECT a.name FROM areas a WHERE a.code = d.micro_grid), d.category, d.stage, d.level,
                        d.stage_since_ms, d.description
                 FROM disputes d WHERE {}",
                p.sql
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(p.args.iter()))?;
            while let Some(r) = rows.next()? {
                let stage: CaseStage = wire(&r.get::<_, String>(3)?)?;
                let since: i64 = r.get(5)?;
                let due_ms = deadlines.due_ms(stage, since).unwrap_or(since);
                let category: DisputeCategory = wire(&r.get::<_, String>(2)?)?;
                let level: MediationLevel = wire(&r.get::<_, String>(4)?)?;
                out.push(OverdueCase {
                    dispute: row_id(r, 0)?,
                    area_name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    category,
                    stage,
                    level,
                    step: step_of(stage).unwrap_or(step).to_owned(),
                    due_ms,
                    days_overdue: ((as_of_ms - due_ms) / DAY_MS).max(0) as u32,
                    description: r.get::<_, String>(6)?.lines().next().unwrap_or_default().chars().take(80).collect(),
                });
            }
        }
        out.sort_by(|a, b| a.due_ms.cmp(&b.due_ms).then_with(|| a.dispute.to_string().cmp(&b.dispute.to_string())));
        Ok(out)
    }
}

/// A wire name read back into its enum.
fn wire<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    Ok(serde_json::from_value(serde_json::Value::String(s.to_owned()))?)
}

/// One cell of a notice row from the area's figures (`None`: nothing to count).
fn cell(key: &str, f: &AreaFigures) -> Option<f64> {
    let n = |x: u32| Some(f64::from(x));
    match key {
        "cases_reported" => n(f.reported),
        "closed" => n(f.closed),
        "resolved_in_village" => AreaFigures::ratio(f.closed_in_village, f.closed),
        "resolved_in_township" => AreaFigures::ratio(f.closed_in_township, f.closed),
        "median_close_hours" => median(&f.close_hours),
        "p90_close_hours" => p90(&f.close_hours),
        "overdue" => n(f.reported_overdue),
        "coverage" => AreaFigures::ratio(f.visited, f.households),
        "cards" => n(f.cards),
        "rating_avg" => f.rating_avg(),
        "secretary_share" => f.secretary_share(),
        _ => None,
    }
}
