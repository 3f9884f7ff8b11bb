//! Gridwork's sync server: handsets enroll, push batches of record versions (merged by UUID and
//! version vector), pull the changes in their area after a cursor, and fetch reference data,
//! conflicts and contact-card serial blocks. [`app`] builds the whole HTTP API as one router.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub mod admin;
pub mod admin_rights;
pub mod audit_csv;
pub mod auth;
pub mod cli;
pub mod config;
pub mod enroll_codes;
pub mod enroll_guard;
pub mod error;
pub mod extract;
pub mod json_errors;
pub mod push_logic;
pub mod routes;
pub mod seed;
pub mod serve;
pub mod store;
pub mod token_cache;

pub use error::AppError;
pub use store::{SqliteStore, SyncStore};

/// Size limits of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, compressed on the wire and again after decompression.
    pub max_body_bytes: usize,
    /// Most records in one push.
    pub max_batch: usize,
    /// Changes per pull page when the device does not say.
    pub default_pull: u32,
    /// Most changes per pull page.
    pub max_pull: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_body_bytes: 32 * 1024 * 1024, max_batch: 1000, default_pull: 500, max_pull: 5000 }
    }
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Arc<dyn SyncStore>,
    pub limits: Limits,
    pub tokens: token_cache::TokenCache,
    pub cpu: CpuTurns,
    /// Failed enrollments per client address and overall, and the lockouts they earn.
    pub enroll_guard: enroll_guard::EnrollGuard,
}

/// Turns for CPU-heavy work off the async threads (reading and checking pushed records), one per
/// core: a crowd of pushes queues here instead of starting a blocking thread each.
#[derive(Clone, Debug)]
pub struct CpuTurns(pub Arc<tokio::sync::Semaphore>);

impl Default for CpuTurns {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self(Arc::new(tokio::sync::Semaphore::new(cores)))
    }
}

impl AppState {
    pub fn new(store: Arc<dyn SyncStore>) -> Self {
        Self {
            store,
            limits: Limits::default(),
            tokens: Default::default(),
            cpu: Default::default(),
            enroll_guard: Default::default(),
        }
    }
}

/// Response compression as a busy server on two cores can afford it: the fastest level of gzip or
/// zstd (JSON still shrinks about tenfold), and none for answers that fit in one packet anyway.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(ONE_PACKET)))
}

/// Bytes of a body that go out in one TCP segment on a common link.
const ONE_PACKET: u64 = 1400;

/// The whole HTTP API: routes, JSON errors, body limits, request decompression and response
/// compression (gzip, zstd), request tracing.
pub fn app(state: AppState) -> Router {
    let max = state.limits.max_body_bytes;
    routes::router()
        .layer(DefaultBodyLimit::max(max))
        .layer(RequestDecompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(max))
        .layer(axum::middleware::map_response(json_errors::json_errors))
        .layer(compression())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
