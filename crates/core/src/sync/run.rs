//! One sync run: push the outbox (`push`), pull the changes in scope (`pull`), then bring down
//! conflicts, reference data, a new card-serial block and the attention list when they are due.
//! The engine is lent by a cell one step at a time (`EngineCell`): each step takes what it
//! sends under `with`, lets go while the request is on the wire, and settles the answer under
//! `with` again, so the worker's searches and forms never wait for the server.

use std::sync::Mutex;

use gridwork_domain::clock::wall_ms;
use gridwork_domain::standing::Held;
use serde::Serialize;

use super::attention::fetch_attention;
use super::conflicts::fetch_conflicts;
use super::decide::clock_offset;
use super::guard::SyncGuard;
use super::http::SyncClient;
use super::preflight::{held_now, mend_due, preflight};
use super::pull::pull_all;
use super::push::push_all;
use super::reference::refresh_reference;
use super::serials::refill_serials;
use crate::engine::Engine;
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};
use crate::net_error::{NetError, RetryNote};
use crate::remote::ApplyReport;

/// Records per push batch (the server takes up to 1,000).
pub const BATCH: u32 = 1000;
/// Changes per pull page (the server gives up to 5,000).
pub const PAGE: u32 = 2000;

/// Where a sync run stands, for a progress bar: phase `push` or `pull` with counts, or `retry`
/// (a request failed and is tried again: `done` is the failed try, `total` the tries, and
/// `retry` says why and how long until the next).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SyncProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryNote>,
}

impl From<&NetError> for SyncProgress {
    fn from(e: &NetError) -> Self {
        Self { phase: "retry", done: e.attempt.into(), total: e.of.into(), retry: Some(e.note()) }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    pub applied: ApplyReport,
    pub cursor: u64,
    /// Conflicts in this device's area that the server found and this device had not seen yet.
    pub conflicts: u64,
    /// The server's clock minus the phone's, ms, as measured at the start of this sync.
    pub clock_offset_ms: i64,
    /// Changes stamped ahead of the server's time and stamped again.
    pub restamped: u64,
    /// Changes refused for a reason this handset mends itself (clock, identity), then sent again.
    pub to_mend: u64,
    /// This store was a restored or cloned copy: it took a new device identity, and this many
    /// unsent changes were written again under it.
    pub new_identity: Option<u64>,
    /// The server had lost history (restored from an older copy): this many versions were handed back.
    pub handed_back: Option<u64>,
    /// Refused changes open in this device's area ("needs attention"; leaders and above only).
    pub attention: u64,
}

/// Pushes everything pending, then pulls everything new, holding `engine` throughout: for the
/// CLI and tests, where nothing else runs beside the sync. See [`sync_shared`].
pub fn sync(engine: &mut Engine, client: &SyncClient, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncReport> {
    sync_shared(&Mutex::new(engine), client, progress)
}

/// Pushes everything pending, then pulls everything new, with the engine held only for each step
/// of the store. Stops at the first failure; whatever was done before it stays done, and the next
/// run picks up where this one stopped — except when the server answers `revoked`: then the store
/// is wiped at once (`EngineCell::wipe`) and the error returned, and the device must enroll
/// again. One sync runs at a time per store: a second is answered `sync_running`. Every answer
/// of the server's counts as contact (`Engine::last_contact_ms`), whether the run ends well or not.
pub fn sync_shared<C: EngineCell>(
    cell: &C,
    client: &SyncClient,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncReport> {
    let _guard = cell.with(|e| SyncGuard::claim(e))?;
    let started = wall_ms();
    let result = sync_run(cell, client, progress);
    if let Err(CoreError::Revoked(message)) = result {
        cell.wipe()?;
        return Err(CoreError::Revoked(message));
    }
    if let Some(at) = client.last_answer_ms().filter(|at| *at >= started) {
        cell.with(|e| e.note_contact(at))?;
    }
    result
}

fn sync_run<C: EngineCell>(
    cell: &C,
    client: &SyncClient,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let (waiting, due) = cell.with(|e| Ok((e.pending_count()?, mend_due(e)?)))?;
    // Every request says how many changes wait here, for the office's view of its fleet.
    client.set_waiting(waiting);
    // A mend a refusal of the last sync asked for comes before anything is sent.
    if due {
        preflight(cell, client, &mut report)?;
    }
    // What the store holds rides on the first request: a server out of step with it refuses
    // that request (nothing is applied), and only then does the handset ask `/me` and mend.
    let mut held = Some(cell.with(|e| held_now(e))?);
    match exchange(cell, client, &mut report, progress, &mut held) {
        Err(CoreError::Server { code, .. }) if code == "store_behind" || code == "history_changed" => {
            preflight(cell, client, &mut report)?;
            exchange(cell, client, &mut report, progress, &mut None)?;
        }
        other => other?,
    }
    // The server's clock, as its answers told it, for the next writes.
    if let Some(t) = client.server_time() {
        cell.with(|e| {
            let skew = e.phone_ms() as i64 - wall_ms() as i64;
            let received = t.local_ms.saturating_add_signed(skew);
            let offset = clock_offset(t.server_ms, received.saturating_sub(t.rtt_ms), received);
            report.clock_offset_ms = offset;
            report.restamped += e.correct_clock(offset, false)?;
            Ok(())
        })?;
    }
    report.conflicts = fetch_conflicts(cell, client)?;
    refresh_reference(cell, client)?;
    refill_serials(cell, client)?;
    report.attention = fetch_attention(cell, client)?;
    Ok(report)
}

/// Pushes, mending once what the handset mends itself, then pulls. `held` goes with the first request.
fn exchange<C: EngineCell>(
    cell: &C,
    client: &SyncClient,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
    held: &mut Option<Held>,
) -> Result<()> {
    let mended = report.to_mend;
    push_all(cell, client, report, progress, held)?;
    if report.to_mend > mended {
        // Refusals this handset mends itself: mend, then send those changes again.
        preflight(cell, client, report)?;
        push_all(cell, client, report, progress, &mut None)?;
    }
    client.set_waiting(cell.with(|e| e.pending_count())?);
    report.cursor = pull_all(cell, client, report, progress, held)?;
    Ok(())
}
