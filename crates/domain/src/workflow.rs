//! The dispute case workflow: the closed loop (六步闭环) and the "three threes" (三个三) as a pure
//! fold over a case's append-only [`DisputeEvent`]s. No I/O: [`apply`] is one transition, [`fold`]
//! replays a whole history strictly, [`fold_lenient`] replays it for replication and skips what
//! does not fit, and [`allowed_actions`] tells the UI which buttons to show.
//!
//! # Stages and transitions
//!
//! | stage        | action                              | next stage                      |
//! |--------------|-------------------------------------|---------------------------------|
//! | `unreported` | reported                            | `reported`                      |
//! | `reported`   | verified                            | `open`                          |
//! | `reported`   | rejected                            | `rejected`                      |
//! | `rejected`   | reopened                            | `reported` (verify again)       |
//! | `open`       | dispatched (to a handler)           | `dispatched`                    |
//! | `dispatched` | mediation_attempt (succeeded)       | `resolved`                      |
//! | `dispatched` | mediation_attempt (failed)          | `mediating`                     |
//! | `dispatched` | feedback                            | `resolved`                      |
//! | `mediating`  | mediation_attempt (succeeded/failed)| `resolved` / `mediating`        |
//! | `mediating`  | escalated (after the third failure) | `open` at the next level        |
//! | `mediating`  | referred (banner, 3 failures)       | `referred`                      |
//! | `resolved`   | feedback                            | `resolved`                      |
//! | `resolved`   | closed                              | `closed`                        |
//! | `referred`   | feedback                            | `referred`                      |
//! | `referred`   | closed                              | `closed`                        |
//! | `closed`     | rated (1 to 5)                      | `rated`                         |
//! | `closed`     | reopened                            | `open` at the same level        |
//! | `rated`      | reopened                            | `open` at the same level        |
//! | any reported | settled (while contradictions wait) | the same stage                  |
//!
//! Mediation attempts carry the case's current level and the number `attempts at level + 1`; a
//! level takes at most three. Escalation goes one level up (village → township → banner) and only
//! after the level's third attempt failed (三个三: the attempts at a level come first); it leaves
//! the case `open`, to be dispatched to a
//! handler at the new level. Referral to court or arbitration needs the banner's third failure.
//!
//! # Reopening
//!
//! A reopened case keeps its level and its attempt counts: the household does not get a fresh three
//! attempts. The handler, the last outcome, the referral and the rating are cleared (the rating is
//! always the rating of the current closure). If the level's three attempts were already used, the
//! re-dispatched case may escalate (or, at banner level, be referred) without a new attempt, since
//! the reopening shows that the earlier result did not hold.
//!
//! # Replication
//!
//! Offline devices append events concurrently, so a merged history can hold events that no longer
//! fit (two leaders both closed the case). Callers sort a case's events by their clock stamp
//! ([`crate::clock::Stamp`]: HLC, then device id, then counter) before folding; [`fold_lenient`]
//! then applies them in that order and records each misfit in [`CaseState::skipped`], so every
//! replica computes the same state and the same skipped list. Each misfit is a contradiction
//! flagged on the case ([`CaseState::unsettled`]) until a leader records a `settled` step.
//!
//! # Refusals
//!
//! A refusal carries a code and its parameters ([`WorkflowError`]) besides its English words, so
//! a screen words it in the person's language: `stage` {action, stage}, `twice` {action},
//! `already_dispatched` {handler}, `attempts_used` {level, next}, `escalate_too_early` {level,
//! attempts}, `beyond_banner`,
//! `refer_too_early` {level, attempts}, `no_handler`, `wrong_level` {level, case_level},
//! `wrong_number` {number, expected}, `skip_level` {from, to, next}, `bad_score` {score},
//! `other_dispute`, `unconfirmed`, `nothing_to_settle`. Actions, stages and levels are given by
//! their wire names.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dispute::{AttemptOutcome, DisputeAction, DisputeEvent, MediationLevel, Referral, VillageHandler};
use crate::ids::RecordId;

mod gate;
mod sample;

pub use gate::{REFUSAL_CODES, WorkflowError};
use gate::{Why, gate, level_name, why};
pub use sample::sample_step;

/// Mediation attempts allowed at each level (三次劝调 / 三次联调 / 三次终调).
pub const MAX_ATTEMPTS_PER_LEVEL: u8 = 3;

