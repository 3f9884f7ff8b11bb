//! Bringing down the conflicts the server found in this device's area: only when a stored page
//! or a merged push said one may wait, page by page after the last one fetched.

use gridwork_domain::clock::wall_ms;
use rusqlite::Connection;

use super::http::SyncClient;
use super::run::BATCH;
use crate::conflicts::save_conflicts;
use crate::db::relaxed;
use crate::engine::{get_meta, get_meta_number, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::Result;

/// The meta key that says whether conflicts may wait on the server: set with a stored page that
/// names a conflict newer than the last one fetched (and with a merged push), cleared once the
/// conflicts are fetched. A store without it (older than the key) fetches.
pub(super) const CONFLICTS_DUE: &str = "conflicts_due";

/// The id of the last conflict fetched (0 before the first).
pub(super) fn conflict_cursor(conn: &Connection) -> Result<u64> {
    Ok(get_meta_number(conn, "conflict_cursor")?.unwrap_or(0))
}

/// Fetches the conflicts found since the last time, when there can be any; returns how many.
pub(super) fn fetch_conflicts<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<u64> {
    let due = cell.with(|e| Ok(get_meta(&e.conn, CONFLICTS_DUE)?.as_deref() != Some("0")))?;
    if !due {
        return Ok(0);
    }
    let mut after = cell.with(|e| conflict_cursor(&e.conn))?;
    let mut fetched = 0;
    loop {
        let page = client.conflicts(after, BATCH)?;
        let list: Vec<_> = page.conflicts.iter().map(|c| c.conflict.clone()).collect();
        let done = list.len() < BATCH as usize;
        let last = page.conflicts.last().map(|c| c.id);
        // Like a pulled page, fetched conflicts and their cursor need not wait for the disk: a
        // power cut takes both back, and the next sync fetches them again.
        cell.with(|e| {
            relaxed(&mut e.conn, |tx| {
                if let Some(last) = last {
                    save_conflicts(tx, &list, wall_ms())?;
                    set_meta(tx, "conflict_cursor", &last.to_string())?;
                }
                if done {
                    set_meta(tx, CONFLICTS_DUE, "0")?;
                }
                Ok(())
            })
        })?;
        fetched += list.len() as u64;
        after = last.unwrap_or(after);
        if done {
            return Ok(fetched);
        }
    }
}
