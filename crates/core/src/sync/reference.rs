//! The reference data (areas, handlers, deadlines, the server's lock policy): fetched at
//! enrollment and again once a day, kept with when it was fetched.

use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::ReferenceData;

use super::http::SyncClient;
use crate::engine::{Engine, get_meta_number, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::Result;

/// What this version keeps of the reference data: 3 = areas, handlers, deadlines and the policy.
const REFERENCE_VERSION: u64 = 3;

/// How often the reference data is fetched again.
const REFERENCE_EVERY_MS: u64 = 24 * 60 * 60 * 1000;

/// Fetches the reference data again when the copy on the device is older than a day, or was
/// fetched by a version of the app that did not keep all of it.
pub(super) fn refresh_reference<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<()> {
    let now = wall_ms();
    let due = cell.with(|e| {
        let last: u64 = get_meta_number(&e.conn, "reference_ms")?.unwrap_or(0);
        let kept_all = get_meta_number::<u64>(&e.conn, "reference_v")?.unwrap_or(0) >= REFERENCE_VERSION;
        Ok(!kept_all || now.saturating_sub(last) >= REFERENCE_EVERY_MS)
    })?;
    if !due {
        return Ok(());
    }
    let reference = client.reference()?;
    cell.with(|e| keep_reference(e, &reference, now))
}

/// Keeps the server's reference data and when it was fetched.
pub(super) fn keep_reference(engine: &mut Engine, reference: &ReferenceData, now: u64) -> Result<()> {
    engine.import_areas(&reference.areas)?;
    engine.import_handlers(&reference.handlers, &reference.deadlines)?;
    engine.keep_policy(&reference.policy)?;
    set_meta(&engine.conn, "reference_v", &REFERENCE_VERSION.to_string())?;
    set_meta(&engine.conn, "reference_ms", &now.to_string())
}
