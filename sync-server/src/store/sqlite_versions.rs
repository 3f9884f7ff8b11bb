//! The protocol and app version each device last spoke, in the SQLite store (written with each
//! contact, see `sqlite_office::note_contact`).

use gridwork_domain::DeviceId;
use rusqlite::Connection;

use super::{DeviceVersion, StoreError};

/// Every device that has spoken since the versions were kept, with what it last spoke.
pub fn device_versions(c: &Connection) -> Result<Vec<(DeviceId, DeviceVersion)>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT id, protocol, app_version, version_seen_at_ms FROM devices WHERE protocol IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, i64>(3)?))
    })?;
    rows.map(|row| {
        let (id, protocol, app, at) = row?;
        let device = id.parse::<DeviceId>().map_err(|e| StoreError::Corrupt(format!("device id '{id}': {e}")))?;
        Ok((device, DeviceVersion { protocol, app, at_ms: u64::try_from(at).unwrap_or(0) }))
    })
    .collect()
}
