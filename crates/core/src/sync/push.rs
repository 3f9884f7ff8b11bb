//! Pushing the outbox as a pipeline: this thread takes batches from the store and records the
//! answers, while four more threads keep batches on the wire, so the store, the network and the
//! server work at the same time. The engine is held only to take a batch and to settle an answer,
//! never while a batch is on the wire; an edit meanwhile bumps its entry's revision, which an
//! acknowledgement of the revision sent leaves pending. A retry of a batch whose answer was lost
//! goes out under the same batch id and is applied once; a batch cut off for good is taken from
//! the outbox again next time, and the server answers `already_known` for what it stored.

use std::collections::HashMap;
use std::sync::{Mutex, mpsc};

use gridwork_domain::RecordId;
use gridwork_domain::standing::Held;
use gridwork_domain::wire::{PushResponse, PushStatus};
use uuid::Uuid;

use super::conflicts::CONFLICTS_DUE;
use super::decide::{AckAction, Mend, decide_ack};
use super::http::SyncClient;
use super::in_flight;
use super::run::{BATCH, SyncProgress, SyncReport};
use crate::db::relaxed;
use crate::engine::{Engine, save_clock, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};
use crate::outbox::{OutboxKey, acknowledge, count_attempt, keep_receipt, reject, take_pending};
use crate::remote::apply_in;

/// Requests on the wire at once: while the server writes one batch, it reads and checks the next,
/// and when its disk is slow to flush, the batches waiting meanwhile share the next flush (group
/// commit). Four rather than two made no difference on a quiet machine and pushed about 5% faster
/// while another process kept flushing to the same disk.
const WIRES: usize = 4;
/// Batches taken from the store ahead of the answers: one per wire and one ready to go.
const AHEAD: usize = WIRES + 1;

/// A batch taken from the outbox: its id, the records' texts to send, and the outbox revision
/// each record had.
struct Batch {
    id: Uuid,
    records: Vec<String>,
    entries: HashMap<RecordId, i64>,
}

/// Takes the next batch after `after` and moves `after` past it; `None` when nothing is left.
fn take_batch(engine: &mut Engine, after: &mut Option<OutboxKey>) -> Result<Option<Batch>> {
    let pending = take_pending(&engine.conn, after.as_ref(), BATCH)?;
    let Some(last) = pending.last() else { return Ok(None) };
    *after = Some((last.queued_ms, last.id.to_string()));
    let entries = pending.iter().map(|p| (p.id, p.rev)).collect();
    let records = pending.into_iter().map(|p| p.text).collect();
    let batch = Batch { id: Uuid::now_v7(), records, entries };
    in_flight::note(engine, batch.id, &batch.entries)?;
    Ok(Some(batch))
}

