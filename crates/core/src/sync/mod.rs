//! Syncing with the server: push the outbox in batches, then pull the changes in scope page by
//! page. What to do with each answer is decided by pure functions (`decide`); this module and
//! `http` only carry it out.

mod attention;
pub mod decide;
mod hand_back;
pub mod http;
mod in_flight;
mod new_identity;
mod office_calls;
mod pull;
mod push;
mod run;
pub mod tls;
mod transport;

pub use http::{RetryPolicy, ServerTime, SyncClient};
pub use run::{SyncProgress, SyncReport, enroll, enroll_with, sync};
pub use tls::TlsOptions;
