//! The commands of the app, expanded from the one table in `command_table.rs`: a Tauri wrapper
//! per command over its adapter (`adapters`), the invoke handler, `NAMES` and `specs()` (the
//! typed TypeScript client). Errors cross to the UI as `TaggedError`; arguments keep their
//! snake_case names.

use gridwork_core::TaggedError;
use gridwork_core::case_queue::{CaseQueue, CaseQueueQuery};
use gridwork_core::cases::CaseView;
use gridwork_core::conflicts::ConflictRow;
use gridwork_core::highlights::{HighlightRow, NewHighlight};
use gridwork_core::households::{HouseholdHistory, HouseholdRow};
use gridwork_core::outbox::OutboxRow;
use gridwork_core::status::HandsetStatus;
use gridwork_core::today::Today;
use gridwork_core::visits::VisitReceipt;
use gridwork_domain::attention::AttentionItem;
use gridwork_domain::enroll_link::EnrollLink;
use gridwork_domain::report::{Dashboard, ExportedNotice, FigureList, FigureQuery, MonthlyNotice, PeriodSpec, Ranking};
use gridwork_domain::wire::office::{Fleet, IssuedCode, NewAccount, OfficeAccount};
use gridwork_domain::wire::{Handler, HandlerKind};
use gridwork_domain::{
    Area, AreaCode, ContactCard, DeviceId, Dispute, DisputeAction, GeoPoint, Household, RecordId, Visit,
};

use crate::adapters::VisitIntervals;
use crate::lock_state::LockState;
use crate::sync_events::SyncSummary;

/// What a command answers: its value, or a tagged error for the UI.
pub type Answer<T> = Result<T, TaggedError>;

include!("command_table.rs");
