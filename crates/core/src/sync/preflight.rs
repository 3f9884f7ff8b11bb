//! Before the exchange, when something is out of step: what the server holds of this device
//! (`/me`), its clock taken up, and a store found to be a restored or cloned copy mended, or what
//! a server restored from an older copy lost handed back (`decide::standing`).

use gridwork_domain::standing::{Held, Standing, standing};

use super::decide::{Mend, clock_offset};
use super::hand_back::hand_back;
use super::http::SyncClient;
use super::in_flight;
use super::new_identity::take_new_identity;
use super::push::mend_key;
use super::run::SyncReport;
use crate::engine::{Engine, get_meta, get_meta_number};
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};

/// The meta key of the server's history token for the pull cursor.
pub(super) const CURSOR_HISTORY: &str = "cursor_history";

/// What the store holds of its exchanges with the server. Only a sync changes it, and one sync
/// runs at a time, so it holds from when it is read until the sync sends it.
pub(super) fn held_now(engine: &Engine) -> Result<Held> {
    Ok(Held {
        pushes: in_flight::pushes(&engine.conn)?,
        in_flight: in_flight::count(&engine.conn)?,
        cursor: get_meta_number(&engine.conn, "cursor")?.unwrap_or(0),
        history: get_meta_number(&engine.conn, CURSOR_HISTORY)?,
    })
}

/// Whether a refusal of the last sync asked for a mend before anything is sent.
pub(super) fn mend_due(engine: &Engine) -> Result<bool> {
    for mend in [Mend::Clock, Mend::Identity] {
        if get_meta(&engine.conn, mend_key(mend))?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads what the server holds of this device, takes up its clock, and mends what is out of step.
pub(super) fn preflight<C: EngineCell>(cell: &C, client: &SyncClient, report: &mut SyncReport) -> Result<()> {
    let (held, sent) = cell.with(|e| Ok((held_now(e)?, e.phone_ms())))?;
    let me = match client.me(held.cursor) {
        Ok(me) => me,
        // A server older than `/me`: none of this can be told; sync as before.
        Err(CoreError::Server { code, .. }) if code == "not_found" => return Ok(()),
        Err(e) => return Err(e),
    };
    let reused = cell.with(|e| {
        let offset = clock_offset(me.server_ms, sent, e.phone_ms());
        report.clock_offset_ms = offset;
        let refused = get_meta(&e.conn, mend_key(Mend::Clock))?.is_some();
        report.restamped += e.correct_clock(offset, refused)?;
        Ok(get_meta(&e.conn, mend_key(Mend::Identity))?.is_some())
    })?;
    match standing(&held, me.pushes, me.history) {
        Standing::ServerLostHistory => report.handed_back = Some(hand_back(cell, client, me.pushes)?),
        Standing::StoreBehind => report.new_identity = Some(take_new_identity(cell, client)?),
        Standing::InStep if reused => report.new_identity = Some(take_new_identity(cell, client)?),
        Standing::InStep => {}
    }
    cell.with(|e| {
        e.conn.execute("DELETE FROM meta WHERE key = ?1", [mend_key(Mend::Clock)])?;
        Ok(())
    })
}
