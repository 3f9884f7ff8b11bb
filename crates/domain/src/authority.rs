//! Who may do what: the default authority table (role × record kind × action × area) as one pure
//! function. The handset consults it before a local write (and to choose which buttons to show);
//! the server consults it for every pushed record and is the authority.
//!
//! Each role acts inside its own area (its account's scope: the grid for a worker or a leader, the
//! township for a supervisor, the banner for the centre) and, for case steps, at its own level of
//! the "three threes": a grid leader at village level, a supervisor at township level, the banner
//! centre (`admin`) at banner level. [`table_markdown`] renders the table that docs/protocol.md shows.

use serde::{Deserialize, Serialize};

use crate::dispute::{DisputeAction, MediationLevel};
use crate::ids::AreaCode;
use crate::record::RecordKind;
use crate::wire::Role;

/// Everything a person can do to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Action {
    HouseholdCreate,
    HouseholdEdit,
    HouseholdArchive,
    VisitRecord,
    /// 采集上报: file a dispute or hazard (the dispute and its `reported` event).
    Report,
    /// Correct a filed report's fields.
    ReportEdit,
    Verify,
    Reject,
    Dispatch,
    MediationAttempt,
    Feedback,
    Escalate,
    Refer,
    Close,
    Reopen,
    Rate,
    CardIssue,
    /// Any change to an issued card: revoke, replace, correct.
    CardRevoke,
    /// Settle a conflict: mark it seen, or write the chosen value.
    ConflictChoose,
    /// Settle a case's contradictions (steps taken concurrently that no longer fit the case).
    Settle,
    /// Award or withdraw highlight points for the quarterly ranking.
    HighlightAward,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Self::HouseholdCreate,
        Self::HouseholdEdit,
        Self::HouseholdArchive,
        Self::VisitRecord,
        Self::Report,
        Self::ReportEdit,
        Self::Verify,
        Self::Reject,
        Self::Dispatch,
        Self::MediationAttempt,
        Self::Feedback,
        Self::Escalate,
        Self::Refer,
        Self::Close,
        Self::Reopen,
        Self::Rate,
        Self::CardIssue,
        Self::CardRevoke,
        Self::ConflictChoose,
        Self::Settle,
        Self::HighlightAward,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HouseholdCreate => "household_create",
            Self::HouseholdEdit => "household_edit",
            Self::HouseholdArchive => "household_archive",
            Self::VisitRecord => "visit_record",
            Self::Report => "report",
            Self::ReportEdit => "report_edit",
            Self::Verify => "verify",
            Self::Reject => "reject",
            Self::Dispatch => "dispatch",
            Self::MediationAttempt => "mediation_attempt",
            Self::Feedback => "feedback",
            Self::Escalate => "escalate",
            Self::Refer => "refer",
            Self::Close => "close",
            Self::Reopen => "reopen",
            Self::Rate => "rate",
            Self::CardIssue => "card_issue",
            Self::CardRevoke => "card_revoke",
            Self::ConflictChoose => "conflict_choose",
            Self::Settle => "settle",
            Self::HighlightAward => "highlight_award",
        }
    }

    /// The kind of record the action writes (`None` for choosing in a conflict, which is any kind).
    pub fn kind(self) -> Option<RecordKind> {
        match self {
            Self::HouseholdCreate | Self::HouseholdEdit | Self::HouseholdArchive => Some(RecordKind::Household),
            Self::VisitRecord => Some(RecordKind::Visit),
            Self::Report | Self::ReportEdit => Some(RecordKind::Dispute),
            Self::CardIssue | Self::CardRevoke => Some(RecordKind::ContactCard),
            Self::ConflictChoose => None,
            Self::HighlightAward => Some(RecordKind::Highlight),
            _ => Some(RecordKind::DisputeEvent),
        }
    }

    /// The action a dispute event performs. A `reported` event is part of filing the report.
    pub fn of_event(action: &DisputeAction) -> Action {
        match action {
            DisputeAction::Reported => Self::Report,
            DisputeAction::Verified => Self::Verify,
            DisputeAction::Rejected { .. } => Self::Reject,
            DisputeAction::Dispatched { .. } => Self::Dispatch,
            DisputeAction::MediationAttempt { .. } => Self::MediationAttempt,
            DisputeAction::Feedback => Self::Feedback,
            DisputeAction::Escalated { .. } => Self::Escalate,
            DisputeAction::Referred { .. } => Self::Refer,
            DisputeAction::Closed { .. } => Self::Close,
            DisputeAction::Reopened { .. } => Self::Reopen,
            DisputeAction::Rated { .. } => Self::Rate,
            DisputeAction::Settled => Self::Settle,
        }
    }
}

