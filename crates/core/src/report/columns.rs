//! The report columns kept beside each dispute (migration 0007): written from the case's fold
//! whenever its events change, and back-filled once for the cases a store held before.

use gridwork_domain::RecordId;
use gridwork_domain::workflow::{CaseState, fold_lenient};
use rusqlite::Connection;

use crate::error::Result;
use crate::projection::enum_str;

/// Writes a dispute's report columns from its folded case.
pub(crate) fn write(conn: &Connection, dispute: RecordId, state: &CaseState) -> Result<()> {
    conn.prepare_cached(
        "UPDATE disputes SET closed_ms = ?2, closed_level = ?3, village_handler = ?4, rating = ?5, max_level = ?6
         WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        dispute.to_string(),
        state.closed_at.map(|t| t.timestamp_millis()),
        state.closed_level.map(|l| enum_str(&l)).transpose()?,
        state.village_handler.map(|h| h.as_str()),
        state.rating,
        enum_str(&state.max_level)?,
    ])?;
    Ok(())
}

/// Fills the report columns of every dispute held (once, when migration 0007 adds them).
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    let ids: Vec<String> =
        conn.prepare("SELECT id FROM disputes")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let id: RecordId = id.parse()?;
        let events = crate::cases::events_of(conn, id)?;
        write(conn, id, &fold_lenient(events.iter().map(|(_, e)| e)))?;
    }
    Ok(())
}
