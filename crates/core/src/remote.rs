//! Applying versions that came from the server: merge with the local version, keep conflicts,
//! and keep local changes queued when the server has not seen them yet.

use gridwork_domain::{Causality, RecordState, merge};
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

impl ApplyReport {
    /// Counts `more` in too (pages of a pull, records of a push, pages of a demo).
    pub fn add(&mut self, more: &ApplyReport) {
        self.inserted += more.inserted;
        self.updated += more.updated;
        self.unchanged += more.unchanged;
        self.merged += more.merged;
        self.conflicts += more.conflicts;
    }
}

impl Engine {
    /// Applies remote versions in one transaction.
    pub fn apply_remote(&mut self, states: &[RecordState]) -> Result<ApplyReport> {
        let now = self.now_ms();
        let tx = self.conn.transaction()?;
        let report = apply_in(&tx, &mut self.clock, states, now)?;
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
    now: u64,
) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    for incoming in states {
        apply_one(tx, clock, incoming, None, now, &mut report)?;
    }
    Ok(report)
}

/// A version as it came over the wire: its JSON text, its typed record, and the server's receipt.
pub(crate) struct Received<'a> {
    pub text: &'a str,
    pub typed: &'a Typed,
    pub receipt: Option<&'a str>,
}

/// Applies one remote version at `now` (the corrected time); `received` is its JSON text as
/// received, its typed record and receipt, stored as they are when the version is taken unchanged.
pub(crate) fn apply_one(
    tx: &Transaction<'_>,
    clock: &mut gridwork_domain::HlcClock,
    incoming: &RecordState,
    received: Option<Received<'_>>,
    now: u64,
    report: &mut ApplyReport,
) -> Result<()> {
    // Later local writes must order after everything we have seen. A stamp too far in the
    // future is not observed (the server refuses those anyway).
    let _ = clock.observe(incoming.latest_stamp().hlc, now);
    let as_received = received.as_ref().map(|r| (r.text, r.receipt));
    if let Some(r) = &received
        && insert_received(tx, incoming, (r.text, r.receipt), r.typed, now)?
    {
        report.inserted += 1;
        return Ok(());
    }
    let Some(local) = get_state(tx, incoming.id)? else {
        put_state(tx, incoming, as_received, now)?;
        report.inserted += 1;
        return Ok(());
    };
    let m = merge(&local, incoming)?;
    match m.causality {
        Causality::Equal | Causality::Newer => report.unchanged += 1,
        Causality::Older => {
            // Taken as it came: its text and receipt with it.
            put_state(tx, incoming, as_received, now)?;
            report.updated += 1;
        }
        Causality::Concurrent => {
            put_state(tx, &m.state, None, now)?;
            save_conflicts(tx, &m.conflicts, now)?;
            report.merged += 1;
            report.conflicts += m.conflicts.len() as u64;
            // The merged version includes local writes the server has not seen: the outbox
            // entry (still there, since it was not acknowledged) pushes it.
        }
    }
    Ok(())
}
