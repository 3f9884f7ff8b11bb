//! Handing back to a server what it lost. A server restored from an older copy no longer holds
//! changes it had acknowledged; a handset notices (`decide::standing`) and sends back every
//! version it holds with the server's receipt, which the server takes as its own again; versions
//! without a receipt (written here and not confirmed since) are queued to be pushed as this
//! device's own. Then it pulls everything again from the start, so what other handsets hand
//! back reaches it too. The engine is held to read a batch and to keep the answer, not while the
//! batch is on the wire: a record edited meanwhile has lost its receipt and waits in the outbox,
//! and a merge the server answers is merged with the edit (`apply_in`).

use gridwork_domain::wire::PushStatus;

use super::conflicts::CONFLICTS_DUE;
use super::http::SyncClient;
use super::preflight::CURSOR_HISTORY;
use crate::db::relaxed;
use crate::engine::set_meta;
use crate::engine_cell::EngineCell;
use crate::error::Result;
use crate::remote::apply_in;

/// Versions handed back per request (the server takes up to 1,000 records a batch).
const BATCH: u32 = 500;

/// Hands back everything held with a receipt, queues the rest, and starts the pull over;
/// `server_pushes` is the server's count of this device's batches. Returns how many versions
/// the server took back.
pub(super) fn hand_back<C: EngineCell>(cell: &C, client: &SyncClient, server_pushes: u64) -> Result<u64> {
    let mut after = String::new();
    let mut taken = 0;
    loop {
        let batch: Vec<(String, String, String)> = cell.with(|engine| {
            Ok(engine
                .conn
                .prepare_cached(
                    "SELECT id, receipt, state FROM records WHERE receipt IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2",
                )?
                .query_map(rusqlite::params![after, BATCH], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })?;
        let Some(last) = batch.last() else { break };
        after = last.0.clone();
        let sent: Vec<(String, String)> = batch.into_iter().map(|(_, receipt, text)| (receipt, text)).collect();
        let answer = client.restore_texts(uuid::Uuid::now_v7(), &sent)?;
        cell.with(|engine| {
            let now = engine.now_ms();
            let clock = &mut engine.clock;
            relaxed(&mut engine.conn, |tx| {
                for outcome in answer.results {
                    match outcome.status {
                        PushStatus::Accepted => taken += 1,
                        // The server held a concurrent version meanwhile: keep the merge here too.
                        PushStatus::Merged { state, .. } => {
                            apply_in(tx, clock, std::slice::from_ref(&state), now)?;
                            taken += 1;
                        }
                        PushStatus::AlreadyKnown => {}
                        PushStatus::Rejected { code, message } => {
                            tracing::warn!(id = %outcome.id, code, message, "a version handed back was refused");
                        }
                    }
                }
                Ok(())
            })
        })?;
    }
    cell.with(|engine| {
        let now = engine.now_ms();
        relaxed(&mut engine.conn, |tx| {
            tx.execute(
                "INSERT INTO outbox (record_id, kind, queued_ms)
             SELECT id, kind, ?1 FROM records WHERE receipt IS NULL AND id NOT IN (SELECT record_id FROM outbox)",
                [now as i64],
            )?;
            set_meta(tx, super::in_flight::PUSHES, &server_pushes.to_string())?;
            super::in_flight::clear(tx)?;
            set_meta(tx, "cursor", "0")?;
            set_meta(tx, CURSOR_HISTORY, "0")?;
            set_meta(tx, "conflict_cursor", "0")?;
            set_meta(tx, CONFLICTS_DUE, "1")
        })
    })?;
    tracing::warn!(taken, "the server had lost history: versions were handed back and everything is pulled again");
    Ok(taken)
}
