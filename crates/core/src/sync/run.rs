//! One sync run: push the outbox (`push`), pull the changes in scope (`pull`), then bring down
//! conflicts, reference data and a new card-serial block when they are due; and enrollment.

use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{EnrollRequest, ReferenceData};
use serde::Serialize;

use super::decide::{Mend, clock_offset};
use super::hand_back::hand_back;
use super::http::SyncClient;
use super::in_flight;
use super::new_identity::take_new_identity;
use super::pull::pull_all;
use super::push::{mend_key, push_all};
use crate::conflicts::save_conflicts;
use crate::db::relaxed;
use crate::engine::{Engine, get_meta, get_meta_number, set_meta};
use crate::error::{CoreError, Result};
use crate::net_error::{NetError, RetryNote};
use crate::profile::Profile;
use crate::remote::ApplyReport;
use gridwork_domain::standing::{Held, Standing, standing};

/// Records per push batch (the server takes up to 1,000).
pub const BATCH: u32 = 1000;
/// Changes per pull page (the server gives up to 5,000).
pub const PAGE: u32 = 2000;
/// Ask for a new card-serial block when fewer serials than this are left.
const LOW_SERIALS: u32 = 100;

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

/// The meta key of the pending enrollment: the code it was for and its request id, kept until an
/// answer comes so that trying again (even after a restart) is the same request, which the server
/// answers with the same device.
const PENDING_ENROLL: &str = "pending_enroll";

/// The request id of an enrollment with `code`: the pending one's when it was for the same code,
/// otherwise a fresh one, stored before it is sent.
fn enroll_request_id(engine: &Engine, code: &str) -> Result<uuid::Uuid> {
    let key: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).flat_map(|c| c.to_uppercase()).collect();
    if let Some(pending) = get_meta(&engine.conn, PENDING_ENROLL)?
        && let Some((for_code, id)) = pending.split_once(' ')
        && for_code == key
        && let Ok(id) = id.parse()
    {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7();
    set_meta(&engine.conn, PENDING_ENROLL, &format!("{key} {id}"))?;
    Ok(id)
}

/// Enrolls this device with a server using a one-time enrollment code from the grid office, and
/// loads its reference areas (no private CA, no pin given, plain HTTP only on this machine).
pub fn enroll(engine: &mut Engine, server_url: &str, code: &str, device_name: &str) -> Result<Profile> {
    enroll_with(engine, server_url, code, device_name, &super::TlsOptions::default())
}

/// As [`enroll`], reaching the server as `tls` says; the key the server showed is pinned in the
/// profile (with `tls.pin`, the enrollment link's, even this first contact was pinned).
pub fn enroll_with(
    engine: &mut Engine,
    server_url: &str,
    code: &str,
    device_name: &str,
    tls: &super::TlsOptions,
) -> Result<Profile> {
    let client = SyncClient::with_tls(server_url, None, tls)?;
    let request_id = enroll_request_id(engine, code)?;
    let sent = engine.phone_ms();
    let r = client.enroll(&EnrollRequest {
        code: code.trim().to_owned(),
        device_name: device_name.to_owned(),
        request_id,
    })?;
    let profile = Profile {
        device_id: r.device_id,
        device_name: device_name.to_owned(),
        user_name: r.user_name,
        user_phone: r.user_phone,
        role: r.role,
        scope: r.scope,
        serial_block: r.serial_block,
        server_url: Some(server_url.trim().trim_end_matches('/').to_owned()),
        token: Some(r.token.clone()),
        server_pin: client.seen_pin().or_else(|| tls.pin.clone()),
        ca_file: tls.ca_file.clone(),
        insecure: tls.insecure,
    };
    engine.set_profile(profile.clone())?;
    engine.conn.execute("DELETE FROM meta WHERE key = ?1", [PENDING_ENROLL])?;
    if r.server_ms > 0 {
        engine.correct_clock(clock_offset(r.server_ms, sent, engine.phone_ms()), false)?;
    }
    let reference = SyncClient::for_profile(&profile)?.reference()?;
    keep_reference(engine, &reference, wall_ms())?;
    Ok(profile)
}

