//! Text output of the CLI (or JSON with `--json`).

use anyhow::Result;
use chrono::{TimeZone, Utc};
use gridwork_core::case_queue::CaseQueue;
use gridwork_core::cases::CaseView;
use gridwork_core::conflicts::ConflictRow;
use gridwork_core::dispute_rows::DisputeRow;
use gridwork_core::today::Today;
use gridwork_core::{HouseholdHistory, HouseholdRow};
use serde::Serialize;
use std::fmt::Write;
use std::io::Write as _;

pub struct Out {
    pub json: bool,
    /// The language of refusals, warnings and the attention list.
    pub lang: gridwork_core::explain::Lang,
}

impl Out {
    /// Prints `value` as JSON, or the text `text` makes. A reader that stopped reading (`| head`)
    /// is not an error.
    pub fn value<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        let out = if self.json { serde_json::to_string_pretty(value)? } else { text() };
        match writeln!(std::io::stdout().lock(), "{out}") {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(()),
        }
    }
}

fn date(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

fn days_ago(ms: Option<i64>) -> String {
    match ms {
        Some(ms) => format!("{} d ago", (Utc::now().timestamp_millis() - ms) / 86_400_000),
        None => "never".into(),
    }
}

pub fn households(rows: &[HouseholdRow]) -> String {
    let mut s = String::new();
    for r in rows {
        let _ = writeln!(
            s,
            "{}  {}  {}{}  last visit: {}  {}",
            r.id,
            r.head_name,
            r.address,
            r.door_number,
            days_ago(r.last_visit_ms),
            r.tags.join(",")
        );
    }
    let _ = write!(s, "{} households", rows.len());
    s
}

pub fn history(h: &HouseholdHistory) -> String {
    let mut s = format!(
        "{} — {}{} ({})\n",
        h.household.head_name, h.household.address, h.household.door_number, h.household.micro_grid
    );
    for (id, v) in &h.visits {
        let _ = writeln!(s, "  visit {id} {} by {}: {}", v.visited_at.format("%Y-%m-%d"), v.worker, v.findings);
    }
    for d in &h.disputes {
        let _ = writeln!(s, "  dispute {} [{}] {}", d.id, d.stage, d.description);
    }
    for (id, c) in &h.cards {
        let _ = writeln!(
            s,
            "  card {} ({id}) to {} on {}",
            c.serial.grouped(),
            c.recipient,
            c.issued_at.format("%Y-%m-%d")
        );
    }
    s.trim_end().to_owned()
}

pub fn disputes(rows: &[DisputeRow]) -> String {
    let mut s = String::new();
    for d in rows {
        let _ = writeln!(
            s,
            "{}  {}  [{}] {} {} — {}",
            d.id,
            date(d.reported_ms),
            d.stage,
            d.category,
            d.urgency,
            d.description
        );
    }
    let _ = write!(s, "{} disputes", rows.len());
    s
}

pub fn case_queue(q: &CaseQueue) -> String {
    let mut s = String::new();
    let counts: Vec<String> =
        q.counts.iter().map(|c| format!("{:?} {} ({} overdue)", c.bucket, c.count, c.overdue)).collect();
    let _ = writeln!(s, "{}", counts.join(" · "));
    let now = chrono::Utc::now().timestamp_millis();
    for r in &q.rows {
        let due = match r.due_ms {
            Some(due) if due < now => format!("overdue {}", span(now - due)),
            Some(due) => format!("due in {}", span(due - now)),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "  {} {:<9} {:<8} {:<15} {} {} {}/3 {}",
            r.id,
            r.urgency,
            r.category,
            r.stage.as_str(),
            r.household.as_deref().unwrap_or("-"),
            serde_json::to_value(r.level).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            r.attempts_here,
            due
        );
    }
    let _ = write!(s, "{} of {} cases", q.rows.len(), q.total);
    s
}

/// A span of time in the largest whole unit (days, hours, minutes).
fn span(ms: i64) -> String {
    let (d, h, m) = (ms / 86_400_000, ms / 3_600_000, ms / 60_000);
    if d > 0 {
        format!("{d} d")
    } else if h > 0 {
        format!("{h} h")
    } else {
        format!("{m} min")
    }
}

pub fn case(c: &CaseView) -> String {
    let mut s =
        format!("{} — {:?}: {}\nstage: {}\n", c.id, c.dispute.category, c.dispute.description, c.state.stage.as_str());
    for t in &c.timeline {
        let e = &t.event;
        let _ = writeln!(
            s,
            "  {} {} {} {}{}{}",
            e.at.format("%Y-%m-%d %H:%M"),
            e.actor,
            serde_json::to_string(&e.action).unwrap_or_default(),
            e.note,
            if t.synced { "" } else { " (not yet synced)" },
            t.skipped.as_ref().map(|k| format!(" — left out: {}", k.reason)).unwrap_or_default(),
        );
    }
    if c.state.unsettled > 0 {
        let _ = writeln!(s, "contradictions to settle: {}", c.state.unsettled);
    }
    let _ = write!(s, "next: {}", c.allowed.join(", "));
    s
}

pub fn today(t: &Today) -> String {
    let mut s = String::from("My micro-grids:\n");
    for m in &t.micro_grids {
        let _ = writeln!(s, "  {} {} — {} households, {} due", m.code, m.name, m.households, m.overdue);
    }
    let _ = writeln!(s, "Due for a visit:");
    for h in &t.due {
        let _ =
            writeln!(s, "  {} {}{} (last visit: {})", h.head_name, h.address, h.door_number, days_ago(h.last_visit_ms));
    }
    let _ = writeln!(s, "Open follow-ups:");
    for f in &t.follow_ups {
        let _ = writeln!(s, "  {} {}: {}", date(f.visited_ms), f.head_name, f.follow_up);
    }
    let _ = write!(s, "My reports:\n{}", disputes(&t.my_disputes));
    s
}

pub fn conflicts(rows: &[ConflictRow]) -> String {
    let mut s = String::new();
    for r in rows {
        let c = &r.conflict;
        let _ = writeln!(
            s,
            "#{} {} {} field {}: kept {} — other value {}",
            r.id, c.kind, c.record_id, c.field, c.winner, c.loser
        );
    }
    let _ = write!(s, "{} conflicts", rows.len());
    s
}
