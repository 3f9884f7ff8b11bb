//! Writes of the SQLite store, each in one transaction: enrollment, serial blocks, accounts, the
//! demo seed, and push batches with their dedupe-ledger rows (several batches per transaction).

use std::borrow::Cow;
use std::collections::HashMap;

use gridwork_domain::authority::Action;
use gridwork_domain::wire::PushResponse;
use gridwork_domain::{DeviceId, Hlc, RecordId, RecordKind, RecordState, SerialBlock};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::audit::{AuditRow, action, append_audit, push_detail};
use super::sqlite::{
    SERVER_CLOCK_KEY, SERVER_DEVICE_KEY, from_json, parse_area, parse_role, role_str, sql_int, to_json,
};
use super::sqlite_attention::Seen;
use super::{Account, BatchMode, DeviceAuth, Enrollment, NewDevice, Reenrollment, Seed, StoreError};
use crate::push_logic::{self, Case, Cases, Checked, Decision, RejectCode, Rejection, Wanted};
use crate::receipts;

/// Gives the server a device id and a clock on first open.
pub fn init_server_identity(c: &Connection) -> Result<(), StoreError> {
    c.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![SERVER_DEVICE_KEY, DeviceId::new().to_string()],
    )?;
    c.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![SERVER_CLOCK_KEY, to_json(&Hlc::default())?],
    )?;
    Ok(())
}

/// Enrolls a device for the account with handle `device.code`, without a one-time code: for tests
/// of the store (handsets enroll through `sqlite_enroll`).
#[cfg_attr(not(test), allow(dead_code))]
pub fn enroll(c: &mut Connection, device: &NewDevice, now_ms: u64) -> Result<Enrollment, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = tx
        .query_row("SELECT id, name, phone, role, scope FROM accounts WHERE code = ?1", [&device.code], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
        })
        .optional()?;
    let Some((account_id, name, phone, role, scope)) = row else {
        return Err(StoreError::NotFound("enrollment code".into()));
    };
    tx.execute(
        "INSERT INTO devices (id, account_id, token_hash, name, enrolled_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device.id.to_string(), account_id, device.token_hash, device.name, sql_int(now_ms)],
    )?;
    let serial_block = assign_block(&tx, device.id, now_ms)?;
    tx.commit()?;
    let account =
        Account { code: device.code.clone(), name, phone, role: parse_role(&role)?, scope: parse_area(&scope)? };
    Ok(Enrollment { device_id: device.id, account, serial_block })
}

/// Hands out the block after the largest one handed out so far.
pub fn assign_block(tx: &Transaction<'_>, device: DeviceId, now_ms: u64) -> Result<SerialBlock, StoreError> {
    let next: i64 = tx.query_row("SELECT COALESCE(MAX(block), 0) + 1 FROM serial_blocks", [], |r| r.get(0))?;
    let block = u32::try_from(next).ok().and_then(|n| SerialBlock::assigned(n).ok()).ok_or_else(|| {
        StoreError::Conflict { code: "serial_blocks_exhausted", message: "no serial blocks are left".into() }
    })?;
    tx.execute(
        "INSERT INTO serial_blocks (block, device_id, assigned_at_ms) VALUES (?1, ?2, ?3)",
        params![next, device.to_string(), sql_int(now_ms)],
    )?;
    Ok(block)
}

pub fn put_accounts(tx: &Transaction<'_>, accounts: &[Account]) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO accounts (code, name, phone, role, scope) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, phone = excluded.phone, role = excluded.role,
             scope = excluded.scope",
    )?;
    for a in accounts {
        stmt.execute(params![a.code, a.name, a.phone, role_str(a.role)?, a.scope.as_str()])?;
    }
    Ok(())
}

fn next_seq(c: &Connection) -> Result<i64, StoreError> {
    let v: String = c.prepare_cached("SELECT value FROM meta WHERE key = 'next_seq'")?.query_row([], |r| r.get(0))?;
    v.parse().map_err(|_| StoreError::Corrupt(format!("next_seq is '{v}'")))
}

