//! Classifying a checked record against the server's version of it: who may write it (area,
//! authority table, attribution), then accept, merge, or nothing to do; a whole batch in order.

use std::collections::HashMap;

use gridwork_domain::attribution::{AttributionError, check_attribution};
use gridwork_domain::authority::{Action, Actor, Refusal, Subject, authorize};
use gridwork_domain::dots::check_dots;
use gridwork_domain::wire::{PushOutcome, PushResponse, PushStatus};
use gridwork_domain::workflow::{CaseState, apply};
use gridwork_domain::{AreaCode, Causality, DisputeEvent, FieldConflict, RecordId, RecordState, merge};
use serde_json::Value;
use uuid::Uuid;

use super::cases::{Case, Cases};
use super::check::{Candidate, Checked, Facts};
use super::{Pusher, RejectCode, Rejection};

/// What to do with one pushed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// New, or newer than the server's: store as sent (the very text) with the next change number.
    Accept {
        state: RecordState,
        micro_grid: AreaCode,
        text: String,
    },
    /// Concurrent with the server's: store the merge with the next change number, keep the conflicts.
    Merge {
        state: RecordState,
        micro_grid: AreaCode,
        conflicts: Vec<FieldConflict>,
    },
    /// The server has this version or a newer one: nothing to write.
    AlreadyKnown,
    Reject {
        code: RejectCode,
        message: String,
    },
}

impl Decision {
    fn reject(code: RejectCode, message: impl Into<String>) -> Self {
        Self::Reject { code, message: message.into() }
    }

    /// The version to store, if any.
    pub fn stored(&self) -> Option<(&RecordState, &AreaCode)> {
        match self {
            Self::Accept { state, micro_grid, .. } | Self::Merge { state, micro_grid, .. } => Some((state, micro_grid)),
            _ => None,
        }
    }
}

impl From<Rejection> for Decision {
    fn from(r: Rejection) -> Self {
        Self::Reject { code: r.code, message: r.message }
    }
}

/// Classifies a checked record against the server's version of it and the cases it holds.
pub fn decide(pusher: &Pusher, server: Option<&RecordState>, candidate: Candidate, cases: &Cases) -> Decision {
    let Candidate { state: pushed, micro_grid, facts, text, vouched, .. } = candidate;
    let id = pushed.id;
    let causality = server.map(|s| s.vv.compare(&pushed.vv));
    if let Some(server) = server {
        // First, before anything that would tell what the record is: whether it is the pusher's.
        if !server.micro_grid().is_some_and(|m| m.is_within(&pusher.scope)) {
            return Rejection::outside(id).into();
        }
        if server.kind != pushed.kind {
            return Decision::reject(
                RejectCode::Validation,
                format!("record {id} is a {} on the server, not a {}", server.kind, pushed.kind),
            );
        }
        // A visit or event is written once: any other content under its id is `immutable`, below.
        if vouched || pushed.kind.append_only() {
            // Handed back, the server's own version was judged when it was first taken.
        } else if let Err(e) = check_dots(pusher.device, server, &pushed) {
            return Decision::reject(RejectCode::DotReused, e.to_string());
        }
        let (mine_on_server, mine_pushed) = (server.vv.get(pusher.device), pushed.vv.get(pusher.device));
        if !vouched && mine_pushed < mine_on_server && causality != Some(Causality::Newer) {
            return Decision::reject(
                RejectCode::BadVersion,
                format!(
                    "the version vector goes backwards: this device's counter is {mine_pushed}, the server has {mine_on_server}"
                ),
            );
        }
    }
    if let Err(e) = check_attribution(pusher.device, server, &pushed)
        && !vouched
    {
        let code = match e {
            AttributionError::AppendOnlyChanged(_) => RejectCode::Immutable,
            _ => RejectCode::Forbidden,
        };
        return Decision::reject(code, e.to_string());
    }
    if matches!(causality, Some(Causality::Equal | Causality::Newer)) {
        return Decision::AlreadyKnown;
    }
    if !vouched && let Err(r) = authorize_record(pusher, server, &pushed, &micro_grid, &facts, cases) {
        return r.into();
    }
    match (server, causality) {
        (Some(server), Some(Causality::Concurrent)) => match merge(server, &pushed) {
            Ok(m) => {
                let micro_grid = m.state.micro_grid().unwrap_or(micro_grid);
                Decision::Merge { state: m.state, micro_grid, conflicts: m.conflicts }
            }
            Err(e) => Decision::reject(RejectCode::Validation, e.to_string()),
        },
        _ => Decision::Accept { state: pushed, micro_grid, text },
    }
}

