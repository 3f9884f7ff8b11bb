//! Drafts of half-filled forms: saved as the worker types, so a form survives the app being
//! closed or killed, and deleted once the record it becomes is saved.

use gridwork_domain::clock::wall_ms;
use rusqlite::OptionalExtension;

use crate::engine::Engine;
use crate::error::Result;

impl Engine {
    /// Saves (or replaces) the draft of `form`, e.g. `visit:<household id>`. `body` is the form's
    /// fields as the UI keeps them (JSON text); the engine does not look inside.
    pub fn save_draft(&mut self, form: &str, body: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO drafts (form, body, updated_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (form) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms",
            )?
            .execute((form, body, wall_ms() as i64))?;
        Ok(())
    }

    /// The saved draft of `form`, if any.
    pub fn load_draft(&self, form: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT body FROM drafts WHERE form = ?1")?
            .query_row([form], |r| r.get(0))
            .optional()?)
    }

    /// Forgets the draft of `form`; true when there was one.
    pub fn delete_draft(&mut self, form: &str) -> Result<bool> {
        Ok(self.conn.prepare_cached("DELETE FROM drafts WHERE form = ?1")?.execute([form])? == 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::Engine;

    #[test]
    fn a_draft_survives_reopening_the_store_until_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        {
            let mut e = Engine::open(&path, &crate::StoreKey::from_bytes([1; 32])).unwrap();
            assert_eq!(e.load_draft("visit:1").unwrap(), None);
            e.save_draft("visit:1", r#"{"findings":"楼道"}"#).unwrap();
            e.save_draft("visit:1", r#"{"findings":"楼道堆放杂物"}"#).unwrap();
            e.save_draft("dispute", "{}").unwrap();
        }
        let mut e = Engine::open(&path, &crate::StoreKey::from_bytes([1; 32])).unwrap();
        assert_eq!(e.load_draft("visit:1").unwrap().as_deref(), Some(r#"{"findings":"楼道堆放杂物"}"#));
        assert!(e.delete_draft("visit:1").unwrap());
        assert!(!e.delete_draft("visit:1").unwrap());
        assert_eq!(e.load_draft("visit:1").unwrap(), None);
        assert_eq!(e.load_draft("dispute").unwrap().as_deref(), Some("{}"));
    }
}
