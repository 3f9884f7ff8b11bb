//! Dispute reports and their cases: filing a report, appending workflow events (checked against
//! the case's current state and the authority table), the case screen's view, and keeping each
//! dispute's queue columns (stage, level, deadline start, handler, contradictions) up to date.

use chrono::Utc;
use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::workflow::{CaseState, SkippedEvent, allowed_actions, apply, fold_lenient};
use gridwork_domain::{Dispute, DisputeAction, DisputeEvent, RecordId, RecordState};
use rusqlite::Connection;
use serde::Serialize;

use crate::engine::{Engine, get_record, put_local, typed_records};
use crate::error::{CoreError, Result};
use crate::households::HouseholdRow;

/// A dispute with its timeline and what may happen next: the case screen.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseView {
    pub id: RecordId,
    pub dispute: Dispute,
    pub state: CaseState,
    /// The events in the order every replica folds them.
    pub timeline: Vec<TimelineEntry>,
    /// The steps this account may take now, by wire name.
    pub allowed: Vec<&'static str>,
    /// When the step the case waits on falls due, and whether that has passed.
    pub due_ms: Option<i64>,
    pub overdue: bool,
    /// The first party's household, when the report names one this device holds.
    pub household: Option<HouseholdRow>,
}

/// One event of a case's timeline.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TimelineEntry {
    pub id: RecordId,
    pub event: DisputeEvent,
    /// The server holds it (false while it waits in this device's outbox).
    pub synced: bool,
    /// Left out of the case because it no longer fitted (a contradiction), with the refusal's code.
    pub skipped: Option<SkippedEvent>,
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
        if let DisputeAction::Dispatched { to } = &action {
            self.check_handler(to)?;
        }
        let at = chrono::DateTime::from_timestamp_millis(self.now_ms() as i64).unwrap_or_else(Utc::now);
        let event = DisputeEvent { dispute, micro_grid: d.micro_grid, actor, at, action, note: note.into(), visit };
        let current = fold_lenient(events_of(&self.conn, dispute)?.iter().map(|(_, e)| e));
        let mut subject = self.case_subject(&event.micro_grid, &current)?;
        subject.at_visit = match visit {
            Some(v) => self.visit_of_mine_in(v, &event.micro_grid)?,
            None => false,
        };
        self.check_may(Action::of_event(&event.action), &subject)?;
        apply(&current, &event).map_err(|e| CoreError::Step(e.into()))?;
        self.write(|tx, w| {
            let state = RecordState::create(RecordId::new(), &event, w)?;
            put_local(tx, &state, &event, w.now_ms)?;
            Ok(state.id)
        })
    }

    /// The case of one dispute, as the case screen shows it at `now_ms`.
    pub fn case(&self, dispute: RecordId) -> Result<CaseView> {
        self.case_at(dispute, self.now_ms() as i64)
    }

    pub fn case_at(&self, dispute: RecordId, now_ms: i64) -> Result<CaseView> {
        let (_, d): (_, Dispute) = get_record(&self.conn, dispute, "dispute")?;
        let events = events_of(&self.conn, dispute)?;
        let state = fold_lenient(events.iter().map(|(_, e)| e));
        // The steps the case can take next that this account may take.
        let subject = self.case_subject(&d.micro_grid, &state)?;
        let allowed = allowed_actions(&state)
            .into_iter()
            .filter(|name| event_action(name).is_some_and(|a| self.may(a, &subject)))
            .collect();
        let mut pending = self.conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM outbox WHERE record_id = ?1)")?;
        let mut skipped = state.skipped.iter().peekable();
        let mut timeline = Vec::with_capacity(events.len());
        for (index, (id, event)) in events.into_iter().enumerate() {
            let synced = !pending.query_row([id.to_string()], |r| r.get::<_, bool>(0))?;
            let skipped = skipped.next_if(|s| s.index == index).cloned();
            timeline.push(TimelineEntry { id, event, synced, skipped });
        }
        let deadlines = self.deadlines()?;
        let due_ms = state.stage_since.and_then(|t| deadlines.due_ms(state.stage, t.timestamp_millis()));
        let household = match d.parties.iter().find_map(|p| p.household) {
            Some(h) => self.household_row(h)?,
            None => None,
        };
        Ok(CaseView {
            id: dispute,
            dispute: d,
            state,
            timeline,
            allowed,
            due_ms,
            overdue: due_ms.is_some_and(|due| due < now_ms),
            household,
        })
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
        "settled" => Action::Settle,
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

/// Recomputes a dispute's queue columns and report columns from its events.
pub(crate) fn refresh_stage(conn: &Connection, dispute: RecordId) -> Result<()> {
    let events = events_of(conn, dispute)?;
    let state = fold_lenient(events.iter().map(|(_, e)| e));
    write_queue_columns(conn, dispute, &state)?;
    crate::report::columns::write(conn, dispute, &state)
}

/// Writes a dispute's queue columns (migration 0005) from its folded case.
fn write_queue_columns(conn: &Connection, dispute: RecordId, state: &CaseState) -> Result<()> {
    conn.prepare_cached(
        "UPDATE disputes SET stage = ?2, level = ?3, attempts_here = ?4, stage_since_ms = ?5, dispatched_to = ?6,
             unsettled = ?7
         WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        dispute.to_string(),
        state.stage.as_str(),
        crate::projection::enum_str(&state.level)?,
        state.attempts_here(),
        state.stage_since.map(|t| t.timestamp_millis()),
        state.dispatched_to.as_deref(),
        state.unsettled,
    ])?;
    Ok(())
}

/// Recomputes the queue columns of every dispute held (once, when the columns are added; the
/// report columns of migration 0007 are filled by their own back-fill).
pub(crate) fn refresh_all(conn: &Connection) -> Result<()> {
    let ids: Vec<String> =
        conn.prepare("SELECT id FROM disputes")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let id: RecordId = id.parse()?;
        let (_, d): (_, Dispute) = get_record(conn, id, "dispute")?;
        let party = d.parties.first();
        conn.execute(
            "UPDATE disputes SET party = ?2, household = ?3 WHERE id = ?1",
            rusqlite::params![
                id.to_string(),
                party.map(|p| p.name.as_str()),
                party.and_then(|p| p.household).map(|h| h.to_string())
            ],
        )?;
        let events = events_of(conn, id)?;
        write_queue_columns(conn, id, &fold_lenient(events.iter().map(|(_, e)| e)))?;
    }
    Ok(())
}