/// The case step `action` stands for, with plain data that fits a case at `level` (a handler, a
/// reason, the next level, a score of 4), for tools and tests that walk the table; `None` for an
/// action that is not a step of a case.
pub fn sample_step(action: Action, level: MediationLevel) -> Option<DisputeAction> {
    use crate::dispute::{AttemptOutcome, Referral};
    let step = match action {
        Action::Verify => DisputeAction::Verified,
        Action::Reject => DisputeAction::Rejected { reason: "重复上报".into() },
        Action::Dispatch => DisputeAction::Dispatched { to: "调解员".into() },
        Action::MediationAttempt => DisputeAction::MediationAttempt {
            level,
            number: 1,
            outcome: AttemptOutcome::Succeeded,
            mediator: "调解员".into(),
            agreement: "双方达成和解".into(),
        },
        Action::Feedback => DisputeAction::Feedback,
        Action::Escalate => DisputeAction::Escalated { to: level.next().unwrap_or(MediationLevel::Banner) },
        Action::Refer => DisputeAction::Referred { to: Referral::Court },
        Action::Close => DisputeAction::Closed { household_confirmed: true, village_handler: None },
        Action::Reopen => DisputeAction::Reopened { reason: "当事人反映未解决".into() },
        Action::Rate => DisputeAction::Rated { score: 4 },
        Action::Settle => DisputeAction::Settled,
        _ => return None,
    };
    Some(step)
}

/// Who acts: the account's role and area.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub role: Role,
    pub scope: &'a AreaCode,
}

/// What the table needs to know of the record acted on.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The micro-grid of the record (and of the record's version the server holds, checked apart).
    pub micro_grid: &'a AreaCode,
    /// For case steps: the level the case is at when the step is taken (village until escalated).
    pub level: MediationLevel,
    /// For case steps: the case is dispatched to the actor (by name).
    pub dispatched_to_actor: bool,
    /// The actor's device has written to the record before.
    pub written_by_actor: bool,
    /// For case steps: taken at a visit the actor's device recorded to the case's micro-grid.
    pub at_visit: bool,
}

impl<'a> Subject<'a> {
    /// A record with no case and no history of the actor's.
    pub fn plain(micro_grid: &'a AreaCode) -> Self {
        Self {
            micro_grid,
            level: MediationLevel::Village,
            dispatched_to_actor: false,
            written_by_actor: false,
            at_visit: false,
        }
    }
}

/// Why an action is refused: outside the actor's area, or not the role's to take. A refusal of
/// the role names the role, the action and (for case steps) the case's level by their wire names
/// in `params`, so a screen words it in the person's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this record lies outside the device's area")]
    OutsideArea,
    #[error("{message}")]
    Forbidden { message: String, params: Vec<(&'static str, String)> },
}

/// A role's wire name (`grid_worker`, `grid_leader`, `supervisor`, `admin`).
pub fn role_wire_name(role: Role) -> &'static str {
    match role {
        Role::GridWorker => "grid_worker",
        Role::GridLeader => "grid_leader",
        Role::Supervisor => "supervisor",
        Role::Admin => "admin",
    }
}

/// The level of the three threes a role acts at (`None` for a grid worker).
pub fn role_level(role: Role) -> Option<MediationLevel> {
    match role {
        Role::GridWorker => None,
        Role::GridLeader => Some(MediationLevel::Village),
        Role::Supervisor => Some(MediationLevel::Township),
        Role::Admin => Some(MediationLevel::Banner),
    }
}

/// Whether `actor` may take `action` on `subject`; if not, why.
pub fn authorize(actor: &Actor<'_>, action: Action, subject: &Subject<'_>) -> Result<(), Refusal> {
    if !subject.micro_grid.is_within(actor.scope) {
        return Err(Refusal::OutsideArea);
    }
    if permitted(actor.role, action, subject) {
        return Ok(());
    }
    let mut params = vec![("role", role_wire_name(actor.role).to_owned()), ("action", action.as_str().to_owned())];
    if action.kind() == Some(RecordKind::DisputeEvent) {
        params.push(("level", level_name(subject.level).to_owned()));
    }
    let message = format!("a {} may not {} {}", role_name(actor.role), verb(action), condition(action, subject));
    Err(Refusal::Forbidden { message: message.trim_end().to_owned(), params })
}

/// Whether `actor` may administer an account of `role` whose area is `scope`: make its enrollment
/// codes, disable it, revoke its devices. The banner centre may for every account; a township
/// supervisor for the grid workers and grid leaders inside the supervisor's own area; nobody else.
pub fn may_administer(actor: &Actor<'_>, role: Role, scope: &AreaCode) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Supervisor => matches!(role, Role::GridWorker | Role::GridLeader) && scope.is_within(actor.scope),
        Role::GridWorker | Role::GridLeader => false,
    }
}

