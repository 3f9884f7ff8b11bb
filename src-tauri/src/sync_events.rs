//! What a sync run tells the UI: progress events while it runs and a summary at the end.

use gridwork_core::sync::{SyncProgress, SyncReport};
use serde::Serialize;

/// The event name of sync progress.
pub const PROGRESS_EVENT: &str = "sync-progress";

/// One progress step: `phase` is `push` or `pull`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncProgressEvent {
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

impl From<SyncProgress> for SyncProgressEvent {
    fn from(p: SyncProgress) -> Self {
        Self { phase: p.phase.to_owned(), done: p.done, total: p.total }
    }
}

/// The result of one sync run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncSummary {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    pub conflicts: u64,
}

impl From<&SyncReport> for SyncSummary {
    fn from(r: &SyncReport) -> Self {
        Self { pushed: r.pushed, rejected: r.rejected, pulled: r.pulled, conflicts: r.conflicts + r.applied.conflicts }
    }
}
