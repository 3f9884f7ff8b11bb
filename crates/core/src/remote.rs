//! Applying versions that came from the server: merge with the local version, keep conflicts,
//! and keep local changes queued when the server has not seen them yet.

use gridwork_domain::{Causality, RecordState, clock::wall_ms, merge};
use rusqlite::Transaction;
use serde::Serialize;

use crate::conflicts::save_conflicts;
use crate::engine::{Engine, get_state, insert_received, put_state, save_clock};
use crate::error::Result;
use crate::projection::Typed;

/// What a batch of remote versions did to the store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub merged: u64,
    pub conflicts: u64,
}

impl Engine {
    /// Applies remote versions in one transaction.
    pub fn apply_remote(&mut self, states: &[RecordState]) -> Result<ApplyReport> {
        let tx = self.conn.transaction()?;
        let report = apply_in(&tx, &mut self.clock, states)?;
        save_clock(&tx, &self.clock)?;
        tx.commit()?;
        Ok(report)
    }
}

/// The body of `apply_remote`, for callers that also move the sync cursor in the same transaction.
pub(crate) fn apply_in(
    tx: &Transaction<'_>,
    clock: &mut gridwork_domain::HlcClock,
    states: &[RecordState],
) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    for incoming in states {
        apply_one(tx, clock, incoming, None, &mut report)?;
    }
    Ok(report)
}

/// Applies one remote version; `received` is its JSON text as received and its typed record,
/// stored as they are when the version is taken unchanged.
pub(crate) fn apply_one(
    tx: &Transaction<'_>,
    clock: &mut gridwork_domain::HlcClock,
    incoming: &RecordState,
    received: Option<(&str, &Typed)>,
    report: &mut ApplyReport,
) -> Result<()> {
    let now = wall_ms();
    // Later local writes must order after everything we have seen. A stamp too far in the
    // future is not observed (the server refuses those anyway).
    let _ = clock.observe(incoming.latest_stamp().hlc, now);
    if let Some((text, typed)) = received
        && insert_received(tx, incoming, text, typed, now)?
    {
        report.inserted += 1;
        return Ok(());
    }
    let Some(local) = get_state(tx, incoming.id)? else {
        put_state(tx, incoming, now)?;
        report.inserted += 1;
        return Ok(());
    };
    let m = merge(&local, incoming)?;
    match m.causality {
        Causality::Equal | Causality::Newer => report.unchanged += 1,
        Causality::Older => {
            put_state(tx, &m.state, now)?;
            report.updated += 1;
        }
        Causality::Concurrent => {
            put_state(tx, &m.state, now)?;
            save_conflicts(tx, &m.conflicts, now)?;
            report.merged += 1;
            report.conflicts += m.conflicts.len() as u64;
            // The merged version includes local writes the server has not seen: the outbox
            // entry (still there, since it was not acknowledged) pushes it.
        }
    }
    Ok(())
}