/// Moves the next change number from `from` to `to`, and gives the run of numbers between them
/// its history token (see migration 0012).
fn set_next_seq(c: &Connection, from: i64, to: i64) -> Result<(), StoreError> {
    if to == from {
        return Ok(());
    }
    c.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'next_seq'")?.execute([to.to_string()])?;
    // JSON-safe and never 0 (0 stands for "before the first change").
    let token = 1 + (rand::random::<u64>() & ((1 << 53) - 2));
    c.prepare_cached("INSERT INTO history (last_seq, token) VALUES (?1, ?2)")?
        .execute(params![to - 1, sql_int(token)])?;
    Ok(())
}

/// The key the server makes its receipts with.
pub(super) fn receipt_key(c: &Connection) -> Result<Vec<u8>, StoreError> {
    let hex_key: String =
        c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([receipts::RECEIPT_KEY], |r| r.get(0))?;
    hex::decode(hex_key).map_err(|_| StoreError::Corrupt("the receipt key is not hex".into()))
}

/// Writes one record version, as the JSON `text`, with change number `seq` and the receipt made
/// with `key`; returns the receipt.
fn put_record(
    c: &Connection,
    key: &[u8],
    (state, text): (&RecordState, &str),
    micro_grid: &str,
    seq: i64,
    pushed_by: Option<DeviceId>,
) -> Result<String, StoreError> {
    let receipt = receipts::receipt(key, text);
    c.prepare_cached(
        "INSERT INTO records (id, kind, micro_grid, state, seq, pushed_by, receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, micro_grid = excluded.micro_grid,
             state = excluded.state, seq = excluded.seq, pushed_by = excluded.pushed_by, receipt = excluded.receipt",
    )?
    .execute(params![
        state.id.to_string(),
        state.kind.as_str(),
        micro_grid,
        text,
        seq,
        pushed_by.map(|d| d.to_string()),
        receipt
    ])?;
    Ok(receipt)
}

/// Marks each handed-back record whose receipt is this server's as vouched for; refuses the rest.
fn vouch(key: &[u8], records: Vec<Checked>) -> Vec<Checked> {
    records
        .into_iter()
        .map(|r| {
            let mut c = r?;
            if !c.receipt.as_deref().is_some_and(|rc| receipts::verify(key, &c.text, rc)) {
                return Err(Rejection::new(
                    c.state.id,
                    RejectCode::BadReceipt,
                    "the receipt of this version is not this server's",
                ));
            }
            c.vouched = true;
            Ok(c)
        })
        .collect()
}

/// One push batch waiting for the writer, and where its answer goes.
pub struct PushJob {
    pub mode: BatchMode,
    pub device: DeviceAuth,
    pub batch_id: Uuid,
    pub records: Vec<Checked>,
    pub now_ms: u64,
    pub reply: oneshot::Sender<Result<PushResponse, StoreError>>,
}

/// An answer to one push batch, and where it goes.
pub type Answer = (oneshot::Sender<Result<PushResponse, StoreError>>, Result<PushResponse, StoreError>);

/// A group of batches applied: an answer for every batch, to be sent once the commit is on disk,
/// and their parsed records. Freeing tens of thousands of those takes a good part of a millisecond
/// per batch, so the caller does it after giving up the writer's turn.
#[derive(Debug)]
pub struct Group {
    pub answers: Vec<Answer>,
    pub spent: Vec<Vec<(RecordId, Decision)>>,
}

/// Applies the push batches that waited for the writer together, in one transaction (group
/// commit). Each batch runs in its own savepoint: a batch that fails is undone and gets its
/// error, the others stand. Every job gets an answer.
pub fn push_group(c: &mut Connection, jobs: Vec<PushJob>) -> Group {
    let (replies, batches): (Vec<_>, Vec<_>) =
        jobs.into_iter().map(|j| (j.reply, (j.mode, j.device, j.batch_id, j.records, j.now_ms))).unzip();
    let mut results = Vec::with_capacity(batches.len());
    let mut spent = Vec::with_capacity(batches.len());
    let outcome = (|| -> Result<(), StoreError> {
        let mut tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (mode, device, batch_id, records, now_ms) in batches {
            let sp = tx.savepoint()?;
            let result = push(&sp, mode, &device, batch_id, records, now_ms).map(|(response, plan)| {
                spent.push(plan);
                response
            });
            if result.is_ok() {
                sp.commit()?;
            }
            results.push(result);
        }
        tx.commit()?;
        Ok(())
    })();
    let mut results = results.into_iter();
    let answers = replies
        .into_iter()
        .map(|reply| {
            let answer = match &outcome {
                Ok(()) => results.next().unwrap_or_else(|| Err(StoreError::Backend("a batch went unanswered".into()))),
                // Nothing of the group was kept: every batch gets the error.
                Err(e) => Err(e.clone()),
            };
            (reply, answer)
        })
        .collect();
    Group { answers, spent }
}