/// The table itself, inside the actor's area.
fn permitted(role: Role, action: Action, s: &Subject<'_>) -> bool {
    use Action as A;
    let at_own_level = role_level(role) == Some(s.level);
    let worker = role == Role::GridWorker;
    match action {
        A::HouseholdCreate | A::HouseholdEdit | A::HouseholdArchive | A::VisitRecord | A::Report => true,
        A::Rate => !worker || s.at_visit,
        A::ReportEdit | A::ConflictChoose => !worker || s.written_by_actor,
        A::Verify | A::Reject | A::Dispatch | A::Close | A::Reopen | A::Settle => at_own_level,
        A::MediationAttempt => at_own_level || (worker && s.dispatched_to_actor),
        A::Feedback => !worker || s.dispatched_to_actor,
        A::Escalate => at_own_level && role != Role::Admin,
        A::Refer => at_own_level && role == Role::Admin,
        A::CardIssue | A::CardRevoke => matches!(role, Role::GridWorker | Role::GridLeader),
        A::HighlightAward => matches!(role, Role::Supervisor | Role::Admin),
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::GridWorker => "grid worker",
        Role::GridLeader => "grid leader",
        Role::Supervisor => "township supervisor",
        Role::Admin => "banner centre",
    }
}

fn level_name(level: MediationLevel) -> &'static str {
    match level {
        MediationLevel::Village => "village",
        MediationLevel::Township => "township",
        MediationLevel::Banner => "banner",
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::HouseholdCreate => "add households",
        Action::HouseholdEdit => "edit households",
        Action::HouseholdArchive => "archive households",
        Action::VisitRecord => "record visits",
        Action::Report => "report disputes",
        Action::ReportEdit => "edit a report",
        Action::Verify => "verify",
        Action::Reject => "reject",
        Action::Dispatch => "dispatch",
        Action::MediationAttempt => "record a mediation attempt on",
        Action::Feedback => "feed back on",
        Action::Escalate => "escalate",
        Action::Refer => "refer to court or arbitration",
        Action::Close => "close",
        Action::Reopen => "reopen",
        Action::Rate => "rate",
        Action::CardIssue => "issue contact cards",
        Action::CardRevoke => "change or revoke contact cards",
        Action::ConflictChoose => "settle a conflict on",
        Action::Settle => "settle the contradictions of",
        Action::HighlightAward => "award highlight points",
    }
}

fn condition(action: Action, s: &Subject<'_>) -> String {
    match action.kind() {
        Some(RecordKind::DisputeEvent) => format!("a case at {} level", level_name(s.level)),
        _ if matches!(action, Action::ReportEdit | Action::ConflictChoose) => "a record written by others".into(),
        _ => String::new(),
    }
}

/// The default table as the markdown docs/protocol.md shows (a test keeps the two equal).
pub fn table_markdown() -> String {
    let roles = [Role::GridWorker, Role::GridLeader, Role::Supervisor, Role::Admin];
    let grid = AreaCode::parse("150621").expect("a banner code");
    let mut out = String::from("| action | grid worker | grid leader | township supervisor | banner centre |\n");
    out.push_str("|---|---|---|---|---|\n");
    for action in Action::ALL {
        out.push_str(&format!("| `{}` |", action.as_str()));
        for role in roles {
            out.push_str(&format!(" {} |", cell(role, action, &grid)));
        }
        out.push('\n');
    }
    out
}

/// One cell of the table: when the role may take the action, in its own area.
fn cell(role: Role, action: Action, grid: &AreaCode) -> String {
    let levels = [MediationLevel::Village, MediationLevel::Township, MediationLevel::Banner];
    let plain_at = |level| Subject { level, ..Subject::plain(grid) };
    let at: Vec<&str> = levels.into_iter().filter(|l| permitted(role, action, &plain_at(*l))).map(level_name).collect();
    let is_case_step = action.kind() == Some(RecordKind::DisputeEvent) && action != Action::Report;
    let plain = permitted(role, action, &plain_at(MediationLevel::Village));
    if is_case_step && !at.is_empty() && at.len() < levels.len() {
        return format!("{} level", at.join(", "));
    }
    if plain && (!is_case_step || at.len() == levels.len()) {
        return "yes".into();
    }
    let variants: [(&str, Subject<'_>); 3] = [
        ("when dispatched to them", Subject { dispatched_to_actor: true, ..Subject::plain(grid) }),
        ("records they wrote", Subject { written_by_actor: true, ..Subject::plain(grid) }),
        ("at a visit", Subject { at_visit: true, ..Subject::plain(grid) }),
    ];
    if let Some((words, _)) = variants.iter().find(|(_, s)| permitted(role, action, s)) {
        return (*words).into();
    }
    "—".into()
}

#[cfg(test)]
mod tests;
