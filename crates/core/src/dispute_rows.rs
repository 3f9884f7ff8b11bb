//! Dispute reports as list rows: an area's reports (newest first) and a household's.

use gridwork_domain::RecordId;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::engine::Engine;
use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DisputeRow {
    pub id: RecordId,
    pub micro_grid: String,
    pub reporter: String,
    pub reported_ms: i64,
    pub category: String,
    pub urgency: String,
    pub description: String,
    pub stage: String,
}

pub(crate) const DISPUTE_COLUMNS: &str = "id, micro_grid, reporter, reported_ms, category, urgency, description, stage";

pub(crate) fn dispute_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DisputeRow> {
    Ok(DisputeRow {
        id: crate::engine::row_id(r, 0)?,
        micro_grid: r.get(1)?,
        reporter: r.get(2)?,
        reported_ms: r.get(3)?,
        category: r.get(4)?,
        urgency: r.get(5)?,
        description: r.get(6)?,
        stage: r.get(7)?,
    })
}

impl Engine {
    /// Disputes of an area (the grid leader's review queue), newest first.
    pub fn disputes_in(&self, area: &str, limit: u32) -> Result<Vec<DisputeRow>> {
        let sql = format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes WHERE micro_grid LIKE ?1 ORDER BY reported_ms DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.query_map(params![format!("{area}%"), limit], dispute_row)?.collect::<rusqlite::Result<_>>()?)
    }
}

/// Disputes that name a household among their parties.
pub(crate) fn disputes_of_household(conn: &Connection, household: RecordId) -> Result<Vec<DisputeRow>> {
    let sql = format!(
        "SELECT {DISPUTE_COLUMNS} FROM disputes d WHERE EXISTS (
            SELECT 1 FROM records r, json_each(r.state, '$.fields.parties') p
            WHERE r.id = d.id AND json_extract(p.value, '$.household') = ?1)
         ORDER BY reported_ms DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_map([household.to_string()], dispute_row)?.collect::<rusqlite::Result<_>>()?)
}