/// The action a pushed version takes, checked against the authority table.
fn authorize_record(
    pusher: &Pusher,
    server: Option<&RecordState>,
    pushed: &RecordState,
    micro_grid: &AreaCode,
    facts: &Facts,
    cases: &Cases,
) -> Result<(), Rejection> {
    let id = pushed.id;
    let mut subject =
        Subject { written_by_actor: server.is_some_and(|s| s.vv.get(pusher.device) > 0), ..Subject::plain(micro_grid) };
    // For a case step: the case as the server holds it before the step, and the case itself,
    // whose views as the pusher's device could have held it are worked out only on a refusal.
    let mut overtaken: Option<(CaseState, &Case)> = None;
    if let Facts::Event { dispute, visit, .. } = facts {
        let case = cases.get(dispute);
        if let Some(held) = case.and_then(|c| c.micro_grid.as_ref()) {
            if !held.is_within(&pusher.scope) {
                return Err(Rejection::outside(id));
            }
            if held != micro_grid {
                return Err(Rejection::new(
                    id,
                    RejectCode::Forbidden,
                    "a case's events lie in the micro-grid of its dispute",
                ));
            }
        }
        let state = case.map(|c| c.state_before(&pushed.origin)).unwrap_or_default();
        subject.level = state.level;
        if let Some(c) = case {
            overtaken = Some((state.clone(), c));
        }
        subject.dispatched_to_actor = state.dispatched_to.as_deref() == Some(pusher.name.as_str());
        // A visit the pusher recorded, in the case's micro-grid.
        subject.at_visit = visit
            .and_then(|v| cases.visit(&v))
            .is_some_and(|v| v.origin.device == pusher.device && v.micro_grid().as_ref() == Some(micro_grid));
    }
    let action = action_of(facts, server);
    let actor = Actor { role: pusher.role, scope: &pusher.scope };
    match authorize(&actor, action, &subject) {
        Ok(()) => Ok(()),
        Err(Refusal::Forbidden { .. })
            if overtaken
                .as_ref()
                .is_some_and(|(now, case)| overtaken_step(&actor, pusher, action, &subject, now, case, pushed)) =>
        {
            Ok(())
        }
        Err(Refusal::OutsideArea) => Err(Rejection::outside(id)),
        Err(Refusal::Forbidden { message, .. }) => Err(Rejection::new(id, RejectCode::Forbidden, message)),
    }
}

/// A case step taken offline that another handset's steps have overtaken (one leader closed the
/// case while the other escalated it past the first one's level): the case as the pusher's device
/// could have held it — its own earlier steps and what came before them, without what others did
/// since — took the step, and the table let the pusher take it there; the case as it now stands
/// cannot take it, so every replica's fold leaves it out and flags it as a contradiction for a
/// leader to settle. Kept, so that both people's steps stay visible; it changes nothing. Any
/// other step the table refuses is refused as before.
fn overtaken_step(
    actor: &Actor<'_>,
    pusher: &Pusher,
    action: Action,
    subject: &Subject<'_>,
    now: &CaseState,
    case: &Case,
    pushed: &RecordState,
) -> bool {
    let Ok(event) = pushed.decode::<DisputeEvent>() else { return false };
    apply(now, &event).is_err()
        && case.views_before(&pushed.origin, pusher.device).iter().any(|then| {
            let there = Subject {
                level: then.level,
                dispatched_to_actor: then.dispatched_to.as_deref() == Some(pusher.name.as_str()),
                ..*subject
            };
            apply(then, &event).is_ok() && authorize(actor, action, &there).is_ok()
        })
}

