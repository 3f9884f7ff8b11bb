//! What the server holds of the cases that pushed dispute events belong to — the dispute's
//! micro-grid and the events already stored — so that the authority check knows the level a case
//! is at and whom it was dispatched to when a step is taken.

use std::collections::HashMap;

use gridwork_domain::workflow::{CaseState, fold_lenient};
use gridwork_domain::{AreaCode, DisputeEvent, RecordId, RecordState, Stamp};

use super::check::{Checked, Facts};

/// One case as the server holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// The dispute's micro-grid, when the server holds the dispute.
    pub micro_grid: Option<AreaCode>,
    /// The case's stored events, in any order.
    pub events: Vec<RecordState>,
}

impl Case {
    /// The case's state just before a step stamped `at`: a fold of the held events stamped
    /// before it, in stamp order (the order every replica folds them in).
    pub fn state_before(&self, at: &Stamp) -> CaseState {
        let mut events: Vec<(&Stamp, DisputeEvent)> = self
            .events
            .iter()
            .filter(|s| s.origin < *at)
            .filter_map(|s| s.decode::<DisputeEvent>().ok().map(|e| (&s.origin, e)))
            .collect();
        events.sort_by_key(|(stamp, _)| **stamp);
        fold_lenient(events.iter().map(|(_, e)| e))
    }
}

/// The cases of a batch's events, by dispute id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cases(HashMap<RecordId, Case>);

impl Cases {
    /// The disputes whose cases the store must load for these records: those of their events.
    pub fn wanted(checked: &[Checked]) -> Vec<RecordId> {
        let mut ids: Vec<RecordId> = checked
            .iter()
            .flatten()
            .filter_map(|c| match &c.facts {
                Facts::Event { dispute, .. } => Some(*dispute),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    pub fn insert(&mut self, dispute: RecordId, case: Case) {
        self.0.insert(dispute, case);
    }

    pub fn get(&self, dispute: &RecordId) -> Option<&Case> {
        self.0.get(dispute)
    }

    /// Takes in a version the batch stores, so that later records of the batch see it.
    pub(super) fn note_stored(&mut self, state: &RecordState, micro_grid: &AreaCode, facts: &Facts) {
        match facts {
            Facts::Dispute => {
                if let Some(case) = self.0.get_mut(&state.id) {
                    case.micro_grid = Some(micro_grid.clone());
                }
            }
            Facts::Event { dispute, .. } => self.0.entry(*dispute).or_default().events.push(state.clone()),
            _ => {}
        }
    }
}
