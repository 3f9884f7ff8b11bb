//! Months of demo history for a generated banner, so the township office's dashboard, notice and
//! ranking have something worth looking at: visits that mostly keep to each household's interval
//! (some lapsed, a few households never visited), contact cards handed out, cases reported month
//! by month and carried through the loop — most resolved in the village by the party secretary
//! (about 70%) or the mediation committee, some escalated, a few left overdue — ratings, and the
//! supervisors' highlight points. Deterministic for a seed and `now`.

mod cases;
mod office;
mod visits;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::card::ContactCard;
use crate::demo::DemoBanner;
use crate::demo_cases::DemoCase;
use crate::error::DomainError;
use crate::highlight::Highlight;
use crate::ids::RecordId;
use crate::record::{RecordState, Writer};
use crate::visit::Visit;

pub(crate) const DAY_MS: i64 = 24 * 3_600_000;

/// Cases reported in each grid each month in the demos (the server's `--demo-months`, the CLI's
/// `seed --months`).
pub const CASES_PER_GRID_MONTH: u32 = 6;

/// Everything the history holds, each record with its id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoHistory {
    pub visits: Vec<(RecordId, Visit)>,
    pub cards: Vec<(RecordId, ContactCard)>,
    pub cases: Vec<DemoCase>,
    pub highlights: Vec<(RecordId, Highlight)>,
}

impl DemoHistory {
    /// The history's records as `w` writes them (a case's report before its steps, in order).
    pub fn states(&self, w: &mut Writer<'_>) -> Result<Vec<RecordState>, DomainError> {
        let mut out = Vec::with_capacity(self.visits.len() + self.cards.len() + self.cases.len() * 6);
        for (id, v) in &self.visits {
            out.push(RecordState::create(*id, v, w)?);
        }
        for (id, c) in &self.cards {
            out.push(RecordState::create(*id, c, w)?);
        }
        for case in &self.cases {
            out.extend(case.states(w)?);
        }
        for (id, h) in &self.highlights {
            out.push(RecordState::create(*id, h, w)?);
        }
        Ok(out)
    }
}

/// `months` (30 days each) of history before `now`, with `cases_per_grid_month` cases reported
/// in each grid each month.
pub fn history(
    seed: u64,
    banner: &DemoBanner,
    months: u32,
    cases_per_grid_month: u32,
    now: DateTime<Utc>,
) -> DemoHistory {
    let now_ms = now.timestamp_millis();
    let from_ms = now_ms - i64::from(months) * 30 * DAY_MS;
    DemoHistory {
        visits: visits::visits(seed, banner, from_ms, now_ms),
        cards: visits::cards(seed, banner, from_ms, now_ms),
        cases: cases::cases(seed, banner, months, cases_per_grid_month, now_ms),
        highlights: office::highlights(seed, banner, now_ms),
    }
}

pub(crate) fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
