//! Typed tables kept beside each record's replicated state, so that lists, search, queues and
//! reports are plain SQL. Rebuilt from the state on every write, local or remote. Rows are
//! upserted rather than `INSERT OR REPLACE`d: a replace may delete, so with foreign keys on
//! SQLite copies every page it touches into a statement journal first.

use gridwork_domain::geo::{DEFAULT_FAR_VISIT_M, visit_distance};
use gridwork_domain::highlight::Highlight;
use gridwork_domain::{
    ContactCard, Dispute, DisputeEvent, GeoPoint, Household, Record, RecordId, RecordKind, RecordState, Visit,
};
use rusqlite::{OptionalExtension, Transaction};

use crate::error::Result;
use crate::search::search_text;

/// A record type with a typed table.
pub(crate) trait Projected: Record {
    /// Writes `self`, the typed form of `state`, into its table.
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()>;
}

impl Projected for Household {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        household(tx, &state.id.to_string(), self)
    }
}

impl Projected for Visit {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        visit(tx, &state.id.to_string(), self)
    }
}

impl Projected for Dispute {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        dispute(tx, &state.id.to_string(), self)
    }
}

impl Projected for DisputeEvent {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        event(tx, &state.id.to_string(), self, state)
    }
}

impl Projected for ContactCard {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        card(tx, &state.id.to_string(), self)
    }
}

impl Projected for Highlight {
    fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        highlight(tx, &state.id.to_string(), self)
    }
}

/// A state's typed record, decoded ahead of the transaction that projects it (a pull decodes
/// on its fetching thread while the store thread writes the page before).
#[derive(Clone, Debug)]
pub(crate) enum Typed {
    Household(Household),
    Visit(Visit),
    Dispute(Dispute),
    DisputeEvent(DisputeEvent),
    ContactCard(ContactCard),
    Highlight(Highlight),
}

impl Typed {
    pub(crate) fn decode(state: &RecordState) -> Result<Self> {
        Ok(match state.kind {
            RecordKind::Household => Self::Household(state.decode()?),
            RecordKind::Visit => Self::Visit(state.decode()?),
            RecordKind::Dispute => Self::Dispute(state.decode()?),
            RecordKind::DisputeEvent => Self::DisputeEvent(state.decode()?),
            RecordKind::ContactCard => Self::ContactCard(state.decode()?),
            RecordKind::Highlight => Self::Highlight(state.decode()?),
        })
    }

    /// Updates the typed table of `state`, whose typed record this is.
    pub(crate) fn project_into(&self, tx: &Transaction<'_>, state: &RecordState) -> Result<()> {
        match self {
            Self::Household(r) => r.project_into(tx, state),
            Self::Visit(r) => r.project_into(tx, state),
            Self::Dispute(r) => r.project_into(tx, state),
            Self::DisputeEvent(r) => r.project_into(tx, state),
            Self::ContactCard(r) => r.project_into(tx, state),
            Self::Highlight(r) => r.project_into(tx, state),
        }
    }
}

fn household(tx: &Transaction<'_>, id: &str, h: &Household) -> Result<()> {
    let names = std::iter::once(h.head_name.as_str()).chain(h.members.iter().map(|m| m.name.as_str()));
    let phones = h.phone.iter().chain(h.members.iter().filter_map(|m| m.phone.as_ref()));
    let others = [h.address.as_str(), h.door_number.as_str()].into_iter().chain(phones.map(String::as_str));
    tx.prepare_cached(
        "INSERT INTO households (id, micro_grid, head_name, address, door_number, phone, tags, lat, lon,
             archived, interval_days, search)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET micro_grid = excluded.micro_grid, head_name = excluded.head_name,
             address = excluded.address, door_number = excluded.door_number, phone = excluded.phone,
             tags = excluded.tags, lat = excluded.lat, lon = excluded.lon, archived = excluded.archived,
             interval_days = excluded.interval_days, search = excluded.search",
    )?
    .execute(rusqlite::params![
        id,
        h.micro_grid.as_str(),
        h.head_name,
        h.address,
        h.door_number,
        h.phone,
        serde_json::to_string(&h.tags)?,
        h.location.map(|p| p.lat),
        h.location.map(|p| p.lon),
        h.archived,
        h.visit_interval_days(),
        search_text(names, others),
    ])?;
    Ok(())
}

