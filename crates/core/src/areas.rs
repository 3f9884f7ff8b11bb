//! Reference areas on the handset: imported from the server (or demo data), listed for pickers
//! and maps, and used to place a household in its micro-grid by its position.

use gridwork_domain::area::micro_grid_at;
use gridwork_domain::{Area, AreaCode, GeoPoint};
use rusqlite::params;

use crate::engine::Engine;
use crate::error::Result;

impl Engine {
    /// Replaces the stored areas with `areas`, in one transaction.
    pub fn import_areas(&mut self, areas: &[Area]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM areas", [])?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO areas (code, name, level, parent, boundary) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for a in areas {
                let boundary = a
                    .boundary
                    .as_ref()
                    .map(|_| serde_json::to_value(a))
                    .transpose()?
                    .and_then(|v| v.get("boundary").cloned());
                stmt.execute(params![
                    a.code.as_str(),
                    a.name,
                    a.level.as_str(),
                    a.parent.as_ref().map(AreaCode::as_str),
                    boundary.map(|b| b.to_string()),
                ])?;
            }
        }
        tx.commit()?;
        Ok(areas.len())
    }

    /// Areas whose code starts with `prefix` (all with an empty prefix), by code.
    pub fn areas(&self, prefix: &str) -> Result<Vec<Area>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, level, parent, boundary FROM areas WHERE code LIKE ?1 ORDER BY code")?;
        let rows = stmt.query_map([format!("{prefix}%")], |r| {
            Ok(serde_json::json!({
                "code": r.get::<_, String>(0)?,
                "name": r.get::<_, String>(1)?,
                "level": r.get::<_, String>(2)?,
                "parent": r.get::<_, Option<String>>(3)?,
                "boundary": r.get::<_, Option<String>>(4)?.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok()),
            }))
        })?;
        rows.map(|v| Ok(serde_json::from_value(v?)?)).collect()
    }

    /// The micro-grid whose boundary contains `p`, among those in this device's scope.
    pub fn locate(&self, p: GeoPoint) -> Result<Option<AreaCode>> {
        let scope = self.profile()?.scope.to_string();
        Ok(micro_grid_at(&self.areas(&scope)?, p).map(|a| a.code.clone()))
    }
}
