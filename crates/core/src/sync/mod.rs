//! Syncing with the server: push the outbox in batches, then pull the changes in scope page by
//! page. What to do with each answer is decided by pure functions (`decide`); this module and
//! `http` only carry it out.

pub mod decide;
pub mod http;
mod pull;
mod push;
mod run;
mod transport;

pub use http::{RetryPolicy, ServerTime, SyncClient};
pub use run::{SyncProgress, SyncReport, enroll, sync};