/// Where a case stands in the closed loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CaseStage {
    /// No event yet.
    Unreported,
    /// 采集上报: awaiting the leader's verification.
    Reported,
    /// Not a real case; only reopening leads on.
    Rejected,
    /// 核实立案: verified (or escalated), awaiting dispatch at the current level.
    Open,
    /// 指挥派遣: with a handler; nothing recorded since the dispatch.
    Dispatched,
    /// At least one attempt at the current level, the last one failed.
    Mediating,
    /// 处理反馈: a mediation succeeded or the handler fed back; awaiting the leader's check.
    Resolved,
    /// To court or arbitration after the banner's third failed mediation.
    Referred,
    /// 核查结案
    Closed,
    /// 考核评价: closed and rated by the household.
    Rated,
}

impl CaseStage {
    /// The stage's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreported => "unreported",
            Self::Reported => "reported",
            Self::Rejected => "rejected",
            Self::Open => "open",
            Self::Dispatched => "dispatched",
            Self::Mediating => "mediating",
            Self::Resolved => "resolved",
            Self::Referred => "referred",
            Self::Closed => "closed",
            Self::Rated => "rated",
        }
    }
}

impl fmt::Display for CaseStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Mediation attempts made at each level over the whole life of the case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Attempts {
    pub village: u8,
    pub township: u8,
    pub banner: u8,
}

impl Attempts {
    pub fn at(&self, level: MediationLevel) -> u8 {
        match level {
            MediationLevel::Village => self.village,
            MediationLevel::Township => self.township,
            MediationLevel::Banner => self.banner,
        }
    }

    fn at_mut(&mut self, level: MediationLevel) -> &mut u8 {
        match level {
            MediationLevel::Village => &mut self.village,
            MediationLevel::Township => &mut self.township,
            MediationLevel::Banner => &mut self.banner,
        }
    }
}

/// An event [`fold_lenient`] left out: its position in the folded order, its action and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SkippedEvent {
    pub index: usize,
    pub action: String,
    /// The refusal's code (see [`WorkflowError`]).
    pub code: String,
    pub reason: String,
}

/// The state of one case: a fold of its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseState {
    /// The dispute the case is about, set by its `reported` event.
    pub dispute: Option<RecordId>,
    pub stage: CaseStage,
    /// The mediation level the case is at (village until escalated).
    pub level: MediationLevel,
    pub attempts: Attempts,
    /// The outcome of the latest attempt at the current level since the case came to it (or since
    /// it was reopened).
    pub last_outcome: Option<AttemptOutcome>,
    /// The current handler; cleared by escalation and reopening.
    pub dispatched_to: Option<String>,
    pub referral: Option<Referral>,
    /// The household's rating of the current closure.
    pub rating: Option<u8>,
    /// Events applied (skipped ones not counted).
    pub events_applied: usize,
    pub reopens: u32,
    /// Events [`fold_lenient`] left out, in order.
    pub skipped: Vec<SkippedEvent>,
    /// Contradictions waiting for a leader: events left out since the last `settled` step.
    pub unsettled: u32,
    /// When the case came to its stage: the time of the event that brought it there.
    pub stage_since: Option<chrono::DateTime<chrono::Utc>>,
    /// When the case was reported: the time of its `reported` event.
    pub reported_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the current closure happened (`None` while open, and again after a reopening).
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The level the case was at when it was closed (the level that resolved it).
    pub closed_level: Option<MediationLevel>,
    /// Who handled the case in the village, as the closing step at village level recorded it.
    pub village_handler: Option<VillageHandler>,
    /// The highest level the case has reached (village until escalated).
    pub max_level: MediationLevel,
}

impl CaseState {
    /// The state before any event.
    pub fn initial() -> Self {
        Self {
            dispute: None,
            stage: CaseStage::Unreported,
            level: MediationLevel::Village,
            attempts: Attempts::default(),
            last_outcome: None,
            dispatched_to: None,
            referral: None,
            rating: None,
            events_applied: 0,
            reopens: 0,
            skipped: Vec::new(),
            unsettled: 0,
            stage_since: None,
            reported_at: None,
            closed_at: None,
            closed_level: None,
            village_handler: None,
            max_level: MediationLevel::Village,
        }
    }

    /// Attempts made at the current level.
    pub fn attempts_here(&self) -> u8 {
        self.attempts.at(self.level)
    }

    /// With a handler, all three attempts at the current level used, none succeeding since.
    fn exhausted(&self) -> bool {
        matches!(self.stage, CaseStage::Dispatched | CaseStage::Mediating)
            && self.attempts_here() >= MAX_ATTEMPTS_PER_LEVEL
    }
}

impl Default for CaseState {
    fn default() -> Self {
        Self::initial()
    }
}

