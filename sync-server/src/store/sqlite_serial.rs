//! The serial-block quota in the SQLite store: a device gets a new contact-card serial block only
//! once [`QUOTA_PERCENT`] of its current block's serials are on cards the server holds from it. A
//! handset asks when fewer than 100 serials are left and pushes its cards first, so an honest one
//! always qualifies; a loop drawing blocks is refused after the first.
//!
//! A request whose answer was lost leaves the handset on its old block while the server has moved
//! on to a new one that holds no card yet; asked again, the server answers that same block (no new
//! one), so the handset is never stuck between the two.

use gridwork_domain::serial::BLOCK_SIZE;
use gridwork_domain::{DeviceId, SerialBlock};
use rusqlite::{Connection, TransactionBehavior, params};

use super::StoreError;
use super::audit::{AuditRow, action, append_audit};
use super::sqlite_write::assign_block;

/// Share of the current block that must be on stored cards before the next block is handed out.
pub const QUOTA_PERCENT: u32 = 80;

/// Distinct serials of `block` on contact cards the server holds that `device` created.
pub fn used_serials(c: &Connection, device: DeviceId, block: u32) -> Result<u32, StoreError> {
    let lo = format!("{block:08}");
    let hi = format!("{block:08}~");
    let n: i64 = c
        .prepare_cached(
            "SELECT COUNT(DISTINCT json_extract(state, '$.fields.serial')) FROM records
             WHERE kind = 'contact_card'
               AND json_extract(state, '$.fields.serial') >= ?1 AND json_extract(state, '$.fields.serial') < ?2
               AND json_extract(state, '$.origin.device') = ?3",
        )?
        .query_row(params![lo, hi, device.to_string()], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Hands out the next block if the device's current one is mostly used; see the module doc.
pub fn grant_block(c: &mut Connection, device: DeviceId, now_ms: u64) -> Result<SerialBlock, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let latest: Vec<u32> = tx
        .prepare_cached("SELECT block FROM serial_blocks WHERE device_id = ?1 ORDER BY block DESC LIMIT 2")?
        .query_map([device.to_string()], |r| r.get::<_, i64>(0))?
        .map(|b| Ok(u32::try_from(b?).unwrap_or(0)))
        .collect::<Result<_, StoreError>>()?;
    let audit = AuditRow { at_ms: now_ms, device: Some(device), action: action::SERIAL_BLOCK, ..Default::default() };
    let mostly_used = |used: u32| u64::from(used) * 100 >= u64::from(BLOCK_SIZE) * u64::from(QUOTA_PERCENT);
    if let Some(&block) = latest.first() {
        let used = used_serials(&tx, device, block)?;
        if !mostly_used(used) {
            // The answer that handed out `block` may have been lost: the same block again.
            if used == 0
                && let Some(&previous) = latest.get(1)
                && mostly_used(used_serials(&tx, device, previous)?)
            {
                append_audit(&tx, &[AuditRow { result: "ok_again", ..audit }])?;
                tx.commit()?;
                return SerialBlock::assigned(block).map_err(|e| StoreError::Corrupt(e.to_string()));
            }
            append_audit(&tx, &[AuditRow { result: "serial_quota", ..audit }])?;
            tx.commit()?;
            return Err(StoreError::Conflict {
                code: "serial_quota",
                message: format!(
                    "block {block} has {used} of {BLOCK_SIZE} serials on cards the server holds; a new block \
                     comes once {QUOTA_PERCENT}% are (push the issued cards first)"
                ),
            });
        }
    }
    let block = assign_block(&tx, device, now_ms)?;
    append_audit(&tx, &[AuditRow { result: "ok", ..audit }])?;
    tx.commit()?;
    Ok(block)
}
