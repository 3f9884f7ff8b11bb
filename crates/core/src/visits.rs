//! Recording visits: one at a time from the doorstep, or many in one transaction (imports,
//! catching up). A fix far from the household is flagged, never refused.

use gridwork_domain::geo::{DEFAULT_FAR_VISIT_M, VisitDistance, visit_distance};
use gridwork_domain::{GeoPoint, Household, RecordId, RecordState, Visit};
use serde::Serialize;

use crate::engine::{Engine, get_record, put_local};
use crate::error::Result;

/// What the worker sees after saving a visit.
#[derive(Clone, Debug, Serialize)]
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
    pub fn record_visits(&mut self, visits: &[Visit]) -> Result<Vec<VisitReceipt>> {
        let mut homes = Vec::with_capacity(visits.len());
        for v in visits {
            let (_, h): (_, Household) = get_record(&self.conn, v.household, "household")?;
            homes.push(h.location);
        }
        self.write(|tx, w| {
            let mut out = Vec::with_capacity(visits.len());
            for (v, home) in visits.iter().zip(homes) {
                let state = RecordState::create(RecordId::new(), v, w)?;
                put_local(tx, &state, w.now_ms)?;
                out.push(VisitReceipt { id: state.id, distance: far_check(v, home) });
            }
            Ok(out)
        })
    }
}

fn far_check(v: &Visit, home: Option<GeoPoint>) -> Option<VisitDistance> {
    Some(visit_distance(v.fix.as_ref()?, home?, DEFAULT_FAR_VISIT_M))
}
