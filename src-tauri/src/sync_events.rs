//! What a sync run tells the UI: progress events while it runs and a summary at the end.

use gridwork_core::sync::{SyncProgress, SyncReport};
use gridwork_core::{NetCause, NetError};
use serde::Serialize;

/// The event name of sync progress.
pub const PROGRESS_EVENT: &str = "sync-progress";

/// One progress step: `phase` is `push` or `pull`; or `retry` when a request failed and will be
/// tried again: `done` is the try that failed, `total` the tries, and `retry` why and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncProgressEvent {
    pub phase: String,
    pub done: u64,
    pub total: u64,
    pub retry: Option<RetryStep>,
}

/// Why a request is tried again, and in how many seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RetryStep {
    pub cause: NetCause,
    pub server: String,
    pub wait_s: u64,
    /// The timeout that ran out, for `connect_timeout` and `no_answer`.
    pub after_s: Option<u64>,
}

impl From<SyncProgress> for SyncProgressEvent {
    fn from(p: SyncProgress) -> Self {
        Self {
            phase: p.phase.to_owned(),
            done: p.done,
            total: p.total,
            retry: p.retry.map(|r| RetryStep {
                cause: r.cause,
                server: String::new(),
                wait_s: r.wait_s,
                after_s: r.after_s,
            }),
        }
    }
}

impl From<&NetError> for SyncProgressEvent {
    /// The `retry` step of a failed try that will be made again.
    fn from(n: &NetError) -> Self {
        let mut event = Self::from(SyncProgress::from(n));
        if let Some(step) = &mut event.retry {
            step.server = n.server.clone();
        }
        event
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
