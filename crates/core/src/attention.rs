//! The "needs attention" list kept on a leader's, supervisor's or the banner centre's handset:
//! the refused changes inside its area as last fetched from the server (`sync::attention`).

use gridwork_domain::attention::AttentionItem;
use rusqlite::{Transaction, params};

use crate::engine::Engine;
use crate::error::Result;

impl Engine {
    /// The refused changes of the area as of the last sync, oldest first (empty for a grid
    /// worker, whose own refusals are in its outbox).
    pub fn attention(&self) -> Result<Vec<AttentionItem>> {
        let mut stmt = self.conn.prepare_cached("SELECT item FROM attention ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|text| Ok(serde_json::from_str(&text?)?)).collect()
    }
}

/// Replaces the stored list with `items` (the whole open list, just fetched).
pub(crate) fn replace_attention(tx: &Transaction<'_>, items: &[AttentionItem]) -> Result<()> {
    tx.execute("DELETE FROM attention", [])?;
    let mut stmt = tx.prepare_cached("INSERT INTO attention (id, item) VALUES (?1, ?2)")?;
    for item in items {
        stmt.execute(params![i64::try_from(item.id).unwrap_or(i64::MAX), serde_json::to_string(item)?])?;
    }
    Ok(())
}
