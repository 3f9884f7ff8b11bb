//! Push batches on their way. Each is noted (its id and the outbox revisions it carries) before
//! it is sent, and forgotten in the transaction that records its answer, which also counts it.
//! A batch whose answer was lost goes again under its own id at the next sync and the server
//! answers it as it did, so this store's count of answered batches and the server's count of
//! applied ones agree — which is how a store restored from a copy, or cloned onto another phone,
//! is told apart from a lost answer (`decide::standing`).

use std::collections::HashMap;

use gridwork_domain::RecordId;
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::relaxed;
use crate::engine::{Engine, get_meta, get_meta_number, get_state_text, set_meta};
use crate::error::{CoreError, Result};

const PREFIX: &str = "in_flight:";
/// The meta key of the count of answered batches.
pub(crate) const PUSHES: &str = "pushes";
/// Syncs a batch whose answer never came is tried again in before it is given up. Given up, the
/// counts may disagree once; that costs a new identity (`mend`), which loses nothing.
const MAX_TRIES: u32 = 3;

#[derive(Debug, Serialize, Deserialize)]
struct Noted {
    tries: u32,
    entries: Vec<(RecordId, i64)>,
}

fn key(id: Uuid) -> String {
    format!("{PREFIX}{id}")
}

/// Notes a batch about to be sent. Lost in a power cut, the note costs at most a needless new
/// identity, so it need not wait for the disk.
pub(super) fn note(engine: &mut Engine, id: Uuid, entries: &HashMap<RecordId, i64>) -> Result<()> {
    let noted = Noted { tries: 0, entries: entries.iter().map(|(k, v)| (*k, *v)).collect() };
    let json = serde_json::to_string(&noted)?;
    relaxed(&mut engine.conn, |tx| set_meta(tx, &key(id), &json))
}

/// Every noted batch, oldest first.
pub(super) fn all(conn: &Connection) -> Result<Vec<(Uuid, HashMap<RecordId, i64>)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM meta WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
    let rows = stmt.query_map([PREFIX, "in_flight;"], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (k, v) = row?;
        let id = Uuid::parse_str(&k[PREFIX.len()..]).map_err(|e| CoreError::Corrupt(format!("{k}: {e}")))?;
        let noted: Noted = serde_json::from_str(&v)?;
        out.push((id, noted.entries.into_iter().collect()));
    }
    Ok(out)
}

/// How many batches are noted.
pub(crate) fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM meta WHERE key >= ?1 AND key < ?2")?
        .query_row([PREFIX, "in_flight;"], |r| r.get(0))?;
    Ok(n as u64)
}

/// Forgets every noted batch (a new identity starts with none).
pub(crate) fn clear(conn: &Connection) -> Result<()> {
    conn.prepare_cached("DELETE FROM meta WHERE key >= ?1 AND key < ?2")?.execute([PREFIX, "in_flight;"])?;
    Ok(())
}

/// The records' texts as held now, for sending a noted batch again.
pub(super) fn texts(conn: &Connection, ids: &[RecordId]) -> Result<Vec<String>> {
    ids.iter().filter_map(|id| get_state_text(conn, *id).transpose()).collect()
}

/// Forgets an answered batch and counts it, in the transaction that records its answer.
pub(super) fn answered(tx: &Transaction<'_>, id: Uuid) -> Result<()> {
    let removed = tx.prepare_cached("DELETE FROM meta WHERE key = ?1")?.execute([key(id)])?;
    // A batch answered twice (its retry came back too) is counted once.
    if removed > 0 {
        set_meta(tx, PUSHES, &(pushes(tx)? + 1).to_string())?;
    }
    Ok(())
}

/// Batches the server answered, as this store counts them.
pub(crate) fn pushes(conn: &Connection) -> Result<u64> {
    Ok(get_meta_number(conn, PUSHES)?.unwrap_or(0))
}

/// A batch that got no answer: kept for the next sync when the server may have applied it (the
/// answer was lost), forgotten when the server refused it whole or it was tried too often.
pub(super) fn failed(conn: &mut Connection, id: Uuid, error: &CoreError) -> Result<()> {
    let Some(json) = get_meta(conn, &key(id))? else { return Ok(()) };
    let mut noted: Noted = serde_json::from_str(&json)?;
    noted.tries += 1;
    let maybe_applied = match error {
        CoreError::Server { code, .. } => matches!(code.as_str(), "internal" | "overloaded" | "request_timeout"),
        e => e.tag() == "offline",
    };
    let json = serde_json::to_string(&noted)?;
    relaxed(conn, |tx| {
        if maybe_applied && noted.tries < MAX_TRIES {
            set_meta(tx, &key(id), &json)
        } else {
            tx.prepare_cached("DELETE FROM meta WHERE key = ?1")?.execute([key(id)])?;
            Ok(())
        }
    })
}
