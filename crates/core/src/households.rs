//! Households: create and edit, find by name / pinyin / initials / door number / phone, and read
//! a household's whole history (visits, disputes, cards).

use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::{AreaCode, ContactCard, Household, RecordId, RecordState, Visit};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::engine::{Engine, get_record, put_local, typed_records};
use crate::error::Result;
use crate::search::like_pattern;

/// One line of a household list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HouseholdRow {
    pub id: RecordId,
    pub micro_grid: String,
    pub head_name: String,
    pub address: String,
    pub door_number: String,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Last visit, milliseconds since the epoch.
    pub last_visit_ms: Option<i64>,
    /// Days between visits the household's tags ask for.
    pub interval_days: i64,
}

/// A household with everything recorded about it, newest first.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HouseholdHistory {
    pub id: RecordId,
    pub household: Household,
    pub visits: Vec<(RecordId, Visit)>,
    pub disputes: Vec<crate::dispute_rows::DisputeRow>,
    pub cards: Vec<(RecordId, ContactCard)>,
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct HouseholdQuery<'a> {
    /// Only this area (a micro-grid, or any area above it).
    pub area: Option<&'a AreaCode>,
    /// Name, pinyin, initials, address, door number or phone; empty lists all.
    pub text: &'a str,
    pub limit: u32,
}

pub(crate) const HOUSEHOLD_COLUMNS: &str = "h.id, h.micro_grid, h.head_name, h.address, h.door_number, h.phone, h.tags,
    h.lat, h.lon, (SELECT max(v.visited_ms) FROM visits v WHERE v.household = h.id) AS last_visit_ms, h.interval_days";

pub(crate) fn household_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HouseholdRow> {
    let tags: String = r.get(6)?;
    Ok(HouseholdRow {
        id: crate::engine::row_id(r, 0)?,
        micro_grid: r.get(1)?,
        head_name: r.get(2)?,
        address: r.get(3)?,
        door_number: r.get(4)?,
        phone: r.get(5)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        lat: r.get(7)?,
        lon: r.get(8)?,
        last_visit_ms: r.get(9)?,
        interval_days: r.get(10)?,
    })
}

impl Engine {
    pub fn create_household(&mut self, h: &Household) -> Result<RecordId> {
        self.check_may(Action::HouseholdCreate, &Subject::plain(&h.micro_grid))?;
        self.write(|tx, w| {
            let state = RecordState::create(RecordId::new(), h, w)?;
            put_local(tx, &state, h, w.now_ms)?;
            Ok(state.id)
        })
    }

    /// Saves an edited household; returns false when nothing changed (nothing is queued then).
    pub fn edit_household(&mut self, id: RecordId, h: &Household) -> Result<bool> {
        let (current, old): (_, Household) = get_record(&self.conn, id, "household")?;
        let action = if h.archived && !old.archived { Action::HouseholdArchive } else { Action::HouseholdEdit };
        self.check_may(action, &self.edit_subject(&old.micro_grid, &current)?)?;
        if h.micro_grid != old.micro_grid {
            self.check_may(action, &Subject::plain(&h.micro_grid))?;
        }
        self.write(|tx, w| match current.edit(h, w)? {
            Some(next) => put_local(tx, &next, h, w.now_ms).map(|()| true),
            None => Ok(false),
        })
    }

    /// One household's list line, when this device holds it.
    pub fn household_row(&self, id: RecordId) -> Result<Option<HouseholdRow>> {
        let sql = format!("SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE h.id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id.to_string()], household_row).optional()?)
    }

    pub fn household(&self, id: RecordId) -> Result<Household> {
        Ok(get_record(&self.conn, id, "household")?.1)
    }

    /// Households matching the query, by micro-grid then head of household's name.
    pub fn list_households(&self, q: &HouseholdQuery<'_>) -> Result<Vec<HouseholdRow>> {
        let area = q.area.map(|a| format!("{}%", a.as_str())).unwrap_or_else(|| "%".into());
        let sql = format!(
            "SELECT {HOUSEHOLD_COLUMNS} FROM households h
             WHERE h.archived = 0 AND h.micro_grid LIKE ?1 AND h.search LIKE ?2 ESCAPE '\\'
             ORDER BY h.micro_grid, h.head_name LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = if q.limit == 0 { 200 } else { q.limit };
        let rows = stmt.query_map(params![area, like_pattern(q.text), limit], household_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A household and everything recorded about it.
    pub fn household_history(&self, id: RecordId) -> Result<HouseholdHistory> {
        let household = self.household(id)?;
        let visits = self.typed_by_household("visits", "visited_ms", id)?;
        let cards = self.typed_by_household("cards", "issued_ms", id)?;
        let disputes = crate::dispute_rows::disputes_of_household(&self.conn, id)?;
        Ok(HouseholdHistory { id, household, visits, disputes, cards })
    }

    fn typed_by_household<R: gridwork_domain::Record>(
        &self,
        table: &str,
        order: &str,
        household: RecordId,
    ) -> Result<Vec<(RecordId, R)>> {
        let sql = format!(
            "SELECT r.state FROM {table} t JOIN records r ON r.id = t.id WHERE t.household = ?1 ORDER BY t.{order} DESC"
        );
        typed_records(&self.conn, &sql, &household.to_string())
    }
}
