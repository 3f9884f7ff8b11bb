//! The "needs attention" list in the SQLite store: each refused push noted in the push's own
//! transaction (one row per record and device, counted), closed when a later version of the
//! record is accepted, and read back within what the reader may see (`attention_reach`).

use gridwork_domain::attention::{AttentionItem, AttentionReach};
use gridwork_domain::{AreaCode, RecordId};
use rusqlite::{Connection, params};

use super::sqlite::{parse_area, scope_range, sql_int};
use super::{DeviceAuth, StoreError};
use crate::push_logic::{Checked, Decision, UNREADABLE_ID};

/// What a batch's records said of themselves before they were decided: each one's kind and, when
/// it lies inside the pusher's area, its micro-grid.
pub struct Seen(Vec<Option<(String, Option<AreaCode>)>>);

impl Seen {
    pub fn of(device: &DeviceAuth, records: &[Checked]) -> Self {
        Self(
            records
                .iter()
                .map(|r| {
                    r.as_ref().ok().map(|c| {
                        let inside = c.micro_grid.is_within(&device.scope).then(|| c.micro_grid.clone());
                        (c.state.kind.as_str().to_owned(), inside)
                    })
                })
                .collect(),
        )
    }

    /// Notes every refusal of the batch's `plan` (one decision per record, in order) and closes
    /// the open items of every record stored.
    pub fn note(
        &self,
        c: &Connection,
        device: &DeviceAuth,
        plan: &[(RecordId, Decision)],
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let mut open = c.prepare_cached(
            "INSERT INTO attention (record_id, device_id, kind, micro_grid, area, user_name, code, message,
                 first_ms, last_ms, count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1)
             ON CONFLICT (record_id, device_id) DO UPDATE SET kind = excluded.kind,
                 micro_grid = excluded.micro_grid, area = excluded.area, user_name = excluded.user_name,
                 code = excluded.code, message = excluded.message, last_ms = excluded.last_ms,
                 first_ms = CASE WHEN resolved_ms IS NULL THEN first_ms ELSE excluded.first_ms END,
                 count = CASE WHEN resolved_ms IS NULL THEN count + 1 ELSE 1 END, resolved_ms = NULL",
        )?;
        let mut close =
            c.prepare_cached("UPDATE attention SET resolved_ms = ?2 WHERE record_id = ?1 AND resolved_ms IS NULL")?;
        // Almost always nothing is open: then no stored record has an item to close.
        let any_open: bool = c
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM attention WHERE resolved_ms IS NULL)")?
            .query_row([], |r| r.get(0))?;
        for (i, (id, decision)) in plan.iter().enumerate() {
            match decision {
                // A record whose id could not be read cannot be told apart from others, nor ever
                // cleared: its refusal goes back in the answer only.
                Decision::Reject { .. } if *id == UNREADABLE_ID => {}
                Decision::Reject { code, message } => {
                    let (kind, micro_grid) = match self.0.get(i).cloned().flatten() {
                        // An out-of-scope refusal keeps no place: the server's version may lie elsewhere.
                        Some((kind, place)) => {
                            (Some(kind), place.filter(|_| *code != crate::push_logic::RejectCode::OutOfScope))
                        }
                        None => (None, None),
                    };
                    open.execute(params![
                        id.to_string(),
                        device.device_id.to_string(),
                        kind,
                        micro_grid.as_ref().map(AreaCode::as_str),
                        device.scope.as_str(),
                        device.user_name,
                        code.as_str(),
                        message,
                        sql_int(now_ms),
                    ])?;
                }
                d if any_open && d.stored().is_some() => {
                    close.execute(params![id.to_string(), sql_int(now_ms)])?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Up to `limit` open items with an id after `after` that `reach` covers, by id.
pub fn list(c: &Connection, reach: &AttentionReach, after: u64, limit: u32) -> Result<Vec<AttentionItem>, StoreError> {
    const COLUMNS: &str =
        "SELECT id, record_id, kind, micro_grid, device_id, user_name, code, message, first_ms, last_ms, count
         FROM attention WHERE resolved_ms IS NULL AND id > ?1";
    let (after, limit) = (sql_int(after), i64::from(limit));
    let mut stmt;
    let rows = match reach {
        AttentionReach::Area(scope) => {
            let (lo, hi) = scope_range(scope);
            stmt = c.prepare_cached(&format!(
                "{COLUMNS} AND coalesce(micro_grid, area) >= ?2 AND coalesce(micro_grid, area) < ?3 ORDER BY id LIMIT ?4"
            ))?;
            stmt.query_map(params![after, lo, hi, limit], row)?
        }
        AttentionReach::OwnDevice(device) => {
            stmt = c.prepare_cached(&format!("{COLUMNS} AND device_id = ?2 ORDER BY id LIMIT ?3"))?;
            stmt.query_map(params![after, device.to_string(), limit], row)?
        }
    };
    rows.map(|r| {
        let r = r?;
        Ok(AttentionItem {
            id: r.0 as u64,
            record_id: r.1.parse().map_err(|_| StoreError::Corrupt(format!("attention record id '{}'", r.1)))?,
            kind: r.2,
            micro_grid: r.3.as_deref().map(parse_area).transpose()?,
            device: r.4.parse().map_err(|_| StoreError::Corrupt(format!("attention device '{}'", r.4)))?,
            user_name: r.5,
            code: r.6,
            message: r.7,
            first_ms: r.8 as u64,
            last_ms: r.9 as u64,
            count: r.10 as u64,
        })
    })
    .collect()
}

type Row = (i64, String, Option<String>, Option<String>, String, String, String, String, i64, i64, i64);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}
