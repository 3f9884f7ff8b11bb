//! Gridwork's sync server: handsets enroll, push batches of record versions (merged by UUID and
//! version vector), pull the changes in their area after a cursor, and fetch reference data,
//! conflicts and contact-card serial blocks. [`app`] builds the whole HTTP API as one router.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub mod admin;
pub mod audit_csv;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo_fleet;
pub mod enroll_codes;
pub mod enroll_guard;
pub mod error;
pub mod extract;
pub mod fd_limit;
pub mod json_errors;
pub mod last_contact;
pub mod listen;
pub mod protocol_version;
pub mod push_logic;
pub mod rate_limit;
pub mod receipts;
pub mod request_limits;
pub mod routes;
pub mod seed;
pub mod serve;
pub mod store;
pub mod tls;
pub mod token_cache;

pub use error::AppError;
pub use store::{SqliteStore, SyncStore};

/// Size, time and rate limits of the API and of its connections.
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
    /// Time a client has to send a request's line and headers, counted from the connection's
    /// start or from the end of its previous answer: an idle or trickling client, or an idle
    /// keep-alive connection, is closed when it runs out.
    pub header_timeout: Duration,
    /// Time a client has to send a request's whole body once its headers are in (`408 request_timeout`).
    pub body_timeout: Duration,
    /// Largest request line plus header fields in bytes (`431 header_too_large`).
    pub max_header_bytes: usize,
    /// Most header fields in a request (`431 header_too_large`).
    pub max_headers: usize,
    /// Open connections served normally; beyond them a connection is answered `503 overloaded`
    /// (health still answers). The server lowers it to what its descriptor limit allows.
    pub max_connections: usize,
    /// Requests a device may make in a burst (the size of its token bucket)…
    pub rate_burst: u32,
    /// …and per second after it (`429 rate_limited` with `Retry-After` beyond it).
    pub rate_per_sec: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 32 * 1024 * 1024,
            max_batch: 1000,
            default_pull: 500,
            max_pull: 5000,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_header_bytes: 16 * 1024,
            max_headers: 100,
            max_connections: 32_768,
            rate_burst: 600,
            rate_per_sec: 10,
        }
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
    /// The oldest protocol answered, and the fields the kinds gained by the server's settings.
    pub versions: protocol_version::VersionRules,
    /// The handsets' lock policy (`--pin-delay-after` …), served with the reference data.
    pub policy: gridwork_domain::policy::DevicePolicy,
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
            versions: Default::default(),
            policy: Default::default(),
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

/// The whole HTTP API: routes, each device's last contact (version, outbox), the per-device request rate, the
/// protocol check, JSON errors, header, body and time limits, request decompression and response
/// compression (gzip, zstd), the server's clock on every answer, request tracing.
pub fn app(state: AppState) -> Router {
    let limits = state.limits;
    let max = limits.max_body_bytes;
    let limiter = Arc::new(rate_limit::RateLimiter::new(limits.rate_burst, limits.rate_per_sec));
    let seen = Arc::new(last_contact::SeenContacts::default());
    let min_protocol = state.versions.min_protocol;
    routes::router()
        .layer(axum::middleware::from_fn_with_state((state.clone(), seen), last_contact::note_contact))
        .layer(axum::middleware::from_fn_with_state((state.clone(), limiter), rate_limit::limit_rate))
        .layer(axum::middleware::from_fn_with_state(min_protocol, protocol_version::check_version))
        .layer(DefaultBodyLimit::max(max))
        .layer(RequestDecompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(max))
        .layer(axum::middleware::from_fn_with_state(limits, request_limits::guard_request))
        .layer(axum::middleware::map_response(json_errors::json_errors))
        .layer(axum::middleware::map_response(protocol_version::stamp))
        .layer(compression())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
