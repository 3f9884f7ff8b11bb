//! Reads of the SQLite store: token lookup, the change feed, areas, conflicts, the server's identity.

use gridwork_domain::wire::StoredConflict;
use gridwork_domain::{Area, AreaCode, DeviceId, Hlc, RecordId};
use rusqlite::{Connection, OptionalExtension, params};

use super::flush::Marks;
use super::sqlite::{
    SERVER_CLOCK_KEY, SERVER_DEVICE_KEY, from_json, parse_area, parse_device, parse_role, scope_range, sql_int,
};
use super::sqlite_write::history_token;
use super::{Account, DeviceAuth, PullPage, ServerWriter, StoreError};

/// The active device holding the token: not revoked, its account not disabled.
pub fn authenticate(c: &Connection, token_hash: &str) -> Result<Option<DeviceAuth>, StoreError> {
    let row = c
        .prepare_cached(
            "SELECT d.id, a.name, a.role, a.scope FROM devices d JOIN accounts a ON a.id = d.account_id
             WHERE d.token_hash = ?1 AND d.revoked_at_ms IS NULL AND a.disabled_at_ms IS NULL",
        )?
        .query_row([token_hash], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .optional()?;
    row.map(|(id, user_name, role, scope)| {
        Ok(DeviceAuth {
            device_id: parse_device(&id)?,
            user_name,
            role: parse_role(&role)?,
            scope: parse_area(&scope)?,
        })
    })
    .transpose()
}

/// The change feed. A wide scope (banner, township) walks the table in change order (`seq` is its
/// key) from the cursor, keeping the rows inside the scope. A narrow one (village and below) takes
/// the next changes of each of its micro-grids from the area index (each micro-grid's entries are
/// in change order), merges them, and reads those rows: its cost grows neither with the rest of the
/// banner's traffic nor with how far behind the device is.
///
/// Only changes numbered up to `upto` (the last durable one) are looked at.
pub fn pull(
    c: &Connection,
    scope: &AreaCode,
    device: DeviceId,
    after: u64,
    limit: u32,
    upto: u64,
) -> Result<PullPage, StoreError> {
    let after_i = sql_int(after);
    let upto = sql_int(upto);
    let want = i64::from(limit) + 1;
    type Row = (i64, Option<String>, i64, Option<String>);
    let mut rows: Vec<Row> = Vec::with_capacity(want as usize);
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> { Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)) };
    if scope.as_str().len() >= 12 {
        let mut stmt = c.prepare_cached(
            "SELECT seq, CASE WHEN pushed_by = ?2 THEN NULL ELSE state END, last_conflict, receipt FROM records
             WHERE seq = ?1",
        )?;
        for seq in narrow_seqs(c, scope, after_i, upto, want)? {
            rows.push(stmt.query_row(params![seq, device.to_string()], read)?);
        }
    } else {
        let (lo, hi) = scope_range(scope);
        let mut stmt = c.prepare_cached(
            "SELECT seq, CASE WHEN pushed_by = ?5 THEN NULL ELSE state END, last_conflict, receipt FROM records NOT INDEXED
             WHERE seq > ?1 AND seq <= ?6 AND micro_grid >= ?2 AND micro_grid < ?3 ORDER BY seq LIMIT ?4",
        )?;
        for row in stmt.query_map(params![after_i, lo, hi, want, device.to_string(), upto], read)? {
            rows.push(row?);
        }
    }
    let mut changes = Vec::with_capacity(limit as usize);
    let (mut seen, mut next, mut more, mut last_conflict) = (0u32, after, false, 0u64);
    for (seq, state, conflict, receipt) in rows {
        if seen == limit {
            more = true;
            break;
        }
        seen += 1;
        next = seq as u64;
        last_conflict = last_conflict.max(conflict as u64);
        if let Some(state) = state {
            changes.push((seq as u64, state, receipt));
        }
    }
    let history = history_token(c, next)?.unwrap_or(0);
    Ok(PullPage { changes, next, more, last_conflict, history })
}

/// The stored texts of the records named that lie inside `scope`; see `SyncStore::records`.
pub fn records(c: &Connection, scope: &AreaCode, ids: &[RecordId]) -> Result<Vec<String>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut stmt =
        c.prepare_cached("SELECT state FROM records WHERE id = ?1 AND micro_grid >= ?2 AND micro_grid < ?3")?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(text) = stmt.query_row(params![id.to_string(), lo, hi], |r| r.get::<_, String>(0)).optional()? {
            out.push(text);
        }
    }
    Ok(out)
}

