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
use thiserror::Error;

use crate::dispute::{AttemptOutcome, DisputeAction, DisputeEvent, MediationLevel, Referral};
use crate::ids::RecordId;

/// Why an event cannot happen to a case in its current state: a code and its parameters for a
/// screen to word, and the reason in English for logs and the CLI.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct WorkflowError {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub message: String,
}

/// Every refusal code [`apply`] gives (the UI's catalog has words for each).
pub const REFUSAL_CODES: [&str; 15] = [
    "stage",
    "twice",
    "already_dispatched",
    "attempts_used",
    "escalate_too_early",
    "beyond_banner",
    "refer_too_early",
    "no_handler",
    "wrong_level",
    "wrong_number",
    "skip_level",
    "bad_score",
    "other_dispute",
    "unconfirmed",
    "nothing_to_settle",
];

/// A refusal before it is tied to the case's stage and action.
#[derive(Clone, Debug)]
struct Why {
    code: &'static str,
    params: Vec<(&'static str, String)>,
    text: String,
}

fn why(code: &'static str, params: &[(&'static str, &str)], text: String) -> Why {
    Why { code, params: params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(), text }
}

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

/// A step of the wire name `name` with data that fits `state` — the next attempt at the case's
/// level, the next level up — dispatched to `handler`; `variant` picks what may vary (a failed
/// attempt unless `variant % 3 == 0`, court or arbitration, a score of `variant % 5 + 1`). For
/// tools and tests that walk the loop; `None` for a name that is no step.
pub fn sample_step(name: &str, state: &CaseState, handler: &str, variant: u8) -> Option<DisputeAction> {
    use crate::dispute::Referral;
    let failed = variant % 3 != 0;
    let step = match name {
        "reported" => DisputeAction::Reported,
        "verified" => DisputeAction::Verified,
        "rejected" => DisputeAction::Rejected { reason: "重复上报".into() },
        "dispatched" => DisputeAction::Dispatched { to: handler.to_owned() },
        "mediation_attempt" => DisputeAction::MediationAttempt {
            level: state.level,
            number: state.attempts_here() + 1,
            outcome: if failed { AttemptOutcome::Failed } else { AttemptOutcome::Succeeded },
            mediator: "村人民调解委员会".into(),
            agreement: if failed { String::new() } else { "双方和解".into() },
        },
        "feedback" => DisputeAction::Feedback,
        "escalated" => DisputeAction::Escalated { to: state.level.next().unwrap_or(MediationLevel::Banner) },
        "referred" => {
            DisputeAction::Referred { to: if variant % 2 == 0 { Referral::Court } else { Referral::Arbitration } }
        }
        "closed" => DisputeAction::Closed { household_confirmed: true },
        "reopened" => DisputeAction::Reopened { reason: "当事人反映未解决".into() },
        "rated" => DisputeAction::Rated { score: variant % 5 + 1 },
        "settled" => DisputeAction::Settled,
        _ => return None,
    };
    Some(step)
}

fn level_name(level: MediationLevel) -> &'static str {
    match level {
        MediationLevel::Village => "village",
        MediationLevel::Township => "township",
        MediationLevel::Banner => "banner",
    }
}

fn referral_name(referral: Option<Referral>) -> &'static str {
    match referral {
        Some(Referral::Court) => "court",
        Some(Referral::Arbitration) => "arbitration",
        None => "court or arbitration",
    }
}

/// Why `kind` cannot happen in the case's stage, in the plain words of the stage.
fn stage_refusal(state: &CaseState, kind: Kind) -> Why {
    let level = level_name(state.level);
    let text = match state.stage {
        CaseStage::Unreported => "that has not been reported".to_owned(),
        CaseStage::Reported => "that has not been verified".to_owned(),
        CaseStage::Rejected => "that was rejected; reopen it first".to_owned(),
        CaseStage::Open => "that has not been dispatched".to_owned(),
        CaseStage::Dispatched => "that has not been handled since it was dispatched".to_owned(),
        CaseStage::Mediating => format!("while mediation at {level} level is under way (the last attempt failed)"),
        CaseStage::Resolved if state.last_outcome == Some(AttemptOutcome::Succeeded) => {
            "whose mediation succeeded and awaits the leader's check".to_owned()
        }
        CaseStage::Resolved => "that is resolved and awaits the leader's check".to_owned(),
        CaseStage::Referred => format!("that was referred to {}", referral_name(state.referral)),
        CaseStage::Closed => "that is already closed".to_owned(),
        CaseStage::Rated => "that is already closed and rated".to_owned(),
    };
    why(
        "stage",
        &[("action", kind.name()), ("stage", state.stage.as_str())],
        format!("cannot {} a case {text}", kind.verb()),
    )
}

