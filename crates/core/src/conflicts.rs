//! Conflicts found while merging: kept with both values until a person has looked at them or
//! chosen the value to keep (a new local edit that syncs like any other).

use gridwork_domain::authority::Action;
use gridwork_domain::choice::choose_value;
use gridwork_domain::wire::Role;
use gridwork_domain::{FieldConflict, RecordState, Stamp};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::engine::{Engine, get_state, put_local_state};
use crate::error::{CoreError, Result};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConflictRow {
    pub id: i64,
    /// What the record is, for a person: the household's head and door number, a card's serial,
    /// a dispute's first words (empty when the record is not on this device).
    pub label: String,
    pub conflict: FieldConflict,
    /// Who wrote the value kept and the other one, when this device can tell: its own user, or
    /// the person named on a visit or report written from the same device.
    pub winner_by: Option<String>,
    pub loser_by: Option<String>,
    /// Whether this account may settle it (the authority table), so the app shows the buttons.
    pub may_choose: bool,
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
    /// device's area. A conflict whose field a later write has settled (a choice made on another
    /// device, or an edit made after seeing both values) counts as resolved.
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
            let (id, columns, detected_ms, resolved, label) = row?;
            let conflict = decode(columns)?;
            let held = get_state(&self.conn, conflict.record_id)?;
            let settled = resolved || settled_later(held.as_ref(), &conflict);
            let may_choose = held.is_some_and(|s| self.check_may_choose(&s).is_ok());
            let winner_by = self.writer_name(&conflict.winner_stamp)?;
            let loser_by = self.writer_name(&conflict.loser_stamp)?;
            Ok(ConflictRow { id, label, conflict, winner_by, loser_by, may_choose, detected_ms, resolved: settled })
        })
        .filter(|row| !matches!(row, Ok(r) if r.resolved && !include_resolved))
        .collect()
    }

    /// Marks a conflict as looked at, keeping the value the merge chose.
    pub fn resolve_conflict(&mut self, id: i64) -> Result<bool> {
        let Some((_, held)) = self.conflict_record(id)? else { return Ok(false) };
        if let Some(state) = held {
            self.check_may_choose(&state)?;
        }
        Ok(self.conn.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?1", [id])? == 1)
    }

    /// Keeps one of a conflict's two values — the one the merge chose, or with `keep_loser` the
    /// other — by writing it again as a new local edit (record, projection and outbox entry in one
    /// transaction, the conflict marked resolved in the same one). The new version dominates both
    /// concurrent writes, so it reaches every replica and the conflict does not come back. False
    /// for an unknown conflict.
    pub fn choose_conflict(&mut self, id: i64, keep_loser: bool) -> Result<bool> {
        let Some((conflict, held)) = self.conflict_record(id)? else { return Ok(false) };
        let state = held.ok_or_else(|| CoreError::NotFound { what: "record", id: conflict.record_id.to_string() })?;
        self.check_may_choose(&state)?;
        let value = if keep_loser { conflict.loser } else { conflict.winner };
        self.write(|tx, w| {
            let next = choose_value(&state, &conflict.field, value, w)?;
            put_local_state(tx, &next, w.now_ms)?;
            tx.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?1", [id])?;
            Ok(true)
        })
    }

    /// A conflict (record, field and both values) and the record's version on this device.
    fn conflict_record(&self, id: i64) -> Result<Option<(FieldConflict, Option<RecordState>)>> {
        let row = self
            .conn
            .query_row(
                "SELECT record_id, kind, field, winner, loser, winner_stamp, loser_stamp FROM conflicts WHERE id = ?1",
                [id],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?]),
            )
            .optional()?;
        let Some(row) = row else { return Ok(None) };
        let conflict = decode(row)?;
        let held = get_state(&self.conn, conflict.record_id)?;
        Ok(Some((conflict, held)))
    }

    /// The person behind a write: this device's user, or whoever a visit or report written from
    /// the same device names.
    fn writer_name(&self, stamp: &Stamp) -> Result<Option<String>> {
        let profile = self.profile()?;
        if stamp.device == profile.device_id {
            return Ok(Some(profile.user_name.clone()));
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT name FROM (
                   SELECT v.worker AS name FROM visits v JOIN records r ON r.id = v.id
                    WHERE json_extract(r.state, '$.origin.device') = ?1
                   UNION ALL
                   SELECT d.reporter FROM disputes d JOIN records r ON r.id = d.id
                    WHERE json_extract(r.state, '$.origin.device') = ?1)
                 LIMIT 1",
            )?
            .query_row([stamp.device.to_string()], |r| r.get(0))
            .optional()?)
    }

    fn check_may_choose(&self, state: &RecordState) -> Result<()> {
        match state.micro_grid() {
            Some(micro_grid) => self.check_may(Action::ConflictChoose, &self.edit_subject(&micro_grid, state)?),
            None => Ok(()),
        }
    }
}

/// A conflict from its stored columns: record, kind, field, winner, loser and their stamps.
fn decode([rid, kind, field, winner, loser, ws, ls]: [String; 7]) -> Result<FieldConflict> {
    Ok(FieldConflict {
        record_id: rid.parse()?,
        kind: kind.parse()?,
        field,
        winner: serde_json::from_str(&winner)?,
        loser: serde_json::from_str(&loser)?,
        winner_stamp: serde_json::from_str(&ws)?,
        loser_stamp: serde_json::from_str(&ls)?,
    })
}

/// A conflict is settled by a later write of its field that had seen both sides (a choice made on
/// another device, or an edit): the record's stamp of the field is then neither side's, and its
/// version covers both.
fn settled_later(held: Option<&RecordState>, c: &FieldConflict) -> bool {
    held.is_some_and(|s| {
        let stamp = s.stamp_of(&c.field);
        *stamp != c.winner_stamp
            && *stamp != c.loser_stamp
            && s.vv.covers(&c.winner_stamp)
            && s.vv.covers(&c.loser_stamp)
    })
}
