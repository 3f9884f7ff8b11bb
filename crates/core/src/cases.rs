//! Dispute reports and their cases: filing a report, appending workflow events (checked against
//! the case's current state), and keeping each dispute's stage up to date.

use chrono::Utc;
use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::workflow::{CaseState, allowed_actions, apply, fold_lenient};
use gridwork_domain::{Dispute, DisputeAction, DisputeEvent, RecordId, RecordState};
use rusqlite::Connection;
use serde::Serialize;

use crate::engine::{Engine, get_record, put_local, typed_records};
use crate::error::{CoreError, Result};

/// A dispute with its events in order and what may happen next.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseView {
    pub id: RecordId,
    pub dispute: Dispute,
    pub state: CaseState,
    pub events: Vec<(RecordId, DisputeEvent)>,
    pub allowed: Vec<&'static str>,
}

impl Engine {
    /// Files a report from the field: the dispute and its `reported` event, in one transaction.
    /// The report names this device's account as its reporter.
    pub fn file_dispute(&mut self, dispute: &Dispute) -> Result<RecordId> {
        let actor = self.profile()?.user_name.clone();
        self.check_may(Action::Report, &Subject::plain(&dispute.micro_grid))?;
        let dispute = &Dispute { reporter: actor.clone(), ..dispute.clone() };
        self.write(|tx, w| {
            let id = RecordId::new();
            let state = RecordState::create(id, dispute, w)?;
            put_local(tx, &state, dispute, w.now_ms)?;
            let event = DisputeEvent {
                dispute: id,
                micro_grid: dispute.micro_grid.clone(),
                actor,
                at: dispute.reported_at,
                action: DisputeAction::Reported,
                note: String::new(),
                visit: None,
            };
            put_local(tx, &RecordState::create(RecordId::new(), &event, w)?, &event, w.now_ms)?;
            Ok(id)
        })
    }

    /// Appends one step to a case, refused with a clear reason when the case cannot take it now.
    pub fn append_event(&mut self, dispute: RecordId, action: DisputeAction, note: &str) -> Result<RecordId> {
        self.append_event_at(dispute, action, note, None)
    }

    /// Appends one step taken at `visit`, a visit this device recorded to the dispute's
    /// micro-grid (how a grid worker records the household's rating, 回访).
    pub fn append_event_at(
        &mut self,
        dispute: RecordId,
        action: DisputeAction,
        note: &str,
        visit: Option<RecordId>,
    ) -> Result<RecordId> {
        let actor = self.profile()?.user_name.clone();
        let (_, d): (_, Dispute) = get_record(&self.conn, dispute, "dispute")?;
        let event =
            DisputeEvent { dispute, micro_grid: d.micro_grid, actor, at: Utc::now(), action, note: note.into(), visit };
        let current = fold_lenient(events_of(&self.conn, dispute)?.iter().map(|(_, e)| e));
        let mut subject = self.case_subject(&event.micro_grid, &current)?;
        subject.at_visit = match visit {
            Some(v) => self.visit_of_mine_in(v, &event.micro_grid)?,
            None => false,
        };
        self.check_may(Action::of_event(&event.action), &subject)?;
        apply(&current, &event).map_err(|e| CoreError::Workflow(e.to_string()))?;
        self.write(|tx, w| {
            let state = RecordState::create(RecordId::new(), &event, w)?;
            put_local(tx, &state, &event, w.now_ms)?;
            Ok(state.id)
        })
    }

    /// The case of one dispute.
    pub fn case(&self, dispute: RecordId) -> Result<CaseView> {
        let (_, d): (_, Dispute) = get_record(&self.conn, dispute, "dispute")?;
        let events = events_of(&self.conn, dispute)?;
        let state = fold_lenient(events.iter().map(|(_, e)| e));
        // The steps the case can take next that this account may take.
        let subject = self.case_subject(&d.micro_grid, &state)?;
        let allowed = allowed_actions(&state)
            .into_iter()
            .filter(|name| event_action(name).is_some_and(|a| self.may(a, &subject)))
            .collect();
        Ok(CaseView { id: dispute, dispute: d, state, events, allowed })
    }
}

/// The authority action of a workflow step, by the step's wire name.
fn event_action(name: &str) -> Option<Action> {
    let action = match name {
        "reported" => Action::Report,
        "verified" => Action::Verify,
        "rejected" => Action::Reject,
        "dispatched" => Action::Dispatch,
        "mediation_attempt" => Action::MediationAttempt,
        "feedback" => Action::Feedback,
        "escalated" => Action::Escalate,
        "referred" => Action::Refer,
        "closed" => Action::Close,
        "reopened" => Action::Reopen,
        "rated" => Action::Rate,
        _ => return None,
    };
    Some(action)
}

/// The events of a dispute in stamp order (the order every replica folds them in).
pub(crate) fn events_of(conn: &Connection, dispute: RecordId) -> Result<Vec<(RecordId, DisputeEvent)>> {
    typed_records(
        conn,
        "SELECT r.state FROM dispute_events e JOIN records r ON r.id = e.id WHERE e.dispute = ?1 ORDER BY e.stamp",
        &dispute.to_string(),
    )
}

/// Recomputes the stage column of a dispute from its events.
pub(crate) fn refresh_stage(conn: &Connection, dispute: RecordId) -> Result<()> {
    let events = events_of(conn, dispute)?;
    let state = fold_lenient(events.iter().map(|(_, e)| e));
    conn.prepare_cached("UPDATE disputes SET stage = ?2 WHERE id = ?1")?
        .execute((dispute.to_string(), state.stage.as_str()))?;
    Ok(())
}