/// Whether an action of `kind` may happen now, whatever its data; if not, why. Shared by [`apply`]
/// and [`allowed_actions`] so the two never disagree.
fn gate(state: &CaseState, kind: Kind) -> Result<(), Why> {
    use CaseStage as S;
    let stage = state.stage;
    let level = level_name(state.level);
    let twice =
        |what: &str| why("twice", &[("action", kind.name())], format!("cannot {} a case twice: {what}", kind.verb()));
    match kind {
        Kind::Reported if stage == S::Unreported => Ok(()),
        Kind::Reported => Err(twice("it has already been reported")),
        Kind::Verified | Kind::Rejected => match stage {
            S::Reported => Ok(()),
            S::Unreported | S::Rejected => Err(stage_refusal(state, kind)),
            _ => Err(why(
                "twice",
                &[("action", kind.name())],
                format!("cannot {} a case that was already verified", kind.verb()),
            )),
        },
        Kind::Dispatched => match stage {
            S::Open => Ok(()),
            S::Dispatched => {
                let handler = state.dispatched_to.as_deref().unwrap_or("a handler");
                Err(why(
                    "already_dispatched",
                    &[("handler", handler)],
                    format!("cannot dispatch a case that is already dispatched to {handler}"),
                ))
            }
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::MediationAttempt => match stage {
            S::Dispatched | S::Mediating if state.exhausted() => {
                let (next, then) = match state.level.next() {
                    Some(up) => (level_name(up), format!("escalate to {} level", level_name(up))),
                    None => ("court", "refer the case to court or arbitration".to_owned()),
                };
                Err(why(
                    "attempts_used",
                    &[("level", level), ("next", next)],
                    format!("cannot record a 4th mediation attempt at {level} level: all three were made; {then}"),
                ))
            }
            S::Dispatched | S::Mediating => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Feedback => match stage {
            S::Dispatched | S::Resolved | S::Referred => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Escalated if state.exhausted() => match state.level.next() {
            Some(_) => Ok(()),
            None => Err(why(
                "beyond_banner",
                &[],
                "cannot escalate beyond banner level: refer the case to court or arbitration after the third \
                 failed attempt"
                    .to_owned(),
            )),
        },
        Kind::Escalated if stage == S::Mediating => {
            let n = state.attempts_here();
            Err(why(
                "escalate_too_early",
                &[("level", level), ("attempts", &n.to_string())],
                format!(
                    "cannot escalate a case from {level} level after {n} failed attempt{}: the level's three \
                     attempts come first",
                    if n == 1 { "" } else { "s" }
                ),
            ))
        }
        Kind::Escalated => Err(stage_refusal(state, kind)),
        Kind::Referred => match stage {
            S::Dispatched | S::Mediating if state.level == MediationLevel::Banner && state.exhausted() => Ok(()),
            S::Dispatched | S::Mediating => {
                let n = state.attempts_here();
                Err(why(
                    "refer_too_early",
                    &[("level", level), ("attempts", &n.to_string())],
                    format!(
                        "cannot refer a case to court or arbitration before the third failed mediation at banner \
                         level (it is at {level} level after {n} attempt{})",
                        if n == 1 { "" } else { "s" }
                    ),
                ))
            }
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Closed => match stage {
            S::Resolved | S::Referred => Ok(()),
            _ => Err(stage_refusal(state, kind)),
        },
        Kind::Reopened => match stage {
            S::Closed | S::Rated | S::Rejected => Ok(()),
            _ => Err(Why {
                text: "cannot reopen a case that is not closed or rejected".into(),
                ..stage_refusal(state, kind)
            }),
        },
        Kind::Rated => match stage {
            S::Closed => Ok(()),
            S::Rated => Err(twice("it has already been rated")),
            S::Rejected => Err(stage_refusal(state, kind)),
            _ => Err(Why { text: "cannot rate a case that has not been closed".into(), ..stage_refusal(state, kind) }),
        },
        Kind::Settled if stage == S::Unreported => Err(stage_refusal(state, kind)),
        Kind::Settled if state.unsettled == 0 => {
            Err(why("nothing_to_settle", &[], "cannot settle a case that has no contradictions".to_owned()))
        }
        Kind::Settled => Ok(()),
    }
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
            next.last_outcome = None;
            next.dispatched_to = None;
            next.stage = S::Open;
        }
        DisputeAction::Referred { to } => {
            next.referral = Some(*to);
            next.stage = S::Referred;
        }
        DisputeAction::Closed { household_confirmed } => {
            if !household_confirmed {
                return Err(refuse(why(
                    "unconfirmed",
                    &[],
                    "cannot close a case before the household has confirmed the outcome".into(),
                )));
            }
            next.stage = S::Closed;
        }
        DisputeAction::Reopened { .. } => {
            next.reopens += 1;
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
