//! The protocol and app version each device last spoke, in the SQLite store (the office's fleet
//! view reads them).

use gridwork_domain::DeviceId;
use rusqlite::{Connection, params};

use super::sqlite::sql_int;
use super::{DeviceVersion, StoreError};

/// Notes what `device` last spoke; a device the store does not hold is left alone.
pub fn note_version(c: &Connection, device: DeviceId, v: &DeviceVersion) -> Result<(), StoreError> {
    c.prepare_cached("UPDATE devices SET protocol = ?1, app_version = ?2, version_seen_at_ms = ?3 WHERE id = ?4")?
        .execute(params![v.protocol, v.app, sql_int(v.at_ms), device.to_string()])?;
    Ok(())
}

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
