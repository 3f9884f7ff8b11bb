//! Export of everything on the handset as JSON: profile, areas and every record's state.

use serde_json::{Value, json};

use crate::engine::Engine;
use crate::error::Result;

impl Engine {
    pub fn export_json(&self) -> Result<Value> {
        let mut stmt = self.conn.prepare("SELECT state FROM records ORDER BY kind, id")?;
        let records: Vec<Value> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|j| Ok(serde_json::from_str(&j?)?))
            .collect::<Result<_>>()?;
        Ok(json!({
            "profile": self.profile,
            "areas": self.areas("")?,
            "records": records,
            "outbox": self.outbox()?,
        }))
    }
}