/// The kind of an action, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Reported,
    Verified,
    Rejected,
    Dispatched,
    MediationAttempt,
    Feedback,
    Escalated,
    Referred,
    Closed,
    Reopened,
    Rated,
    Settled,
}

impl Kind {
    const ALL: [Kind; 12] = [
        Kind::Reported,
        Kind::Verified,
        Kind::Rejected,
        Kind::Dispatched,
        Kind::MediationAttempt,
        Kind::Feedback,
        Kind::Escalated,
        Kind::Referred,
        Kind::Closed,
        Kind::Reopened,
        Kind::Rated,
        Kind::Settled,
    ];

    fn of(action: &DisputeAction) -> Kind {
        match action {
            DisputeAction::Reported => Kind::Reported,
            DisputeAction::Verified => Kind::Verified,
            DisputeAction::Rejected { .. } => Kind::Rejected,
            DisputeAction::Dispatched { .. } => Kind::Dispatched,
            DisputeAction::MediationAttempt { .. } => Kind::MediationAttempt,
            DisputeAction::Feedback => Kind::Feedback,
            DisputeAction::Escalated { .. } => Kind::Escalated,
            DisputeAction::Referred { .. } => Kind::Referred,
            DisputeAction::Closed { .. } => Kind::Closed,
            DisputeAction::Reopened { .. } => Kind::Reopened,
            DisputeAction::Rated { .. } => Kind::Rated,
            DisputeAction::Settled => Kind::Settled,
        }
    }

    /// The wire name (the `type` tag of [`DisputeAction`]).
    fn name(self) -> &'static str {
        match self {
            Kind::Reported => "reported",
            Kind::Verified => "verified",
            Kind::Rejected => "rejected",
            Kind::Dispatched => "dispatched",
            Kind::MediationAttempt => "mediation_attempt",
            Kind::Feedback => "feedback",
            Kind::Escalated => "escalated",
            Kind::Referred => "referred",
            Kind::Closed => "closed",
            Kind::Reopened => "reopened",
            Kind::Rated => "rated",
            Kind::Settled => "settled",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Kind::Reported => "report",
            Kind::Verified => "verify",
            Kind::Rejected => "reject",
            Kind::Dispatched => "dispatch",
            Kind::MediationAttempt => "record a mediation attempt on",
            Kind::Feedback => "record feedback on",
            Kind::Escalated => "escalate",
            Kind::Referred => "refer",
            Kind::Closed => "close",
            Kind::Reopened => "reopen",
            Kind::Rated => "rate",
            Kind::Settled => "settle the contradictions of",
        }
    }
}

/// The wire name of an action (`"mediation_attempt"`, `"closed"`, …), as [`allowed_actions`] lists it.
pub fn action_name(action: &DisputeAction) -> &'static str {
    Kind::of(action).name()
}

/// The actions that may come next, by wire name, for the UI's buttons. An action listed here is
/// accepted by [`apply`] when its data is right (the current level, the next attempt number, the
/// next level up, a score of 1 to 5, a named handler); one not listed is always refused.
pub fn allowed_actions(state: &CaseState) -> Vec<&'static str> {
    Kind::ALL.into_iter().filter(|k| gate(state, *k).is_ok()).map(Kind::name).collect()
}