/// Pushes every pending outbox entry. Stops at the first batch that fails; the batches answered
/// before it stay acknowledged. Batches may be answered in any order: versions merge the same
/// whatever order the server applies them in. A record edited during the push moves to the end
/// of the outbox and may go again in a later batch of the same push: each batch's answer
/// settles only the revision it carried.
pub(super) fn push_all<C: EngineCell>(
    cell: &C,
    client: &SyncClient,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
    held: &mut Option<Held>,
) -> Result<()> {
    let (total, lost) = cell.with(|e| Ok((e.pending_count()?, in_flight::all(&e.conn)?)))?;
    progress(SyncProgress { phase: "push", done: 0, total, retry: None });
    // Batches whose answers were lost last time go again first, under their own ids: the server
    // answers each as it did, so this store learns of every batch the server applied.
    for (batch_id, entries) in lost {
        let ids: Vec<RecordId> = entries.keys().copied().collect();
        let records = cell.with(|e| in_flight::texts(&e.conn, &ids))?;
        let answer = client.push_texts(batch_id, &records, held.take().as_ref());
        cell.with(|e| settle(e, batch_id, entries, answer, report))?;
    }
    let mut after = None;
    let Some(first) = cell.with(|e| take_batch(e, &mut after))? else { return Ok(()) };
    if first.records.len() < BATCH as usize {
        // Everything fits in one batch (the usual daily sync): no pipeline to set up.
        let answer = client.push_texts(first.id, &first.records, held.take().as_ref());
        cell.with(|e| settle(e, first.id, first.entries, answer, report))?;
        progress(SyncProgress { phase: "push", done: report.pushed + report.rejected, total, retry: None });
        return Ok(());
    }
    let (to_wire, outgoing) = mpsc::sync_channel::<(Uuid, Vec<String>, Option<Held>)>(1);
    let outgoing = Mutex::new(outgoing);
    std::thread::scope(|scope| {
        // Owned by this closure, so the wires see the channel close whenever it returns.
        let to_wire = to_wire;
        let (answer, answers) = mpsc::channel::<(Uuid, Result<PushResponse>)>();
        for _ in 0..WIRES {
            let (outgoing, answer) = (&outgoing, answer.clone());
            scope.spawn(move || {
                loop {
                    // The lock is held only to take the next batch; a poisoned lock still hands it out.
                    let next = outgoing.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((batch_id, records, held)) = next else { break };
                    let result = client.push_texts(batch_id, &records, held.as_ref());
                    let failed = result.is_err();
                    if answer.send((batch_id, result)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(answer);
        let mut waiting: HashMap<Uuid, HashMap<RecordId, i64>> = HashMap::new();
        let mut next = Some(first);
        loop {
            while waiting.len() < AHEAD
                && let Some(batch) = next.take()
            {
                to_wire.send((batch.id, batch.records, held.take())).map_err(|_| gone())?;
                waiting.insert(batch.id, batch.entries);
                next = cell.with(|e| take_batch(e, &mut after))?;
            }
            if waiting.is_empty() {
                return Ok(());
            }
            let (batch_id, answer) = answers.recv().map_err(|_| gone())?;
            let entries = waiting.remove(&batch_id).ok_or_else(gone)?;
            cell.with(|e| settle(e, batch_id, entries, answer, report))?;
            let done = report.pushed + report.rejected;
            progress(SyncProgress { phase: "push", done, total: total.max(done), retry: None });
        }
    })
}

/// Records the server's answer to a batch, or counts the failed attempt and passes the error on.
fn settle(
    engine: &mut Engine,
    batch_id: Uuid,
    entries: HashMap<RecordId, i64>,
    answer: Result<PushResponse>,
    report: &mut SyncReport,
) -> Result<()> {
    match answer {
        Ok(response) if response.batch_id == batch_id => {
            acknowledge_batch(engine, batch_id, &entries, &response, report)
        }
        Ok(response) => Err(CoreError::Server {
            code: "bad_answer".into(),
            message: format!("the server answered batch {} for batch {batch_id}", response.batch_id),
        }),
        Err(e) => {
            let ids: Vec<RecordId> = entries.keys().copied().collect();
            count_attempt(&engine.conn, &ids, &e.to_string())?;
            in_flight::failed(&mut engine.conn, batch_id, &e)?;
            Err(e)
        }
    }
}

fn gone() -> CoreError {
    CoreError::Workflow("the push thread stopped".into())
}

/// Records the server's answer for each record of a batch, in one transaction.
fn acknowledge_batch(
    engine: &mut Engine,
    batch_id: Uuid,
    entries: &HashMap<RecordId, i64>,
    response: &PushResponse,
    report: &mut SyncReport,
) -> Result<()> {
    // Lost in a power cut, an acknowledgement costs a repeat push that the server answers
    // `already_known`: it need not wait for the disk.
    let now = engine.now_ms();
    let clock = &mut engine.clock;
    relaxed(&mut engine.conn, |tx| {
        in_flight::answered(tx, batch_id)?;
        for outcome in &response.results {
            let Some(rev) = entries.get(&outcome.id) else { continue };
            match decide_ack(&outcome.status) {
                AckAction::Clear => {
                    if acknowledge(tx, outcome.id, *rev)?
                        && matches!(outcome.status, PushStatus::Accepted)
                        && let Some(receipt) = &outcome.receipt
                    {
                        // The server stored the very text sent, which the record still holds.
                        keep_receipt(tx, outcome.id, receipt)?;
                    }
                    report.pushed += 1;
                }
                AckAction::MergeThenClear(state) => {
                    report.applied.add(&apply_in(tx, clock, std::slice::from_ref(&state), now)?);
                    if acknowledge(tx, outcome.id, *rev)?
                        && let Some(receipt) = &outcome.receipt
                    {
                        // Stored as the server wrote it, whose receipt holds for the same text.
                        keep_receipt(tx, outcome.id, receipt)?;
                    }
                    // The conflicts of this merge come down with the next conflicts fetch.
                    set_meta(tx, CONFLICTS_DUE, "1")?;
                    report.pushed += 1;
                }
                AckAction::Mend(mend) => {
                    set_meta(tx, mend_key(mend), "1")?;
                    report.to_mend += 1;
                }
                AckAction::Reject { code, message } => {
                    reject(tx, outcome.id, *rev, &code, &message)?;
                    report.rejected += 1;
                }
            }
        }
        save_clock(tx, clock)
    })
}

/// The meta key that says a mend is due before the next push.
pub(super) fn mend_key(mend: Mend) -> &'static str {
    match mend {
        Mend::Clock => "mend_clock",
        Mend::Identity => "mend_identity",
    }
}