/// The action a pushed version takes, given the server's version of the record.
pub fn action_of(facts: &Facts, server: Option<&RecordState>) -> Action {
    match facts {
        Facts::Household { archived } => match server {
            None => Action::HouseholdCreate,
            Some(s) if *archived && s.fields.get("archived") != Some(&Value::Bool(true)) => Action::HouseholdArchive,
            Some(_) => Action::HouseholdEdit,
        },
        Facts::Visit => Action::VisitRecord,
        Facts::Dispute if server.is_none() => Action::Report,
        Facts::Dispute => Action::ReportEdit,
        Facts::Card if server.is_none() => Action::CardIssue,
        Facts::Card => Action::CardRevoke,
        Facts::Highlight => Action::HighlightAward,
        Facts::Event { action, .. } => Action::of_event(action),
    }
}

/// Decides a whole batch in order. `server` holds the server's versions of the batch's records
/// and `cases` the cases of its events; both are updated as the batch goes, so a record pushed
/// twice in one batch meets its first push and an event meets the steps before it.
pub fn plan(
    pusher: &Pusher,
    checked: Vec<Checked>,
    server: &mut HashMap<RecordId, RecordState>,
    cases: &mut Cases,
) -> Vec<(RecordId, Decision)> {
    // Only a record that comes again later in the batch needs its new version kept at hand.
    let mut left: HashMap<RecordId, usize> = HashMap::with_capacity(checked.len());
    for c in checked.iter().flatten() {
        *left.entry(c.state.id).or_default() += 1;
    }
    checked
        .into_iter()
        .map(|c| match c {
            Err(r) => (r.id, r.into()),
            Ok(candidate) => {
                let id = candidate.state.id;
                let facts = matches!(candidate.facts, Facts::Dispute | Facts::Event { .. } | Facts::Visit)
                    .then(|| candidate.facts.clone());
                let decision = decide(pusher, server.get(&id), candidate, cases);
                if let (Some((state, micro_grid)), Some(facts)) = (decision.stored(), &facts) {
                    cases.note_stored(state, micro_grid, facts);
                }
                let again = left.get_mut(&id).map(|n| {
                    *n -= 1;
                    *n > 0
                });
                if again == Some(true)
                    && let Some((state, _)) = decision.stored()
                {
                    server.insert(id, state.clone());
                }
                (id, decision)
            }
        })
        .collect()
}

/// The answer to a batch, one outcome per pushed record in the order they were sent, with the
/// receipt of each stored version (`receipts`, in the order of the stored ones) and the count
/// of the device's batches applied. A visit or event the pusher wrote itself goes without its
/// receipt: its author can always send it again as its own write, and leaving it out spares the
/// handset a write per record of the busiest kind.
pub fn respond(
    pusher: &Pusher,
    batch_id: Uuid,
    plan: &[(RecordId, Decision)],
    receipts: Vec<String>,
    pushes: u64,
) -> PushResponse {
    let mut receipts = receipts.into_iter();
    let results = plan
        .iter()
        .map(|(id, d)| PushOutcome {
            id: *id,
            receipt: d.stored().and_then(|(state, _)| {
                let receipt = receipts.next();
                let own_once = state.kind.append_only() && state.origin.device == pusher.device;
                receipt.filter(|_| !own_once)
            }),
            status: match d {
                Decision::Accept { .. } => PushStatus::Accepted,
                Decision::Merge { state, conflicts, .. } => {
                    PushStatus::Merged { state: state.clone(), conflicts: conflicts.clone() }
                }
                Decision::AlreadyKnown => PushStatus::AlreadyKnown,
                Decision::Reject { code, message } => {
                    PushStatus::Rejected { code: code.as_str().to_owned(), message: message.clone() }
                }
            },
        })
        .collect();
    PushResponse { batch_id, results, pushes }
}
