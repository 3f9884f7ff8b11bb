//! `gridwork report …`: the township office's figures from the command line — the dashboard of a
//! period, the monthly notice written to XLSX and CSV, the quarter's ranking.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use gridwork_core::Engine;
use gridwork_domain::AreaCode;
use gridwork_domain::report::{Count, Dashboard, Figure, PeriodSpec, Ranking, Share};

use super::output::Out;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Write the monthly notice (月通报) of a month as XLSX and CSV into a folder.
    Monthly {
        /// The month, e.g. 2026-11.
        #[arg(long)]
        month: String,
        /// The folder to write into (it must exist).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        scope: ScopeArg,
    },
    /// The dashboard's figures for a month, a quarter or a custom period.
    Dashboard {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        scope: ScopeArg,
    },
    /// The quarterly ranking (季排名) of grids and villages.
    Ranking {
        /// The quarter, e.g. 2026Q4.
        #[arg(long)]
        quarter: String,
        #[command(flatten)]
        scope: ScopeArg,
    },
}

#[derive(Debug, Args)]
pub struct ScopeArg {
    /// An area inside this device's (a village or grid); the device's own area when absent.
    #[arg(long)]
    scope: Option<String>,
}

impl ScopeArg {
    fn code(&self) -> Result<Option<AreaCode>> {
        Ok(self.scope.as_deref().map(AreaCode::parse).transpose()?)
    }
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// A month, e.g. 2026-11.
    #[arg(long, conflicts_with_all = ["quarter", "from", "to"])]
    month: Option<String>,
    /// A quarter, e.g. 2026Q4.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    quarter: Option<String>,
    /// The first day of a custom period, e.g. 2026-11-03 (with --to).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// The last day of a custom period (included).
    #[arg(long, requires = "from")]
    to: Option<String>,
}

impl PeriodArgs {
    fn spec(self) -> Result<PeriodSpec> {
        Ok(match (self.month, self.quarter, self.from, self.to) {
            (Some(month), None, None, None) => PeriodSpec::Month { month },
            (None, Some(quarter), None, None) => PeriodSpec::Quarter { quarter },
            (None, None, Some(from), Some(to)) => PeriodSpec::Custom { from, to },
            _ => bail!("give one period: --month 2026-11, --quarter 2026Q4, or --from 2026-11-03 --to 2026-11-20"),
        })
    }
}

pub fn run(engine: &Engine, out: &Out, cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Monthly { month, out: dir, scope } => {
            let written = engine.export_notice(&month, scope.code()?.as_ref(), &dir)?;
            out.value(&written, || format!("wrote {}\nwrote {}", written.xlsx, written.csv))
        }
        ReportCmd::Dashboard { period, scope } => {
            let d = engine.dashboard(&period.spec()?, scope.code()?.as_ref())?;
            out.value(&d, || dashboard(&d))
        }
        ReportCmd::Ranking { quarter, scope } => {
            let r = engine.ranking(&quarter, scope.code()?.as_ref())?;
            out.value(&r, || ranking(&r))
        }
    }
}

/// What a figure is called in the text output.
fn name(f: &Figure) -> String {
    match f {
        Figure::Stage { stage } => stage.to_string(),
        Figure::Level { level } => wire(level),
        Figure::ClosedAt { level } => format!("closed at {} or below", wire(level)),
        Figure::Closed => "closed".into(),
        Figure::Overdue { step } => step.clone(),
        Figure::Visited { area } | Figure::NotVisited { area } => area.to_string(),
        Figure::Cards => "cards".into(),
        Figure::Category { category, .. } => wire(category),
        Figure::Handler { handler: Some(h) } => h.as_str().into(),
        Figure::Handler { handler: None } => "not recorded".into(),
    }
}

/// A unit enum's wire name.
fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn counts(s: &mut String, title: &str, counts: &[Count]) {
    let parts: Vec<String> = counts.iter().map(|c| format!("{} {}", name(&c.figure), c.count)).collect();
    let _ = writeln!(s, "{title:<22}{}", parts.join(" · "));
}

fn share(s: &Share) -> String {
    match s.ratio() {
        Some(r) => format!("{:.1}% ({} of {})", r * 100.0, s.count, s.of),
        None => "— (no case closed)".into(),
    }
}

fn hours(h: Option<f64>) -> String {
    h.map_or("—".into(), |h| format!("{h:.1} h"))
}

pub fn dashboard(d: &Dashboard) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} ({}) · {}", d.scope_name, d.scope, d.period.label);
    counts(&mut s, "reported, by stage", &d.by_stage);
    counts(&mut s, "reported, by level", &d.by_level);
    let _ = writeln!(s, "{:<22}{}", "resolved in village", share(&d.resolved_in_village));
    let _ = writeln!(s, "{:<22}{}", "resolved in township", share(&d.resolved_in_township));
    let _ = writeln!(
        s,
        "{:<22}{} closed · median {} · p90 {}",
        "time to close",
        d.close_time.closed,
        hours(d.close_time.median_hours),
        hours(d.close_time.p90_hours)
    );
    counts(&mut s, "overdue now, by step", &d.overdue);
    counts(&mut s, "village handlers", &d.handlers);
    let _ = writeln!(s, "{:<22}{}", "cards issued", d.cards.count);
    for m in &d.categories {
        counts(&mut s, &format!("categories {}", m.month), &m.counts);
    }
    let _ = writeln!(s, "visit coverage:");
    for r in &d.coverage {
        let pct = if r.households > 0 {
            format!("{:.1}%", 100.0 * f64::from(r.visited) / f64::from(r.households))
        } else {
            "—".into()
        };
        let indent = if r.level == "grid" { "    " } else { "  " };
        let _ = writeln!(s, "{indent}{} {}  {}/{}  {pct}", r.area, r.name, r.visited, r.households);
    }
    s.trim_end().to_owned()
}

pub fn ranking(r: &Ranking) -> String {
    let mut s = String::new();
    let weights: Vec<String> = r.weights.iter().map(|w| format!("{} {}", w.key, w.weight)).collect();
    let _ = writeln!(s, "{} ranking of {} · weights: {}", r.quarter, r.scope, weights.join(", "));
    for (title, rows) in [("grids", &r.grids), ("villages", &r.villages)] {
        let _ = writeln!(s, "{title}:");
        for row in rows {
            let _ = writeln!(
                s,
                "  {:>3}. {} {} ({})  template {:.2} + highlights {} = {:.2}",
                row.rank, row.area, row.name, row.parent_name, row.template_score, row.highlight_points, row.total
            );
        }
    }
    s.trim_end().to_owned()
}