/// The first `want` change numbers after `after` inside a narrow scope, in order: up to `want` from
/// each micro-grid that has records (found by seeking from one to the next), merged.
fn narrow_seqs(c: &Connection, scope: &AreaCode, after: i64, upto: i64, want: i64) -> Result<Vec<i64>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut next_grid = c.prepare_cached(
        "SELECT micro_grid FROM records INDEXED BY records_scope WHERE micro_grid > ?1 AND micro_grid < ?2
         ORDER BY micro_grid LIMIT 1",
    )?;
    let mut in_grid = c.prepare_cached(
        "SELECT seq FROM records INDEXED BY records_scope WHERE micro_grid = ?1 AND seq > ?2 AND seq <= ?4
         ORDER BY seq LIMIT ?3",
    )?;
    // Records kept at the scope's own code (a grid's highlight points) come first: the scope's own
    // code sorts before every code inside it, which the seek below starts after.
    let mut seqs =
        in_grid.query_map(params![lo, after, want, upto], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut grid = lo;
    while let Some(g) = next_grid.query_row(params![grid, hi], |r| r.get::<_, String>(0)).optional()? {
        for seq in in_grid.query_map(params![g, after, want, upto], |r| r.get::<_, i64>(0))? {
            seqs.push(seq?);
        }
        grid = g;
    }
    seqs.sort_unstable();
    seqs.truncate(usize::try_from(want).unwrap_or(usize::MAX));
    Ok(seqs)
}

pub fn areas(c: &Connection, scope: &AreaCode) -> Result<Vec<Area>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut bodies: Vec<(String, String)> = Vec::new();
    let mut ancestor = c.prepare_cached("SELECT code, body FROM areas WHERE code = ?1")?;
    let mut up = scope.parent();
    while let Some(code) = up {
        if let Some(row) = ancestor.query_row([code.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional()? {
            bodies.push(row);
        }
        up = code.parent();
    }
    let mut inside = c.prepare_cached("SELECT code, body FROM areas WHERE code >= ?1 AND code < ?2 ORDER BY code")?;
    for row in inside.query_map([lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))? {
        bodies.push(row?);
    }
    bodies.sort();
    bodies.iter().map(|(_, body)| from_json(body)).collect()
}

/// The accounts (not disabled) whose area lies inside `scope`, by role then name.
pub fn accounts_in(c: &Connection, scope: &AreaCode) -> Result<Vec<Account>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut stmt = c.prepare_cached(
        "SELECT code, name, phone, role, scope FROM accounts
         WHERE scope >= ?1 AND scope < ?2 AND disabled_at_ms IS NULL ORDER BY role, name, code",
    )?;
    let rows = stmt.query_map([lo, hi], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
    })?;
    rows.map(|row| {
        let (code, name, phone, role, scope) = row?;
        Ok(Account {
            code,
            name,
            phone,
            role: super::sqlite::parse_role(&role)?,
            scope: super::sqlite::parse_area(&scope)?,
        })
    })
    .collect()
}

/// The conflicts inside `scope` with ids after `after`, up to `upto` (the last durable one).
pub fn conflicts(
    c: &Connection,
    scope: &AreaCode,
    after: u64,
    limit: u32,
    upto: u64,
) -> Result<Vec<StoredConflict>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let after_i = sql_int(after);
    let upto = sql_int(upto);
    let mut stmt = c.prepare_cached(
        "SELECT id, conflict, detected_at_ms FROM conflicts
         WHERE micro_grid >= ?1 AND micro_grid < ?2 AND id > ?3 AND id <= ?5 ORDER BY id LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![lo, hi, after_i, i64::from(limit), upto], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
    })?;
    rows.map(|row| {
        let (id, conflict, at) = row?;
        Ok(StoredConflict { id: id as u64, conflict: from_json(&conflict)?, detected_at_ms: at as u64 })
    })
    .collect()
}

/// The newest change number and conflict id stored (read on the writer right after a commit).
pub fn marks(c: &Connection) -> Result<Marks, StoreError> {
    let (seq, conflict): (i64, i64) = c
        .prepare_cached(
            "SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_seq') - 1,
                    (SELECT coalesce(max(id), 0) FROM conflicts)",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Marks { seq: u64::try_from(seq).unwrap_or(0), conflict: u64::try_from(conflict).unwrap_or(0) })
}

pub fn server_writer(c: &Connection) -> Result<ServerWriter, StoreError> {
    let get = |key: &str| -> Result<String, StoreError> {
        Ok(c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
    };
    let device = parse_device(&get(SERVER_DEVICE_KEY)?)?;
    let clock: Hlc = from_json(&get(SERVER_CLOCK_KEY)?)?;
    Ok(ServerWriter { device, clock })
}
