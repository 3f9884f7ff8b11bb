//! Enrollment with one-time codes in the SQLite store: the code checked, the device made (or the
//! device of an earlier try of the same request found again), the code spent, and the audit row
//! written, all in one transaction.

use gridwork_domain::{DeviceId, SerialBlock};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::{AuditRow, action, append_audit};
use super::sqlite::{parse_area, parse_device, parse_role, sql_int};
use super::sqlite_write::assign_block;
use super::{Account, CodeEnrollment, EnrollOutcome, Enrollment, StoreError};

/// A stored code and the account it is for.
struct CodeRow {
    code_id: i64,
    account_id: i64,
    account: Account,
    disabled: bool,
    expires_at_ms: i64,
    used: bool,
    device_id: Option<String>,
    request_id: Option<String>,
}

fn find_code(tx: &Transaction<'_>, code_hash: &str) -> Result<Option<CodeRow>, StoreError> {
    let row = tx
        .query_row(
            "SELECT k.id, k.account_id, k.expires_at_ms, k.used_at_ms IS NOT NULL, k.device_id, k.request_id,
                    a.code, a.name, a.phone, a.role, a.scope, a.disabled_at_ms IS NOT NULL
             FROM enroll_codes k JOIN accounts a ON a.id = k.account_id WHERE k.code_hash = ?1",
            [code_hash],
            |r| {
                Ok((
                    (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, bool>(3)?),
                    (r.get::<_, Option<String>>(4)?, r.get::<_, Option<String>>(5)?),
                    (r.get::<_, String>(6)?, r.get::<_, String>(7)?, r.get::<_, String>(8)?),
                    (r.get::<_, String>(9)?, r.get::<_, String>(10)?, r.get::<_, bool>(11)?),
                ))
            },
        )
        .optional()?;
    row.map(
        |(
            (code_id, account_id, expires_at_ms, used),
            (device_id, request_id),
            (code, name, phone),
            (role, scope, disabled),
        )| {
            Ok(CodeRow {
                code_id,
                account_id,
                account: Account { code, name, phone, role: parse_role(&role)?, scope: parse_area(&scope)? },
                disabled,
                expires_at_ms,
                used,
                device_id,
                request_id,
            })
        },
    )
    .transpose()
}

/// Enrolls with a one-time code; see `SyncStore::enroll`.
pub fn enroll(c: &mut Connection, e: &CodeEnrollment, now_ms: u64) -> Result<EnrollOutcome, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = find_code(&tx, &e.code_hash)?;
    let outcome = match &row {
        None => Err("unknown_code"),
        Some(k) if k.disabled => Err("account_disabled"),
        Some(k) if sql_int(now_ms) >= k.expires_at_ms => Err("expired_code"),
        Some(k) if k.used => {
            if k.request_id.as_deref() == Some(e.request_id.to_string().as_str()) {
                again(&tx, k, e)?
            } else {
                Err("used_code")
            }
        }
        Some(k) => Ok(first(&tx, k, e, now_ms)?),
    };
    let (device, result) = match &outcome {
        Ok(enrolled) => (Some(enrolled.device_id), "ok"),
        Err(why) => (None, *why),
    };
    let audit = AuditRow {
        at_ms: now_ms,
        device,
        account: row.as_ref().map(|k| k.account.code.as_str()),
        action: action::ENROLL,
        result,
        ..Default::default()
    };
    append_audit(&tx, &[audit])?;
    tx.commit()?;
    Ok(match outcome {
        Ok(enrolled) => EnrollOutcome::Enrolled(enrolled),
        Err(why) => EnrollOutcome::Refused(why),
    })
}

/// The first use of a code: a new device, its first serial block, and the code spent.
fn first(tx: &Transaction<'_>, k: &CodeRow, e: &CodeEnrollment, now_ms: u64) -> Result<Enrollment, StoreError> {
    tx.execute(
        "INSERT INTO devices (id, account_id, token_hash, name, enrolled_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![e.device_id.to_string(), k.account_id, e.token_hash, e.device_name, sql_int(now_ms)],
    )?;
    let serial_block = assign_block(tx, e.device_id, now_ms)?;
    tx.execute(
        "UPDATE enroll_codes SET used_at_ms = ?1, device_id = ?2, request_id = ?3 WHERE id = ?4",
        params![sql_int(now_ms), e.device_id.to_string(), e.request_id.to_string(), k.code_id],
    )?;
    Ok(Enrollment { device_id: e.device_id, account: k.account.clone(), serial_block })
}

/// A retry of the request that spent the code (its answer was lost): the same device and first
/// serial block, with the new token in place of the one never received. Refused once the device
/// was revoked.
fn again(
    tx: &Transaction<'_>,
    k: &CodeRow,
    e: &CodeEnrollment,
) -> Result<Result<Enrollment, &'static str>, StoreError> {
    let device = k.device_id.as_deref().ok_or_else(|| StoreError::Corrupt("a used code names no device".into()))?;
    let found: Option<(bool, i64)> = tx
        .query_row(
            "SELECT d.revoked_at_ms IS NOT NULL, (SELECT MIN(block) FROM serial_blocks WHERE device_id = d.id)
             FROM devices d WHERE d.id = ?1",
            [device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((revoked, block)) = found else {
        return Err(StoreError::Corrupt("a used code names a missing device".into()));
    };
    if revoked {
        return Ok(Err("revoked"));
    }
    tx.execute("UPDATE devices SET token_hash = ?1 WHERE id = ?2", params![e.token_hash, device])?;
    let serial_block = u32::try_from(block)
        .ok()
        .and_then(|b| SerialBlock::assigned(b).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("serial block {block}")))?;
    let device_id: DeviceId = parse_device(device)?;
    Ok(Ok(Enrollment { device_id, account: k.account.clone(), serial_block }))
}
