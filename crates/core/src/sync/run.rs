//! One sync run: push the outbox batch by batch (a retry of a batch whose answer was lost goes out
//! under the same batch id and is applied once; a batch cut off for good is simply taken from the
//! outbox again next time, and the server answers `already_known` for what it stored), then pull
//! pages and move the cursor in the same transaction that stores each page.

use gridwork_domain::wire::EnrollRequest;
use gridwork_domain::{RecordId, RecordState, clock::wall_ms};
use serde::Serialize;
use uuid::Uuid;

use super::decide::{AckAction, decide_ack};
use super::http::SyncClient;
use crate::conflicts::save_conflicts;
use crate::engine::{Engine, get_meta, get_state_text, set_meta};
use crate::error::{CoreError, Result};
use crate::outbox::{acknowledge, count_attempt, reject, take_pending};
use crate::profile::Profile;
use crate::remote::{ApplyReport, apply_in, apply_one};

/// Records per push batch (the server takes up to 1,000).
pub const BATCH: u32 = 1000;
/// Changes per pull page (the server gives up to 5,000).
pub const PAGE: u32 = 2000;
/// Ask for a new card-serial block when fewer serials than this are left.
const LOW_SERIALS: u32 = 100;

/// Where a sync run stands, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SyncProgress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
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
}

/// One push batch: its id and the records with the outbox revision each had.
#[derive(Clone, Debug)]
struct Batch {
    batch_id: Uuid,
    entries: Vec<(RecordId, i64)>,
}

/// Enrolls this device with a server using an enrollment code, and loads its reference areas.
pub fn enroll(engine: &mut Engine, server_url: &str, code: &str, device_name: &str) -> Result<Profile> {
    let client = SyncClient::new(server_url, None)?;
    let r = client.enroll(&EnrollRequest { code: code.trim().to_owned(), device_name: device_name.to_owned() })?;
    let profile = Profile {
        device_id: r.device_id,
        device_name: device_name.to_owned(),
        user_name: r.user_name,
        user_phone: r.user_phone,
        role: r.role,
        scope: r.scope,
        serial_block: r.serial_block,
        server_url: Some(server_url.trim_end_matches('/').to_owned()),
        token: Some(r.token.clone()),
    };
    engine.set_profile(profile.clone())?;
    let reference = SyncClient::new(server_url, Some(r.token))?.reference()?;
    engine.import_areas(&reference.areas)?;
    set_meta(&engine.conn, "reference_ms", &wall_ms().to_string())?;
    Ok(profile)
}

