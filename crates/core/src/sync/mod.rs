//! Syncing with the server: push the outbox in batches, then pull the changes in scope page by
//! page, with the engine held only for each step of the store (`EngineCell`), never across the
//! network. What to do with each answer is decided by pure functions (`decide`); the other
//! modules carry it out, one step each, and `http` speaks the protocol.

mod attention;
mod conflicts;
pub mod decide;
mod enroll;
mod guard;
mod hand_back;
pub mod http;
mod in_flight;
mod new_identity;
mod office_calls;
mod preflight;
mod pull;
mod push;
mod reference;
mod run;
mod serials;
pub mod tls;
mod transport;

pub use enroll::{enroll, enroll_shared, enroll_with};
pub use http::{RetryPolicy, ServerTime, SyncClient};
pub use run::{SyncProgress, SyncReport, sync, sync_shared};
pub use tls::TlsOptions;
