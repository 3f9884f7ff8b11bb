//! Recording visits: one at a time from the doorstep, or many in one transaction (imports,
//! catching up). A fix far from the household is flagged, never refused.

use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::geo::{DEFAULT_FAR_VISIT_M, VisitDistance, visit_distance};
use gridwork_domain::{GeoPoint, RecordId, RecordState, Visit};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

use crate::engine::{Engine, put_local};
use crate::error::{CoreError, Result};

/// What the worker sees after saving a visit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VisitReceipt {
    pub id: RecordId,
    /// Distance from the fix to the household, when both are known.
    pub distance: Option<VisitDistance>,
}

impl Engine {
    pub fn record_visit(&mut self, visit: &Visit) -> Result<VisitReceipt> {
        Ok(self.record_visits(std::slice::from_ref(visit))?.remove(0))
    }

    /// Records several visits in one transaction: all of them or none.
    /// Each visit is recorded as this device's account's: its `worker` is the account's name.
    pub fn record_visits(&mut self, visits: &[Visit]) -> Result<Vec<VisitReceipt>> {
        let worker = self.profile()?.user_name.clone();
        let visits: Vec<Visit> = visits.iter().map(|v| Visit { worker: worker.clone(), ..v.clone() }).collect();
        for v in &visits {
            self.check_may(Action::VisitRecord, &Subject::plain(&v.micro_grid))?;
        }
        let mut homes = Vec::with_capacity(visits.len());
        let mut known: HashMap<RecordId, Option<GeoPoint>> = HashMap::new();
        for v in &visits {
            let home = match known.get(&v.household) {
                Some(home) => *home,
                None => {
                    let home = household_location(&self.conn, v.household)?;
                    known.insert(v.household, home);
                    home
                }
            };
            homes.push(home);
        }
        self.write(|tx, w| {
            let mut out = Vec::with_capacity(visits.len());
            for (v, home) in visits.iter().zip(homes) {
                let state = RecordState::create(RecordId::new(), v, w)?;
                put_local(tx, &state, v, w.now_ms)?;
                out.push(VisitReceipt { id: state.id, distance: far_check(v, home) });
            }
            Ok(out)
        })
    }
}

/// The household's position (if known), or `not_found` when there is no such household.
fn household_location(conn: &Connection, id: RecordId) -> Result<Option<GeoPoint>> {
    let row: Option<(Option<f64>, Option<f64>)> = conn
        .prepare_cached("SELECT lat, lon FROM households WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((Some(lat), Some(lon))) => Ok(Some(GeoPoint::new(lat, lon))),
        Some(_) => Ok(None),
        None => Err(CoreError::NotFound { what: "household", id: id.to_string() }),
    }
}

fn far_check(v: &Visit, home: Option<GeoPoint>) -> Option<VisitDistance> {
    Some(visit_distance(v.fix.as_ref()?, home?, DEFAULT_FAR_VISIT_M))
}
