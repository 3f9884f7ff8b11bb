//! A new identity for a store found to be a restored or cloned copy. Such a store numbers its next
//! writes again from where the copy stood, so they collide with writes the server already holds
//! from the same device, and its pulls leave out "its own" changes that it never had. So the
//! handset takes a new device identity for the same account (authenticated by its token), reads
//! the server's versions of its unsent changes, and writes each change again on top of them under
//! the new identity (`restamp::rebase`) before anything else is written. Nothing the worker
//! typed is dropped; the other copy keeps the old identity.

use std::collections::{HashMap, HashSet};

use gridwork_domain::restamp::rebase;
use gridwork_domain::wire::{EnrollResponse, ReenrollRequest};
use gridwork_domain::{RecordId, RecordState, Writer};

use super::decide::Mend;
use super::http::SyncClient;
use super::in_flight;
use super::push::mend_key;
use crate::engine::{Engine, get_meta, get_state, put_local_state, put_state, save_clock, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};

/// The meta key of a re-enrollment sent and not yet answered: its request id, so that a retry
/// (even after a restart) gets the same new device.
const PENDING_REENROLL: &str = "pending_reenroll";

/// Ids asked for at once (the server reads up to a batch).
const CHUNK: usize = 1000;

/// Rounds of asking the server for records edited while it was being asked, before the rest is
/// left to the next mend.
const ROUNDS: usize = 5;

/// Takes a new identity and writes every unsent change again under it; `client` follows the new
/// identity from then on. Returns how many changes were written again.
///
/// The engine is not held while the server is asked. A record first edited meanwhile has no
/// server version fetched yet, and written again without one it would be created anew: so the
/// rewrite looks at the outbox again under the engine, and when it holds records not asked
/// about, lets go, asks about them, and tries again.
pub(super) fn take_new_identity<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<u64> {
    let (device_name, request_id) = cell.with(|engine| {
        let name = engine.profile()?.device_name.clone();
        let id = match get_meta(&engine.conn, PENDING_REENROLL)?.and_then(|v| v.parse().ok()) {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::now_v7();
                set_meta(&engine.conn, PENDING_REENROLL, &id.to_string())?;
                id
            }
        };
        Ok((name, id))
    })?;
    let r = client.reenroll(&ReenrollRequest { device_name, request_id })?;
    client.set_token(Some(r.token.clone()));
    // The server's versions of every record with a change waiting, read with the new identity.
    let mut server: HashMap<RecordId, RecordState> = HashMap::new();
    let mut asked: HashSet<RecordId> = HashSet::new();
    for round in 1..=ROUNDS {
        let waiting = cell.with(|e| outbox_ids(&e.conn))?;
        let ask: Vec<RecordId> = waiting.into_iter().filter(|id| !asked.contains(id)).collect();
        for chunk in ask.chunks(CHUNK) {
            for text in client.records(chunk)?.records {
                let state: RecordState = serde_json::from_str(text.get())
                    .map_err(|e| CoreError::Server { code: "bad_record".into(), message: e.to_string() })?;
                server.insert(state.id, state);
            }
        }
        asked.extend(ask);
        if let Some(rewritten) = cell.with(|e| rewrite(e, &r, &asked, &server, round == ROUNDS))? {
            return Ok(rewritten);
        }
    }
    unreachable!("the last round rewrites")
}

/// The records with a change waiting, oldest first.
fn outbox_ids(conn: &rusqlite::Connection) -> Result<Vec<RecordId>> {
    conn.prepare_cached("SELECT record_id FROM outbox ORDER BY queued_ms, record_id")?
        .query_map([], |row| row.get::<_, String>(0))?
        .map(|id| Ok(id?.parse()?))
        .collect()
}

/// Writes every waiting change again under the new identity in one transaction, and takes the
/// identity; `None` (nothing written) when the outbox holds records not `asked` about, unless
/// `last`: then those are left under the old identity, for the next mend.
fn rewrite(
    engine: &mut Engine,
    r: &EnrollResponse,
    asked: &HashSet<RecordId>,
    server: &HashMap<RecordId, RecordState>,
    last: bool,
) -> Result<Option<u64>> {
    let ids = outbox_ids(&engine.conn)?;
    if !last && ids.iter().any(|id| !asked.contains(id)) {
        return Ok(None);
    }
    let mut profile = engine.profile()?.clone();
    let old = profile.device_id;
    profile.device_id = r.device_id;
    profile.token = Some(r.token.clone());
    profile.serial_block = r.serial_block;
    let now = engine.now_ms();
    let clock = &mut engine.clock;
    let tx = engine.conn.transaction()?;
    let mut rewritten = 0;
    for id in ids.iter().filter(|id| asked.contains(id)) {
        let Some(local) = get_state(&tx, *id)? else { continue };
        let held = server.get(id);
        let mut w = Writer { device: r.device_id, clock: &mut *clock, now_ms: now };
        match (rebase(&local, held, &mut w), held) {
            (Some(next), _) => {
                put_local_state(&tx, &next, now)?;
                rewritten += 1;
            }
            // The server holds all of it already: take its version, nothing is left to send.
            (None, Some(held)) => {
                put_state(&tx, held, None, now)?;
                tx.execute("DELETE FROM outbox WHERE record_id = ?1", [id.to_string()])?;
            }
            (None, None) => {}
        }
    }
    set_meta(&tx, "profile", &serde_json::to_string(&profile)?)?;
    set_meta(&tx, in_flight::PUSHES, "0")?;
    in_flight::clear(&tx)?;
    tx.execute("DELETE FROM meta WHERE key IN (?1, ?2)", [PENDING_REENROLL, mend_key(Mend::Identity)])?;
    save_clock(&tx, clock)?;
    tx.commit()?;
    tracing::warn!(%old, new = %r.device_id, rewritten, "this store was a restored or cloned copy: it took a new identity");
    engine.profile = Some(profile);
    Ok(Some(rewritten))
}
