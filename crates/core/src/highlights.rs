//! Highlight points for the quarterly ranking: a supervisor (inside the township) or the banner
//! centre awards points to a grid or a village with a reason, or withdraws an award; each is a
//! record that syncs like any other.

use chrono::Utc;
use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::highlight::Highlight;
use gridwork_domain::{AreaCode, RecordId, RecordState};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, get_record, put_local};
use crate::error::{CoreError, Result};

/// An award as the office enters it; who and when come from the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewHighlight {
    /// A grid's or a village's area code.
    pub area: AreaCode,
    /// `2026Q4`.
    pub quarter: String,
    pub points: i32,
    pub reason: String,
}

/// One award as the ranking screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HighlightRow {
    pub id: RecordId,
    pub area: AreaCode,
    pub area_name: String,
    pub quarter: String,
    pub points: i32,
    pub reason: String,
    pub awarded_by: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub awarded_ms: i64,
    pub withdrawn: bool,
}

impl Engine {
    /// Awards `new.points` to a grid or village of this device's area (refused `forbidden` for a
    /// role that may not, `not_found` for an area the device does not know).
    pub fn award_highlight(&mut self, new: &NewHighlight) -> Result<RecordId> {
        self.check_may(Action::HighlightAward, &Subject::plain(&new.area))?;
        let level: Option<String> = self
            .conn
            .query_row("SELECT level FROM areas WHERE code = ?1", [new.area.as_str()], |r| r.get(0))
            .optional()?;
        if level.is_none() {
            return Err(CoreError::NotFound { what: "area", id: new.area.to_string() });
        }
        let h = Highlight {
            area: new.area.clone(),
            quarter: new.quarter.trim().to_owned(),
            points: new.points,
            reason: new.reason.trim().to_owned(),
            awarded_by: self.profile()?.user_name.clone(),
            awarded_at: Utc::now(),
            withdrawn: false,
        };
        self.write(|tx, w| {
            let state = RecordState::create(RecordId::new(), &h, w)?;
            put_local(tx, &state, &h, w.now_ms)?;
            Ok(state.id)
        })
    }

    /// Withdraws an award: its points stop counting; the record stays.
    pub fn withdraw_highlight(&mut self, id: RecordId) -> Result<()> {
        let (current, mut h): (_, Highlight) = get_record(&self.conn, id, "highlight")?;
        self.check_may(Action::HighlightAward, &Subject::plain(&h.area))?;
        h.withdrawn = true;
        self.write(|tx, w| match current.edit(&h, w)? {
            Some(next) => put_local(tx, &next, &h, w.now_ms),
            None => Ok(()),
        })
    }

    /// The awards of `quarter` inside `scope` (the device's area when `None`), newest first,
    /// withdrawn ones included (flagged).
    pub fn highlights(&self, quarter: &str, scope: Option<&AreaCode>) -> Result<Vec<HighlightRow>> {
        let scope = match scope {
            Some(s) => s.clone(),
            None => self.profile()?.scope.clone(),
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, h.area, COALESCE(a.name, h.area), h.quarter, h.points, h.reason, h.awarded_by,
                    h.awarded_ms, h.withdrawn
             FROM highlights h LEFT JOIN areas a ON a.code = h.area
             WHERE h.quarter = ?1 AND h.area >= ?2 AND h.area < ?2 || '~'
             ORDER BY h.awarded_ms DESC, h.id",
        )?;
        let rows = stmt.query_map(rusqlite::params![quarter.trim(), scope.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i32>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })?;
        rows.map(|row| {
            let (id, area, area_name, quarter, points, reason, awarded_by, awarded_ms, withdrawn) = row?;
            Ok(HighlightRow {
                id: id.parse()?,
                area: AreaCode::parse(&area)?,
                area_name,
                quarter,
                points,
                reason,
                awarded_by,
                awarded_ms,
                withdrawn,
            })
        })
        .collect()
    }
}