fn visit(tx: &Transaction<'_>, id: &str, v: &Visit) -> Result<()> {
    let home: Option<(Option<f64>, Option<f64>)> = tx
        .prepare_cached("SELECT lat, lon FROM households WHERE id = ?1")?
        .query_row([v.household.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let distance = match (v.fix, home) {
        (Some(fix), Some((Some(lat), Some(lon)))) => {
            Some(visit_distance(&fix, GeoPoint::new(lat, lon), DEFAULT_FAR_VISIT_M))
        }
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO visits (id, household, micro_grid, worker, visited_ms, purpose, distance_m, far,
             follow_up_needed, follow_up)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET household = excluded.household, micro_grid = excluded.micro_grid,
             worker = excluded.worker, visited_ms = excluded.visited_ms, purpose = excluded.purpose,
             distance_m = excluded.distance_m, far = excluded.far, follow_up_needed = excluded.follow_up_needed,
             follow_up = excluded.follow_up",
    )?
    .execute(rusqlite::params![
        id,
        v.household.to_string(),
        v.micro_grid.as_str(),
        v.worker,
        v.visited_at.timestamp_millis(),
        enum_str(&v.purpose)?,
        distance.map(|d| d.distance_m),
        distance.is_some_and(|d| d.far),
        v.follow_up_needed,
        v.follow_up,
    ])?;
    Ok(())
}

fn dispute(tx: &Transaction<'_>, id: &str, d: &Dispute) -> Result<()> {
    let party = d.parties.first();
    tx.prepare_cached(
        "INSERT INTO disputes (id, micro_grid, reporter, reported_ms, category, urgency, description, stage,
             party, household)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET micro_grid = excluded.micro_grid, reporter = excluded.reporter,
             reported_ms = excluded.reported_ms, category = excluded.category, urgency = excluded.urgency,
             description = excluded.description, stage = excluded.stage, party = excluded.party,
             household = excluded.household",
    )?
    .execute(rusqlite::params![
        id,
        d.micro_grid.as_str(),
        d.reporter,
        d.reported_at.timestamp_millis(),
        enum_str(&d.category)?,
        enum_str(&d.urgency)?,
        d.description,
        party.map(|p| p.name.as_str()),
        party.and_then(|p| p.household).map(|h| h.to_string()),
    ])?;
    crate::cases::refresh_stage(tx, id.parse::<RecordId>()?)
}

fn event(tx: &Transaction<'_>, id: &str, e: &DisputeEvent, state: &RecordState) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO dispute_events (id, dispute, stamp, action) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET dispute = excluded.dispute, stamp = excluded.stamp, action = excluded.action",
    )?
    .execute((id, e.dispute.to_string(), stamp_key(state), serde_json::to_string(&e.action)?))?;
    crate::cases::refresh_stage(tx, e.dispute)
}

fn card(tx: &Transaction<'_>, id: &str, c: &ContactCard) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO cards (id, household, serial, issued_ms, status) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET household = excluded.household, serial = excluded.serial,
             issued_ms = excluded.issued_ms, status = excluded.status",
    )?
    .execute(rusqlite::params![
        id,
        c.household.to_string(),
        c.serial.as_str(),
        c.issued_at.timestamp_millis(),
        serde_json::to_string(&c.status)?,
    ])?;
    Ok(())
}

fn highlight(tx: &Transaction<'_>, id: &str, h: &Highlight) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO highlights (id, area, quarter, points, reason, awarded_by, awarded_ms, withdrawn)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET area = excluded.area, quarter = excluded.quarter,
             points = excluded.points, reason = excluded.reason, awarded_by = excluded.awarded_by,
             awarded_ms = excluded.awarded_ms, withdrawn = excluded.withdrawn",
    )?
    .execute(rusqlite::params![
        id,
        h.area.as_str(),
        h.quarter,
        h.points,
        h.reason,
        h.awarded_by,
        h.awarded_at.timestamp_millis(),
        h.withdrawn,
    ])?;
    Ok(())
}

/// A key that sorts like the record's creating stamp (clock, then device), for event order.
pub(crate) fn stamp_key(state: &RecordState) -> String {
    let s = state.origin;
    format!("{:016x}{:08x}{}", s.hlc.ms, s.hlc.lc, s.device)
}

/// The snake_case name of a unit enum variant, as serde writes it.
pub(crate) fn enum_str<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v)? {
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}
