//! Export of everything on the handset as JSON: profile (without the device's token), areas and
//! every record's state.

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
        // The bearer token is a secret of the device: an export is shared, so it never carries it.
        let profile = self.profile.clone().map(|p| crate::profile::Profile { token: None, ..p });
        Ok(json!({
            "profile": profile,
            "areas": self.areas("")?,
            "records": records,
            "outbox": self.outbox()?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Profile};
    use gridwork_domain::AreaCode;
    use gridwork_domain::wire::Role;

    #[test]
    fn an_export_carries_no_token() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(&dir.path().join("h.db"), &crate::StoreKey::random()).unwrap();
        let mut p =
            Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621001001001").unwrap(), 1)
                .unwrap();
        p.token = Some("5ecret-token-0123456789abcdef".into());
        e.set_profile(p).unwrap();
        let text = e.export_json().unwrap().to_string();
        assert!(!text.contains("5ecret-token"), "{text}");
        assert!(text.contains("王芳"), "the rest of the profile is there");
    }
}
