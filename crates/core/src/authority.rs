//! The handset's side of the authority table: before a local write the engine asks whether this
//! device's account may take the action, so a worker is told at once instead of by a rejection
//! days later. The server checks every pushed record again and is the authority.

use gridwork_domain::authority::{Action, Actor, Refusal, Subject, authorize};
use gridwork_domain::workflow::CaseState;
use gridwork_domain::{AreaCode, RecordId, RecordState, Visit};

use crate::engine::{Engine, get_record};
use crate::error::{CoreError, Refused, Result};

impl Engine {
    /// Refuses with `forbidden` what this device's account may not do.
    pub(crate) fn check_may(&self, action: Action, subject: &Subject<'_>) -> Result<()> {
        let p = self.profile()?;
        authorize(&Actor { role: p.role, scope: &p.scope }, action, subject).map_err(|r| {
            CoreError::Forbidden(match r {
                Refusal::OutsideArea => Refused {
                    code: "outside_area",
                    params: vec![("micro_grid", subject.micro_grid.to_string()), ("scope", p.scope.to_string())],
                    message: format!("micro-grid {} lies outside this device's area {}", subject.micro_grid, p.scope),
                },
                Refusal::Forbidden { message, params } => Refused { code: "forbidden", params, message },
            })
        })
    }

    /// Whether this device's account may take `action` (for showing only the allowed buttons).
    pub fn may(&self, action: Action, subject: &Subject<'_>) -> bool {
        self.check_may(action, subject).is_ok()
    }

    /// What the table needs to know of a case step on `case`, a dispute in `micro_grid`.
    pub(crate) fn case_subject<'a>(&self, micro_grid: &'a AreaCode, case: &CaseState) -> Result<Subject<'a>> {
        let me = &self.profile()?.user_name;
        Ok(Subject {
            level: case.level,
            dispatched_to_actor: case.dispatched_to.as_deref() == Some(me.as_str()),
            ..Subject::plain(micro_grid)
        })
    }

    /// Whether `visit` is a visit this device recorded in `micro_grid` (`not_found` when unknown).
    pub(crate) fn visit_of_mine_in(&self, visit: RecordId, micro_grid: &AreaCode) -> Result<bool> {
        let (state, v): (_, Visit) = get_record(&self.conn, visit, "visit")?;
        Ok(state.origin.device == self.device_id()? && v.micro_grid == *micro_grid)
    }

    /// What the table needs to know of an edit of a held record.
    pub(crate) fn edit_subject<'a>(&self, micro_grid: &'a AreaCode, held: &RecordState) -> Result<Subject<'a>> {
        let me = self.device_id()?;
        Ok(Subject { written_by_actor: held.vv.get(me) > 0, ..Subject::plain(micro_grid) })
    }
}