/// Pushes everything pending, then pulls everything new. Stops at the first failure; whatever
/// was done before it stays done, and the next run picks up where this one stopped.
pub fn sync(engine: &mut Engine, client: &SyncClient, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let total = engine.pending_count()?;
    progress(SyncProgress { phase: "push", done: 0, total });
    while let Some(batch) = next_batch(engine)? {
        push_batch(engine, client, &batch, &mut report)?;
        progress(SyncProgress {
            phase: "push",
            done: report.pushed + report.rejected,
            total: total.max(report.pushed + report.rejected),
        });
    }
    let mut cursor: u64 = get_meta(&engine.conn, "cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0);
    loop {
        let page = client.pull_texts(cursor, PAGE)?;
        let tx = engine.conn.transaction()?;
        let mut applied = ApplyReport::default();
        for change in &page.changes {
            let text = change.state.get();
            let state: RecordState = serde_json::from_str(text)?;
            apply_one(&tx, &mut engine.clock, &state, Some(text), &mut applied)?;
        }
        set_meta(&tx, "cursor", &page.next.to_string())?;
        set_meta(&tx, "hlc", &serde_json::to_string(&engine.clock.last())?)?;
        set_meta(&tx, "last_sync_ms", &wall_ms().to_string())?;
        tx.commit()?;
        cursor = page.next;
        report.pulled += page.changes.len() as u64;
        add(&mut report.applied, &applied);
        let more = if page.more { u64::from(PAGE) } else { 0 };
        progress(SyncProgress { phase: "pull", done: report.pulled, total: report.pulled + more });
        if !page.more {
            break;
        }
    }
    report.cursor = cursor;
    report.conflicts = fetch_conflicts(engine, client)?;
    refresh_reference(engine, client)?;
    refill_serials(engine, client)?;
    Ok(report)
}

/// The oldest pending outbox entries as a new batch.
fn next_batch(engine: &Engine) -> Result<Option<Batch>> {
    let pending = take_pending(&engine.conn, BATCH)?;
    Ok((!pending.is_empty())
        .then(|| Batch { batch_id: Uuid::now_v7(), entries: pending.iter().map(|p| (p.id, p.rev)).collect() }))
}

fn push_batch(engine: &mut Engine, client: &SyncClient, batch: &Batch, report: &mut SyncReport) -> Result<()> {
    let mut records = Vec::with_capacity(batch.entries.len());
    for (id, _) in &batch.entries {
        if let Some(text) = get_state_text(&engine.conn, *id)? {
            records.push(text);
        }
    }
    let ids: Vec<RecordId> = batch.entries.iter().map(|(id, _)| *id).collect();
    let response = match client.push_texts(batch.batch_id, &records) {
        Ok(r) => r,
        Err(e) => {
            count_attempt(&engine.conn, &ids, &e.to_string())?;
            return Err(e);
        }
    };
    let tx = engine.conn.transaction()?;
    for outcome in &response.results {
        let Some((_, rev)) = batch.entries.iter().find(|(id, _)| *id == outcome.id) else { continue };
        match decide_ack(&outcome.status) {
            AckAction::Clear => {
                acknowledge(&tx, outcome.id, *rev)?;
                report.pushed += 1;
            }
            AckAction::MergeThenClear(state) => {
                add(&mut report.applied, &apply_in(&tx, &mut engine.clock, std::slice::from_ref(&state))?);
                acknowledge(&tx, outcome.id, *rev)?;
                report.pushed += 1;
            }
            AckAction::Reject(reason) => {
                reject(&tx, outcome.id, *rev, &reason)?;
                report.rejected += 1;
            }
        }
    }
    set_meta(&tx, "hlc", &serde_json::to_string(&engine.clock.last())?)?;
    tx.commit()?;
    Ok(())
}

/// Brings down the conflicts the server found in this device's area since the last time.
fn fetch_conflicts(engine: &mut Engine, client: &SyncClient) -> Result<u64> {
    let mut after: u64 = get_meta(&engine.conn, "conflict_cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut fetched = 0;
    loop {
        let page = client.conflicts(after, BATCH)?;
        let Some(last) = page.conflicts.last().map(|c| c.id) else { return Ok(fetched) };
        let list: Vec<_> = page.conflicts.iter().map(|c| c.conflict.clone()).collect();
        let tx = engine.conn.transaction()?;
        save_conflicts(&tx, &list, wall_ms())?;
        set_meta(&tx, "conflict_cursor", &last.to_string())?;
        tx.commit()?;
        fetched += list.len() as u64;
        after = last;
        if list.len() < BATCH as usize {
            return Ok(fetched);
        }
    }
}

/// How often the areas (reference data) are fetched again.
const REFERENCE_EVERY_MS: u64 = 24 * 60 * 60 * 1000;

/// Fetches the areas again when the copy on the device is older than a day.
fn refresh_reference(engine: &mut Engine, client: &SyncClient) -> Result<()> {
    let last: u64 = get_meta(&engine.conn, "reference_ms")?.and_then(|v| v.parse().ok()).unwrap_or(0);
    let now = wall_ms();
    if now.saturating_sub(last) < REFERENCE_EVERY_MS {
        return Ok(());
    }
    let reference = client.reference()?;
    engine.import_areas(&reference.areas)?;
    set_meta(&engine.conn, "reference_ms", &now.to_string())
}

fn refill_serials(engine: &mut Engine, client: &SyncClient) -> Result<()> {
    let mut profile = engine.profile()?.clone();
    if profile.serial_block.remaining() >= LOW_SERIALS {
        return Ok(());
    }
    match client.new_serial_block() {
        Ok(block) => {
            profile.serial_block = block;
            engine.set_profile(profile)
        }
        // An older server without blocks to hand out: keep issuing from what is left.
        Err(CoreError::Server { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

fn add(total: &mut ApplyReport, more: &ApplyReport) {
    total.inserted += more.inserted;
    total.updated += more.updated;
    total.unchanged += more.unchanged;
    total.merged += more.merged;
    total.conflicts += more.conflicts;
}
