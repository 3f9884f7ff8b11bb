//! The serial-block quota in the SQLite store: a device gets a new contact-card serial block only
//! once [`QUOTA_PERCENT`] of its current block's serials are on cards the server holds from it. A
//! handset asks when fewer than 100 serials are left and pushes its cards first, so an honest one
//! always qualifies; a loop drawing blocks is refused after the first.

use gridwork_domain::serial::BLOCK_SIZE;
use gridwork_domain::{DeviceId, SerialBlock};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

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
    let current: Option<i64> = tx
        .query_row("SELECT MAX(block) FROM serial_blocks WHERE device_id = ?1", [device.to_string()], |r| r.get(0))
        .optional()?
        .flatten();
    let audit = AuditRow { at_ms: now_ms, device: Some(device), action: action::SERIAL_BLOCK, ..Default::default() };
    if let Some(block) = current.and_then(|b| u32::try_from(b).ok()) {
        let used = used_serials(&tx, device, block)?;
        if u64::from(used) * 100 < u64::from(BLOCK_SIZE) * u64::from(QUOTA_PERCENT) {
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
