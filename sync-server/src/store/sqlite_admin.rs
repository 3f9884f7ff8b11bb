//! Office actions in the SQLite store: one-time codes made, devices revoked, accounts disabled —
//! each checked against the domain's `authority::may_administer` and audited (also when refused) — and the revocation check
//! behind `revoked` answers.

use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, DeviceId};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::{AuditRow, action, append_audit};
use super::sqlite::{parse_area, parse_role, sql_int};
use super::{NewCodes, StoreError};
use gridwork_domain::authority::{Actor, may_administer};

/// An account as the rights check sees it.
struct AccountRow {
    id: i64,
    handle: String,
    role: Role,
    scope: AreaCode,
    disabled: bool,
}

fn account(tx: &Transaction<'_>, handle: &str) -> Result<AccountRow, StoreError> {
    let row = tx
        .query_row(
            "SELECT id, code, role, scope, disabled_at_ms IS NOT NULL FROM accounts WHERE code = ?1",
            [handle],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get(4)?,
                ))
            },
        )
        .optional()?;
    let (id, handle, role, scope, disabled) = row.ok_or_else(|| StoreError::NotFound(format!("account {handle}")))?;
    Ok(AccountRow { id, handle, role: parse_role(&role)?, scope: parse_area(&scope)?, disabled })
}

/// Checks that `actor` may administer `target`; a refusal is audited (and committed) before it is
/// returned.
fn check<'c>(
    tx: Transaction<'c>,
    actor: &AccountRow,
    target: &AccountRow,
    audit: AuditRow<'_>,
) -> Result<Transaction<'c>, StoreError> {
    let allowed =
        !actor.disabled && may_administer(&Actor { role: actor.role, scope: &actor.scope }, target.role, &target.scope);
    if allowed {
        return Ok(tx);
    }
    append_audit(&tx, &[AuditRow { result: "forbidden", ..audit }])?;
    tx.commit()?;
    Err(StoreError::Forbidden(format!("{} may not administer the account {}", actor.handle, target.handle)))
}

pub fn create_codes(c: &mut Connection, codes: &NewCodes, now_ms: u64) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let actor = account(&tx, &codes.by)?;
    let target = account(&tx, &codes.account)?;
    let audit = AuditRow {
        at_ms: now_ms,
        account: Some(&target.handle),
        actor: Some(&actor.handle),
        action: action::CODE_CREATE,
        result: "ok",
        ..Default::default()
    };
    let tx = check(tx, &actor, &target, audit.clone())?;
    if target.disabled {
        append_audit(&tx, &[AuditRow { result: "account_disabled", ..audit }])?;
        tx.commit()?;
        return Err(StoreError::Conflict {
            code: "account_disabled",
            message: format!("the account {} is disabled: it may not enroll handsets", target.handle),
        });
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO enroll_codes (code_hash, account_id, created_by, created_at_ms, expires_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for hash in &codes.code_hashes {
            insert.execute(params![hash, target.id, actor.id, sql_int(now_ms), sql_int(codes.expires_at_ms)])?;
        }
    }
    append_audit(&tx, &vec![audit; codes.code_hashes.len()])?;
    tx.commit()?;
    Ok(())
}

pub fn revoke_device(c: &mut Connection, device: DeviceId, by: &str, now_ms: u64) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let handle: Option<String> = tx
        .query_row(
            "SELECT a.code FROM devices d JOIN accounts a ON a.id = d.account_id WHERE d.id = ?1",
            [device.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let handle = handle.ok_or_else(|| StoreError::NotFound(format!("device {device}")))?;
    let actor = account(&tx, by)?;
    let target = account(&tx, &handle)?;
    let audit = AuditRow {
        at_ms: now_ms,
        device: Some(device),
        account: Some(&target.handle),
        actor: Some(&actor.handle),
        action: action::DEVICE_REVOKE,
        result: "ok",
        ..Default::default()
    };
    let tx = check(tx, &actor, &target, audit.clone())?;
    tx.execute(
        "UPDATE devices SET revoked_at_ms = ?1 WHERE id = ?2 AND revoked_at_ms IS NULL",
        params![sql_int(now_ms), device.to_string()],
    )?;
    append_audit(&tx, &[audit])?;
    tx.commit()?;
    Ok(())
}

pub fn disable_account(c: &mut Connection, handle: &str, by: &str, now_ms: u64) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let actor = account(&tx, by)?;
    let target = account(&tx, handle)?;
    let audit = AuditRow {
        at_ms: now_ms,
        account: Some(&target.handle),
        actor: Some(&actor.handle),
        action: action::ACCOUNT_DISABLE,
        result: "ok",
        ..Default::default()
    };
    let tx = check(tx, &actor, &target, audit.clone())?;
    tx.execute(
        "UPDATE accounts SET disabled_at_ms = ?1 WHERE id = ?2 AND disabled_at_ms IS NULL",
        params![sql_int(now_ms), target.id],
    )?;
    append_audit(&tx, &[audit])?;
    tx.commit()?;
    Ok(())
}

/// Whether the token names a revoked device or a device of a disabled account.
pub fn token_revoked(c: &Connection, token_hash: &str) -> Result<bool, StoreError> {
    Ok(c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM devices d JOIN accounts a ON a.id = d.account_id
         WHERE d.token_hash = ?1 AND (d.revoked_at_ms IS NOT NULL OR a.disabled_at_ms IS NOT NULL))",
    )?
    .query_row([token_hash], |r| r.get(0))?)
}