/// One transition: the state after `event`, or why the event cannot happen to the case now. The
/// error names the reason, the current stage and the attempted action.
pub fn apply(state: &CaseState, event: &DisputeEvent) -> Result<CaseState, WorkflowError> {
    use CaseStage as S;
    let kind = Kind::of(&event.action);
    let refuse = |w: Why| WorkflowError {
        code: w.code,
        params: w.params,
        message: format!("{} (stage: {}, action: {})", w.text, state.stage, kind.name()),
    };
    if let Some(dispute) = state.dispute {
        if dispute != event.dispute {
            return Err(refuse(why(
                "other_dispute",
                &[],
                format!("the event belongs to dispute {}, not to this case's {dispute}", event.dispute),
            )));
        }
    }
    gate(state, kind).map_err(refuse)?;

    let mut next = state.clone();
    match &event.action {
        DisputeAction::Reported => {
            next.dispute = Some(event.dispute);
            next.stage = S::Reported;
            next.reported_at = Some(event.at);
        }
        DisputeAction::Verified => next.stage = S::Open,
        DisputeAction::Rejected { .. } => next.stage = S::Rejected,
        DisputeAction::Dispatched { to } => {
            let to = to.trim();
            if to.is_empty() {
                return Err(refuse(why(
                    "no_handler",
                    &[],
                    "cannot dispatch a case to nobody: name the handler".into(),
                )));
            }
            next.dispatched_to = Some(to.to_owned());
            next.stage = S::Dispatched;
        }
        DisputeAction::MediationAttempt { level, number, outcome, .. } => {
            let here = level_name(state.level);
            if *level != state.level {
                let there = level_name(*level);
                return Err(refuse(why(
                    "wrong_level",
                    &[("level", there), ("case_level", here)],
                    format!("cannot record a mediation attempt at {there} level: the case is at {here} level"),
                )));
            }
            let expected = state.attempts_here() + 1;
            if *number != expected {
                return Err(refuse(why(
                    "wrong_number",
                    &[("number", &number.to_string()), ("expected", &expected.to_string())],
                    format!(
                        "cannot record mediation attempt {number} at {here} level: the next attempt is number {expected}"
                    ),
                )));
            }
            *next.attempts.at_mut(*level) = expected;
            next.last_outcome = Some(*outcome);
            next.stage = match outcome {
                AttemptOutcome::Succeeded => S::Resolved,
                AttemptOutcome::Failed => S::Mediating,
            };
        }
        DisputeAction::Feedback => {
            if state.stage == S::Dispatched {
                next.stage = S::Resolved;
            }
        }
        DisputeAction::Escalated { to } => {
            let up = state.level.next();
            if up != Some(*to) {
                let (from, to, up) = (level_name(state.level), level_name(*to), up.map_or("no", level_name));
                return Err(refuse(why(
                    "skip_level",
                    &[("from", from), ("to", to), ("next", up)],
                    format!(
                        "cannot escalate from {from} to {to} level: a case moves up one level at a time, to {up} level"
                    ),
                )));
            }
            next.level = *to;
            next.max_level = next.max_level.max(*to);
            next.last_outcome = None;
            next.dispatched_to = None;
            next.stage = S::Open;
        }
        DisputeAction::Referred { to } => {
            next.referral = Some(*to);
            next.stage = S::Referred;
        }
        DisputeAction::Closed { household_confirmed, village_handler } => {
            if !household_confirmed {
                return Err(refuse(why(
                    "unconfirmed",
                    &[],
                    "cannot close a case before the household has confirmed the outcome".into(),
                )));
            }
            next.stage = S::Closed;
            next.closed_at = Some(event.at);
            next.closed_level = Some(state.level);
            next.village_handler = if state.level == MediationLevel::Village { *village_handler } else { None };
        }
        DisputeAction::Reopened { .. } => {
            next.reopens += 1;
            next.closed_at = None;
            next.closed_level = None;
            next.village_handler = None;
            if state.stage == S::Rejected {
                next.stage = S::Reported;
            } else {
                next.stage = S::Open;
                next.dispatched_to = None;
                next.last_outcome = None;
                next.referral = None;
                next.rating = None;
            }
        }
        DisputeAction::Rated { score } => {
            if !(1..=5).contains(score) {
                return Err(refuse(why(
                    "bad_score",
                    &[("score", &score.to_string())],
                    format!("cannot rate a case {score}: a rating is 1 to 5"),
                )));
            }
            next.rating = Some(*score);
            next.stage = S::Rated;
        }
        DisputeAction::Settled => next.unsettled = 0,
    }
    if next.stage != state.stage || state.stage_since.is_none() {
        next.stage_since = Some(event.at);
    }
    next.events_applied += 1;
    Ok(next)
}

/// Replays a case's events strictly: the first event that cannot happen fails the whole fold, and
/// the error names its index (from 0, in the given order), its action and why.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a DisputeEvent>) -> Result<CaseState, WorkflowError> {
    events.into_iter().enumerate().try_fold(CaseState::initial(), |state, (index, event)| {
        apply(&state, event).map_err(|e| WorkflowError {
            message: format!("event {index} ({}): {}", action_name(&event.action), e.message),
            ..e
        })
    })
}

/// Replays a case's events for replication: applies them in the given order, skips each one that
/// cannot happen and records it in [`CaseState::skipped`] (and as a contradiction to settle).
/// Deterministic, so replicas agree when they fold the same events in the same order: sort them by
/// clock stamp first (see the module doc).
pub fn fold_lenient<'a>(events: impl IntoIterator<Item = &'a DisputeEvent>) -> CaseState {
    let mut state = CaseState::initial();
    for (index, event) in events.into_iter().enumerate() {
        match apply(&state, event) {
            Ok(next) => state = next,
            Err(e) => {
                state.unsettled += 1;
                state.skipped.push(SkippedEvent {
                    index,
                    action: action_name(&event.action).to_owned(),
                    code: e.code.to_owned(),
                    reason: e.message,
                })
            }
        }
    }
    state
}

#[cfg(test)]
mod tests;