/// Pushes everything pending, then pulls everything new. Stops at the first failure; whatever
/// was done before it stays done, and the next run picks up where this one stopped — except when
/// the server answers `revoked`: then the store is wiped at once (`Engine::wipe`) and the error
/// returned, and the device must enroll again.
pub fn sync(engine: &mut Engine, client: &SyncClient, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncReport> {
    match sync_run(engine, client, progress) {
        Err(CoreError::Revoked(message)) => {
            engine.wipe()?;
            Err(CoreError::Revoked(message))
        }
        other => other,
    }
}

fn sync_run(engine: &mut Engine, client: &SyncClient, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    // Every request says how many changes wait here, for the office's view of its fleet.
    client.set_waiting(engine.pending_count()?);
    // A mend a refusal of the last sync asked for comes before anything is sent.
    let due = [Mend::Clock, Mend::Identity].into_iter().map(|m| get_meta(&engine.conn, mend_key(m)));
    if due.collect::<Result<Vec<_>>>()?.iter().any(Option::is_some) {
        preflight(engine, client, &mut report)?;
    }
    // What the store holds rides on the first request: a server out of step with it refuses
    // that request (nothing is applied), and only then does the handset ask `/me` and mend.
    let mut held = Some(held_now(engine)?);
    match exchange(engine, client, &mut report, progress, &mut held) {
        Err(CoreError::Server { code, .. }) if code == "store_behind" || code == "history_changed" => {
            preflight(engine, client, &mut report)?;
            exchange(engine, client, &mut report, progress, &mut None)?;
        }
        other => other?,
    }
    // The server's clock, as its answers told it, for the next writes.
    if let Some(t) = client.server_time() {
        let skew = engine.phone_ms() as i64 - wall_ms() as i64;
        let received = t.local_ms.saturating_add_signed(skew);
        let offset = clock_offset(t.server_ms, received.saturating_sub(t.rtt_ms), received);
        report.clock_offset_ms = offset;
        report.restamped += engine.correct_clock(offset, false)?;
    }
    report.conflicts = fetch_conflicts(engine, client)?;
    refresh_reference(engine, client)?;
    refill_serials(engine, client)?;
    report.attention = super::attention::fetch_attention(engine, client)?;
    Ok(report)
}

/// Pushes, mending once what the handset mends itself, then pulls. `held` goes with the first request.
fn exchange(
    engine: &mut Engine,
    client: &SyncClient,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
    held: &mut Option<Held>,
) -> Result<()> {
    let mended = report.to_mend;
    push_all(engine, client, report, progress, held)?;
    if report.to_mend > mended {
        // Refusals this handset mends itself: mend, then send those changes again.
        preflight(engine, client, report)?;
        push_all(engine, client, report, progress, &mut None)?;
    }
    client.set_waiting(engine.pending_count()?);
    report.cursor = pull_all(engine, client, report, progress, held)?;
    Ok(())
}

/// What the store holds of its exchanges with the server.
fn held_now(engine: &Engine) -> Result<Held> {
    Ok(Held {
        pushes: in_flight::pushes(&engine.conn)?,
        in_flight: in_flight::count(&engine.conn)?,
        cursor: get_meta_number(&engine.conn, "cursor")?.unwrap_or(0),
        history: get_meta_number(&engine.conn, CURSOR_HISTORY)?,
    })
}

/// Reads what the server holds of this device, takes up its clock,
/// and mends a store found to be a restored or cloned copy, or hands back what a server restored
/// from an older copy lost (`decide::standing`).
fn preflight(engine: &mut Engine, client: &SyncClient, report: &mut SyncReport) -> Result<()> {
    let held = held_now(engine)?;
    let sent = engine.phone_ms();
    let me = match client.me(held.cursor) {
        Ok(me) => me,
        // A server older than `/me`: none of this can be told; sync as before.
        Err(CoreError::Server { code, .. }) if code == "not_found" => return Ok(()),
        Err(e) => return Err(e),
    };
    let offset = clock_offset(me.server_ms, sent, engine.phone_ms());
    report.clock_offset_ms = offset;
    let refused = get_meta(&engine.conn, mend_key(Mend::Clock))?.is_some();
    report.restamped += engine.correct_clock(offset, refused)?;
    let reused = get_meta(&engine.conn, mend_key(Mend::Identity))?.is_some();
    match standing(&held, me.pushes, me.history) {
        Standing::ServerLostHistory => report.handed_back = Some(hand_back(engine, client, me.pushes)?),
        Standing::StoreBehind => report.new_identity = Some(take_new_identity(engine, client)?),
        Standing::InStep if reused => report.new_identity = Some(take_new_identity(engine, client)?),
        Standing::InStep => {}
    }
    engine.conn.execute("DELETE FROM meta WHERE key = ?1", [mend_key(Mend::Clock)])?;
    Ok(())
}

/// The meta key of the server's history token for the pull cursor.
pub(super) const CURSOR_HISTORY: &str = "cursor_history";

/// The meta key that says whether conflicts may wait on the server: set with a stored page that
/// names a conflict newer than the last one fetched (and with a merged push), cleared once the
/// conflicts are fetched. A store without it (older than the key) fetches.
pub(super) const CONFLICTS_DUE: &str = "conflicts_due";

/// The id of the last conflict fetched (0 before the first).
pub(super) fn conflict_cursor(conn: &rusqlite::Connection) -> Result<u64> {
    Ok(get_meta_number(conn, "conflict_cursor")?.unwrap_or(0))
}

/// Brings down the conflicts the server found in this device's area since the last time, when
/// there can be any.
fn fetch_conflicts(engine: &mut Engine, client: &SyncClient) -> Result<u64> {
    if get_meta(&engine.conn, CONFLICTS_DUE)?.as_deref() == Some("0") {
        return Ok(0);
    }
    let mut after = conflict_cursor(&engine.conn)?;
    let mut fetched = 0;
    loop {
        let page = client.conflicts(after, BATCH)?;
        let list: Vec<_> = page.conflicts.iter().map(|c| c.conflict.clone()).collect();
        let done = list.len() < BATCH as usize;
        let last = page.conflicts.last().map(|c| c.id);
        // Like a pulled page, fetched conflicts and their cursor need not wait for the disk: a
        // power cut takes both back, and the next sync fetches them again.
        relaxed(&mut engine.conn, |tx| {
            if let Some(last) = last {
                save_conflicts(tx, &list, wall_ms())?;
                set_meta(tx, "conflict_cursor", &last.to_string())?;
            }
            if done {
                set_meta(tx, CONFLICTS_DUE, "0")?;
            }
            Ok(())
        })?;
        fetched += list.len() as u64;
        after = last.unwrap_or(after);
        if done {
            return Ok(fetched);
        }
    }
}

/// What this version keeps of the reference data: 2 = areas, handlers and deadlines.
const REFERENCE_VERSION: u64 = 2;

/// How often the areas (reference data) are fetched again.
const REFERENCE_EVERY_MS: u64 = 24 * 60 * 60 * 1000;

/// Fetches the reference data again when the copy on the device is older than a day, or was
/// fetched by a version of the app that did not keep handlers and deadlines.
fn refresh_reference(engine: &mut Engine, client: &SyncClient) -> Result<()> {
    let last: u64 = get_meta_number(&engine.conn, "reference_ms")?.unwrap_or(0);
    let now = wall_ms();
    let kept_all = get_meta_number::<u64>(&engine.conn, "reference_v")?.unwrap_or(0) >= REFERENCE_VERSION;
    if kept_all && now.saturating_sub(last) < REFERENCE_EVERY_MS {
        return Ok(());
    }
    keep_reference(engine, &client.reference()?, now)
}

/// Keeps the server's reference data (areas, handlers, deadlines) and when it was fetched.
fn keep_reference(engine: &mut Engine, reference: &ReferenceData, now: u64) -> Result<()> {
    engine.import_areas(&reference.areas)?;
    engine.import_handlers(&reference.handlers, &reference.deadlines)?;
    set_meta(&engine.conn, "reference_v", &REFERENCE_VERSION.to_string())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_keeps_its_request_id_until_answered() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(&dir.path().join("h.db")).unwrap();
        let first = enroll_request_id(&engine, "K7QM-3XHP-T9WD").unwrap();
        assert_eq!(enroll_request_id(&engine, " k7qm 3xhp t9wd ").unwrap(), first, "the same code, typed otherwise");
        drop(engine);
        let engine = Engine::open(&dir.path().join("h.db")).unwrap();
        assert_eq!(enroll_request_id(&engine, "K7QM3XHPT9WD").unwrap(), first, "and after a restart");
        let other = enroll_request_id(&engine, "AAAA-BBBB-CCCC").unwrap();
        assert_ne!(other, first, "another code is another enrollment");
    }
}