/// Applies one batch: the ledger check, the decisions, the writes and the ledger row. The caller
/// holds the transaction (or savepoint) that makes them one. Returns the answer, and the plan
/// for the caller to free.
fn push(
    c: &Connection,
    mode: BatchMode,
    device: &DeviceAuth,
    batch_id: Uuid,
    records: Vec<Checked>,
    now_ms: u64,
) -> Result<(PushResponse, Vec<(RecordId, Decision)>), StoreError> {
    let seen: Option<(String, String)> = c
        .prepare_cached("SELECT device_id, response FROM batches WHERE batch_id = ?1")?
        .query_row([batch_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((owner, response)) = seen {
        if owner != device.device_id.to_string() {
            return Err(StoreError::Conflict {
                code: "batch_id_reused",
                message: format!("batch id {batch_id} was already used by another device"),
            });
        }
        return Ok((from_json(&response)?, Vec::new()));
    }
    let mut server: HashMap<RecordId, RecordState> = HashMap::new();
    {
        let mut get = c.prepare_cached("SELECT state FROM records WHERE id = ?1")?;
        for candidate in records.iter().flatten() {
            let id = candidate.state.id;
            if !server.contains_key(&id)
                && let Some(s) = get.query_row([id.to_string()], |r| r.get::<_, String>(0)).optional()?
            {
                server.insert(id, from_json(&s)?);
            }
        }
    }
    // Each record's kind and action, for the audit, as the server held it before the batch.
    let read: Vec<Option<(RecordKind, Action)>> = records
        .iter()
        .map(|r| r.as_ref().ok().map(|c| (c.state.kind, push_logic::action_of(&c.facts, server.get(&c.state.id)))))
        .collect();
    let key = receipt_key(c)?;
    let records = match mode {
        BatchMode::Push => records,
        BatchMode::Restore => vouch(&key, records),
    };
    let mut cases = load_cases(c, &Cases::wanted(&records))?;
    let seen = Seen::of(device, &records);
    let pusher = device.pusher();
    let plan = push_logic::plan(&pusher, records, &mut server, &mut cases);
    let first = next_seq(c)?;
    let mut seq = first;
    let mut receipts = Vec::new();
    for (_, decision) in &plan {
        if let Some((state, micro_grid)) = decision.stored() {
            // Taken whole: stored as the very text sent, and the pushing device, which holds this
            // version, need not pull it. A merge is new to everyone.
            let (text, pushed_by) = match decision {
                Decision::Accept { text, .. } => (Cow::Borrowed(text.as_str()), Some(device.device_id)),
                _ => (Cow::Owned(to_json(state)?), None),
            };
            receipts.push(put_record(c, &key, (state, &text), micro_grid.as_str(), seq, pushed_by)?);
            seq += 1;
        }
        if let Decision::Merge { conflicts, micro_grid, .. } = decision {
            let mut stmt = c.prepare_cached(
                "INSERT INTO conflicts (record_id, field, micro_grid, conflict, detected_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for fc in conflicts {
                stmt.execute(params![
                    fc.record_id.to_string(),
                    fc.field,
                    micro_grid.as_str(),
                    to_json(fc)?,
                    sql_int(now_ms)
                ])?;
                // Pulls of the record from now on tell that a conflict came with it.
                c.prepare_cached("UPDATE records SET last_conflict = ?1 WHERE id = ?2")?
                    .execute(params![c.last_insert_rowid(), fc.record_id.to_string()])?;
            }
        }
    }
    set_next_seq(c, first, seq)?;
    seen.note(c, device, &plan, now_ms)?;
    // What became of every record, in the same transaction as the records themselves.
    let detail = push_detail(&plan, &read);
    let batch = AuditRow {
        at_ms: now_ms,
        device: Some(device.device_id),
        action: if mode == BatchMode::Push { action::PUSH } else { action::RESTORE },
        record_id: Some(RecordId(batch_id)),
        result: "applied",
        detail: Some(&detail),
        ..Default::default()
    };
    append_audit(c, &[batch])?;
    let pushes = match mode {
        BatchMode::Push => c
            .prepare_cached("UPDATE devices SET pushes = pushes + 1 WHERE id = ?1 RETURNING pushes")?
            .query_row([device.device_id.to_string()], |r| r.get::<_, i64>(0))?,
        BatchMode::Restore => c
            .prepare_cached("SELECT pushes FROM devices WHERE id = ?1")?
            .query_row([device.device_id.to_string()], |r| r.get::<_, i64>(0))?,
    };
    let response = push_logic::respond(&pusher, batch_id, &plan, receipts, u64::try_from(pushes).unwrap_or(0));
    c.prepare_cached("INSERT INTO batches (batch_id, device_id, response, applied_at_ms) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![batch_id.to_string(), device.device_id.to_string(), to_json(&response)?, sql_int(now_ms)])?;
    Ok((response, plan))
}

/// The cases a batch's events belong to as stored — each dispute's micro-grid, if held, and its
/// events (found through the index on an event's dispute id) — and the visits the events name.
fn load_cases(c: &Connection, wanted: &Wanted) -> Result<Cases, StoreError> {
    let mut cases = Cases::default();
    if wanted.disputes.is_empty() {
        return Ok(cases);
    }
    cases.name_visits(&wanted.visits);
    let mut visit = c.prepare_cached("SELECT state FROM records WHERE id = ?1 AND kind = 'visit'")?;
    for id in &wanted.visits {
        if let Some(s) = visit.query_row([id.to_string()], |r| r.get::<_, String>(0)).optional()? {
            cases.insert_visit(from_json(&s)?);
        }
    }
    let disputes = &wanted.disputes;
    let mut dispute = c.prepare_cached("SELECT micro_grid FROM records WHERE id = ?1 AND kind = 'dispute'")?;
    let mut events = c.prepare_cached(
        "SELECT state FROM records WHERE kind = 'dispute_event' AND json_extract(state, '$.fields.dispute') = ?1",
    )?;
    for id in disputes {
        let key = id.to_string();
        let micro_grid =
            dispute.query_row([&key], |r| r.get::<_, String>(0)).optional()?.map(|m| parse_area(&m)).transpose()?;
        let events = events
            .query_map([&key], |r| r.get::<_, String>(0))?
            .map(|s| from_json::<RecordState>(&s?))
            .collect::<Result<Vec<_>, _>>()?;
        cases.insert(*id, Case { micro_grid, events });
    }
    Ok(cases)
}

/// What the server holds of a device; see `SyncStore::device_state`.
pub fn device_state(c: &Connection, device: DeviceId, cursor: u64) -> Result<(u64, Option<u64>), StoreError> {
    let pushes: i64 = c
        .prepare_cached("SELECT pushes FROM devices WHERE id = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("device {device}")))?;
    Ok((u64::try_from(pushes).unwrap_or(0), history_token(c, cursor)?))
}

/// The history token of change number `seq`: that of the run of numbers holding it (`None` past
/// the last one; 0 for 0).
pub fn history_token(c: &Connection, seq: u64) -> Result<Option<u64>, StoreError> {
    if seq == 0 {
        return Ok(Some(0));
    }
    let token: Option<i64> = c
        .prepare_cached("SELECT token FROM history WHERE last_seq >= ?1 ORDER BY last_seq LIMIT 1")?
        .query_row([sql_int(seq)], |r| r.get(0))
        .optional()?;
    Ok(token.map(|t| u64::try_from(t).unwrap_or(0)))
}

/// Re-enrollment; see `SyncStore::reenroll`.
pub fn reenroll(
    c: &mut Connection,
    follows: DeviceId,
    d: &Reenrollment,
    now_ms: u64,
) -> Result<Enrollment, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = tx
        .query_row(
            "SELECT d.account_id, d.revoked_at_ms IS NOT NULL, a.code, a.name, a.phone, a.role, a.scope
             FROM devices d JOIN accounts a ON a.id = d.account_id WHERE d.id = ?1",
            [follows.to_string()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, bool>(1)?,
                    (r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                    (r.get::<_, String>(5)?, r.get::<_, String>(6)?),
                ))
            },
        )
        .optional()?;
    let Some((account_id, revoked, (code, name, phone), (role, scope))) = row else {
        return Err(StoreError::NotFound(format!("device {follows}")));
    };
    if revoked {
        return Err(StoreError::Forbidden("a withdrawn device cannot take a new identity".into()));
    }
    let account = Account { code, name, phone, role: parse_role(&role)?, scope: parse_area(&scope)? };
    let earlier: Option<String> = tx
        .query_row(
            "SELECT id FROM devices WHERE follows = ?1 AND reenroll_request = ?2",
            params![follows.to_string(), d.request_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let (device_id, serial_block, result) = match earlier {
        // A retry whose first answer was lost: the same device, with the token never received replaced.
        Some(id) => {
            tx.execute("UPDATE devices SET token_hash = ?1 WHERE id = ?2", params![d.token_hash, id])?;
            let block: i64 =
                tx.query_row("SELECT MIN(block) FROM serial_blocks WHERE device_id = ?1", [&id], |r| r.get(0))?;
            let block = u32::try_from(block)
                .ok()
                .and_then(|b| SerialBlock::assigned(b).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("serial block {block}")))?;
            (super::sqlite::parse_device(&id)?, block, "again")
        }
        None => {
            tx.execute(
                "INSERT INTO devices (id, account_id, token_hash, name, enrolled_at_ms, follows, reenroll_request)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    d.device_id.to_string(),
                    account_id,
                    d.token_hash,
                    d.device_name,
                    sql_int(now_ms),
                    follows.to_string(),
                    d.request_id.to_string()
                ],
            )?;
            (d.device_id, assign_block(&tx, d.device_id, now_ms)?, "ok")
        }
    };
    let audit = AuditRow {
        at_ms: now_ms,
        device: Some(device_id),
        account: Some(account.code.as_str()),
        action: action::REENROLL,
        record_id: Some(RecordId(follows.0)),
        result,
        ..Default::default()
    };
    append_audit(&tx, &[audit])?;
    tx.commit()?;
    Ok(Enrollment { device_id, account, serial_block })
}

/// Seeds an empty database; `false` when it already holds areas or accounts.
pub fn seed(c: &mut Connection, seed: &Seed) -> Result<bool, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let used: bool =
        tx.query_row("SELECT EXISTS(SELECT 1 FROM areas) OR EXISTS(SELECT 1 FROM accounts)", [], |r| r.get(0))?;
    if used {
        return Ok(false);
    }
    {
        let mut stmt =
            tx.prepare_cached("INSERT INTO areas (code, name, level, parent, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for a in &seed.areas {
            stmt.execute(params![
                a.code.as_str(),
                a.name,
                a.level.as_str(),
                a.parent.as_ref().map(|p| p.as_str().to_owned()),
                to_json(a)?
            ])?;
        }
    }
    put_accounts(&tx, &seed.accounts)?;
    let first = next_seq(&tx)?;
    let key = receipt_key(&tx)?;
    let mut seq = first;
    for state in &seed.records {
        let micro_grid = state
            .micro_grid()
            .ok_or_else(|| StoreError::Corrupt(format!("seed record {} has no micro-grid", state.id)))?;
        put_record(&tx, &key, (state, &to_json(state)?), micro_grid.as_str(), seq, None)?;
        seq += 1;
    }
    set_next_seq(&tx, first, seq)?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = ?2", params![to_json(&seed.clock)?, SERVER_CLOCK_KEY])?;
    tx.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests;
