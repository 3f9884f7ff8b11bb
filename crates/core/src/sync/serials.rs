//! A new block of contact-card serials when few are left.

use super::http::SyncClient;
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};

/// Ask for a new card-serial block when fewer serials than this are left.
const LOW_SERIALS: u32 = 100;

pub(super) fn refill_serials<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<()> {
    if cell.with(|e| Ok(e.profile()?.serial_block.remaining()))? >= LOW_SERIALS {
        return Ok(());
    }
    match client.new_serial_block() {
        // The profile as it is now (cards may have been issued meanwhile): only its block changes.
        Ok(block) => cell.with(|e| {
            let mut profile = e.profile()?.clone();
            profile.serial_block = block;
            e.set_profile(profile)
        }),
        // An older server without blocks to hand out: keep issuing from what is left.
        Err(CoreError::Server { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
