//! Conflicts found while merging: kept with both values until a person has looked at them.

use gridwork_domain::FieldConflict;
use gridwork_domain::authority::Action;
use gridwork_domain::wire::Role;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::engine::{Engine, get_state};
use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConflictRow {
    pub id: i64,
    /// What the record is, for a person: the household's head and door number, a card's serial,
    /// a dispute's first words (empty when the record is not on this device).
    pub label: String,
    pub conflict: FieldConflict,
    pub detected_ms: i64,
    pub resolved: bool,
}

/// Stores conflicts, once each however often the same pair of writes meets again.
pub(crate) fn save_conflicts(conn: &Connection, conflicts: &[FieldConflict], now_ms: u64) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO conflicts (record_id, kind, field, winner, loser, winner_stamp, loser_stamp, detected_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in conflicts {
        stmt.execute(params![
            c.record_id.to_string(),
            c.kind.as_str(),
            c.field,
            c.winner.to_string(),
            c.loser.to_string(),
            serde_json::to_string(&c.winner_stamp)?,
            serde_json::to_string(&c.loser_stamp)?,
            now_ms as i64,
        ])?;
    }
    Ok(())
}

impl Engine {
    /// Conflicts not yet marked as seen, newest first (all of them with `include_resolved`). A grid
    /// worker sees the conflicts on records it touched — written by this device, or a household
    /// this device visited; leaders and supervisors, who review them, see every conflict in the
    /// device's area.
    pub fn conflicts(&self, include_resolved: bool) -> Result<Vec<ConflictRow>> {
        let profile = self.profile()?;
        let worker = (profile.role == Role::GridWorker).then(|| profile.device_id.to_string());
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.record_id, c.kind, c.field, c.winner, c.loser, c.winner_stamp, c.loser_stamp, c.detected_ms,
                    c.resolved,
                    coalesce((SELECT h.head_name || ' ' || h.door_number FROM households h WHERE h.id = c.record_id),
                             (SELECT k.serial FROM cards k WHERE k.id = c.record_id),
                             (SELECT substr(d.description, 1, 20) FROM disputes d WHERE d.id = c.record_id), '')
             FROM conflicts c
             WHERE (c.resolved = 0 OR ?1)
               AND (?2 IS NULL
                    OR EXISTS (SELECT 1 FROM records r WHERE r.id = c.record_id
                               AND json_extract(r.state, '$.vv.\"' || ?2 || '\"') IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM visits v JOIN records rv ON rv.id = v.id WHERE v.household = c.record_id
                               AND json_extract(rv.state, '$.origin.device') = ?2))
             ORDER BY c.detected_ms DESC, c.id DESC",
        )?;
        let rows = stmt.query_map(rusqlite::params![include_resolved, worker], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                [r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                r.get::<_, i64>(8)?,
                r.get::<_, bool>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        rows.map(|row| {
            let (id, [rid, kind, field, winner, loser, ws, ls], detected_ms, resolved, label) = row?;
            let conflict = FieldConflict {
                record_id: rid.parse()?,
                kind: kind.parse()?,
                field,
                winner: serde_json::from_str(&winner)?,
                loser: serde_json::from_str(&loser)?,
                winner_stamp: serde_json::from_str(&ws)?,
                loser_stamp: serde_json::from_str(&ls)?,
            };
            Ok(ConflictRow { id, label, conflict, detected_ms, resolved })
        })
        .collect()
    }

    /// Marks a conflict as looked at. (To change the value, edit the record: that is a new write.)
    pub fn resolve_conflict(&mut self, id: i64) -> Result<bool> {
        let record: Option<String> =
            self.conn.query_row("SELECT record_id FROM conflicts WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let held = match record {
            Some(rid) => get_state(&self.conn, rid.parse()?)?,
            None => return Ok(false),
        };
        if let Some(state) = held
            && let Some(micro_grid) = state.micro_grid()
        {
            self.check_may(Action::ConflictChoose, &self.edit_subject(&micro_grid, &state)?)?;
        }
        Ok(self.conn.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?1", [id])? == 1)
    }
}
