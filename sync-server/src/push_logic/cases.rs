//! What the server holds of the cases that pushed dispute events belong to — the dispute's
//! micro-grid and the events already stored — so that the authority check knows the level a case
//! is at and whom it was dispatched to when a step is taken.

use std::collections::{HashMap, HashSet};

use gridwork_domain::workflow::{CaseState, fold_lenient};
use gridwork_domain::{AreaCode, DeviceId, DisputeEvent, RecordId, RecordState, Stamp};

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
        fold_lenient(self.sorted_before(at).iter().map(|(_, e)| e))
    }

    /// The case as the `author` device could have held it just before a step stamped `at`: for
    /// each cut of the events stamped before `at`, the fold of those up to the cut and of the
    /// author's own steps after it (a device knows its own steps; of others' it may have seen any
    /// prefix, in stamp order).
    pub fn views_before(&self, at: &Stamp, author: DeviceId) -> Vec<CaseState> {
        let events = self.sorted_before(at);
        (1..=events.len())
            .map(|cut| {
                let own_later = events[cut..].iter().filter(|(stamp, _)| stamp.device == author);
                fold_lenient(events[..cut].iter().chain(own_later).map(|(_, e)| e))
            })
            .collect()
    }

    /// The held events stamped before `at`, in stamp order.
    fn sorted_before(&self, at: &Stamp) -> Vec<(&Stamp, DisputeEvent)> {
        let mut events: Vec<(&Stamp, DisputeEvent)> = self
            .events
            .iter()
            .filter(|s| s.origin < *at)
            .filter_map(|s| s.decode::<DisputeEvent>().ok().map(|e| (&s.origin, e)))
            .collect();
        events.sort_by_key(|(stamp, _)| **stamp);
        events
    }
}

/// The cases of a batch's events, by dispute id, and the visits its events name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cases {
    cases: HashMap<RecordId, Case>,
    visits: HashMap<RecordId, RecordState>,
    /// The visits the batch's events name: only those are kept when the batch stores them.
    named: HashSet<RecordId>,
}

/// What the store must load for a batch: the cases of its events, and the visits they name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    pub disputes: Vec<RecordId>,
    pub visits: Vec<RecordId>,
}

impl Cases {
    pub fn wanted(checked: &[Checked]) -> Wanted {
        let mut w = Wanted::default();
        for c in checked.iter().flatten() {
            if let Facts::Event { dispute, visit, .. } = &c.facts {
                w.disputes.push(*dispute);
                w.visits.extend(*visit);
            }
        }
        for ids in [&mut w.disputes, &mut w.visits] {
            ids.sort();
            ids.dedup();
        }
        w
    }

    pub fn insert(&mut self, dispute: RecordId, case: Case) {
        self.cases.insert(dispute, case);
    }

    /// Notes the visits the batch's events name, held or not.
    pub fn name_visits(&mut self, ids: &[RecordId]) {
        self.named.extend(ids.iter().copied());
    }

    pub fn insert_visit(&mut self, visit: RecordState) {
        self.visits.insert(visit.id, visit);
    }

    pub fn get(&self, dispute: &RecordId) -> Option<&Case> {
        self.cases.get(dispute)
    }

    /// The visit, if held or stored earlier in the batch.
    pub fn visit(&self, id: &RecordId) -> Option<&RecordState> {
        self.visits.get(id)
    }

    /// Takes in a version the batch stores, so that later records of the batch see it.
    pub(super) fn note_stored(&mut self, state: &RecordState, micro_grid: &AreaCode, facts: &Facts) {
        match facts {
            Facts::Dispute => {
                if let Some(case) = self.cases.get_mut(&state.id) {
                    case.micro_grid = Some(micro_grid.clone());
                }
            }
            Facts::Event { dispute, .. } => self.cases.entry(*dispute).or_default().events.push(state.clone()),
            Facts::Visit if self.named.contains(&state.id) => {
                self.visits.insert(state.id, state.clone());
            }
            _ => {}
        }
    }
}
