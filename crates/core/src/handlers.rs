//! Reference data for the case screens: whom a case may be dispatched to (accounts, mediation
//! committees and centres, departments) and the deadlines of the loop's steps, as the server last
//! handed them out; searched by name, pinyin or initials for the dispatch picker.

use gridwork_domain::deadline::StepDeadlines;
use gridwork_domain::wire::{Handler, HandlerKind};
use gridwork_domain::{AreaCode, ValidationError};
use rusqlite::params;

use crate::engine::{Engine, get_meta, set_meta};
use crate::error::{CoreError, Result};
use crate::search::{like_pattern, search_text};

const DEADLINES: &str = "deadlines";

impl Engine {
    /// Replaces the handlers and the deadlines with the server's, in one transaction. An older
    /// server sends no handlers: the ones held are kept then.
    pub fn import_handlers(&mut self, handlers: &[Handler], deadlines: &StepDeadlines) -> Result<()> {
        let tx = self.conn.transaction()?;
        if !handlers.is_empty() {
            tx.execute("DELETE FROM handlers", [])?;
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO handlers (key, name, kind, area, search) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for h in handlers {
                let search = search_text(std::iter::once(h.name.as_str()), std::iter::once(h.key.as_str()));
                stmt.execute(params![h.key, h.name, h.kind.as_str(), h.area.as_ref().map(AreaCode::as_str), search])?;
            }
        }
        set_meta(&tx, DEADLINES, &serde_json::to_string(deadlines)?)?;
        tx.commit()?;
        Ok(())
    }

    /// Handlers matching `text` (name, pinyin, initials; empty lists all), of `kind` when given:
    /// accounts first, then mediators, then departments, each by name.
    pub fn handlers(&self, text: &str, kind: Option<HandlerKind>, limit: u32) -> Result<Vec<Handler>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, name, kind, area FROM handlers
             WHERE search LIKE ?1 ESCAPE '\\' AND (?2 IS NULL OR kind = ?2)
             ORDER BY CASE kind WHEN 'grid_worker' THEN 0 WHEN 'grid_leader' THEN 1 WHEN 'supervisor' THEN 2
                                WHEN 'mediator' THEN 3 ELSE 4 END, name
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![like_pattern(text), kind.map(HandlerKind::as_str), limit.max(1)], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        rows.map(|row| {
            let (key, name, kind, area) = row?;
            let kind = serde_json::from_value(serde_json::Value::String(kind))?;
            Ok(Handler { key, name, kind, area: area.map(|a| AreaCode::parse(&a)).transpose()? })
        })
        .collect()
    }

    /// The steps' deadlines the server last handed out (the defaults until it has).
    pub fn deadlines(&self) -> Result<StepDeadlines> {
        Ok(match get_meta(&self.conn, DEADLINES)? {
            Some(text) => serde_json::from_str(&text)?,
            None => StepDeadlines::default(),
        })
    }

    /// Refuses a handler that is not in the reference data (when the device holds any): a case
    /// is dispatched to someone the office knows, never to free text.
    pub(crate) fn check_handler(&self, key: &str) -> Result<()> {
        let (known, any): (bool, bool) = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM handlers WHERE key = ?1), EXISTS(SELECT 1 FROM handlers)",
            [key.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if any && !known {
            return Err(CoreError::Validation(vec![ValidationError {
                field: "action.to".into(),
                code: "unknown_handler".into(),
                message: format!("{key} is not among the handlers a case may be dispatched to"),
            }]));
        }
        Ok(())
    }
}
