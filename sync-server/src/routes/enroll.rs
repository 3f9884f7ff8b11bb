//! `POST /api/v1/enroll`: a new handset trades a one-time enrollment code for its id, a bearer
//! token, its user's identity and scope, and a first contact-card serial block. A retry of the
//! same request (same `request_id` and code) gets the same device; a used, expired or unknown code
//! is `unauthorized`, and too many failures from one address (or overall) are `rate_limited`.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::HeaderValue;
use axum::http::header::RETRY_AFTER;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{EnrollRequest, EnrollResponse};

use crate::AppState;
use crate::auth::{hash_token, new_token};
use crate::enroll_codes::hash_code;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::store::{CodeEnrollment, EnrollOutcome, Enrollment};

/// Longest device name kept.
const MAX_DEVICE_NAME: usize = 60;
/// Longest code read (a code is 12 characters; typed with spaces or dashes a few more).
const MAX_CODE: usize = 40;

/// The client's address, when the server was started with connection info (tests that send
/// requests straight into the router have none, and share one tally).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// What a refused code is told, whatever the reason.
const REFUSED: &str =
    "the enrollment code is not valid: it may be mistyped, used or expired; ask the grid office for a new one";

/// `429 rate_limited` with `Retry-After`: the client is locked out for `wait`.
fn locked_out(wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    let mut res =
        AppError::RateLimited(format!("too many failed enrollment attempts; try again in {secs} s")).into_response();
    res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
    res
}

pub async fn enroll(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, Response> {
    let now = Instant::now();
    if let Err(wait) = state.enroll_guard.check(client, now) {
        tracing::warn!(client = ?client, "enrollment refused: locked out after failed attempts");
        return Err(locked_out(wait));
    }
    enroll_with(&state, client, now, req).await.map_err(IntoResponse::into_response)
}

async fn enroll_with(
    state: &AppState,
    client: Option<IpAddr>,
    now: Instant,
    req: EnrollRequest,
) -> Result<Json<EnrollResponse>, AppError> {
    let code = req.code.trim();
    let name = req.device_name.trim();
    if code.is_empty() {
        return Err(AppError::Validation("code: the enrollment code is required".into()));
    }
    if name.is_empty() || name.chars().count() > MAX_DEVICE_NAME {
        return Err(AppError::Validation(format!("device_name: 1 to {MAX_DEVICE_NAME} characters are required")));
    }
    let token = new_token();
    let enrollment = CodeEnrollment {
        device_id: DeviceId::new(),
        device_name: name.to_owned(),
        token_hash: hash_token(&token),
        // An overlong code cannot be one; it is still counted as a failure, not stored.
        code_hash: if code.chars().count() > MAX_CODE { String::new() } else { hash_code(code) },
        request_id: req.request_id,
    };
    match state.store.enroll(enrollment, wall_ms()).await? {
        EnrollOutcome::Enrolled(enrolled) => {
            tracing::info!(device = %enrolled.device_id, account = %enrolled.account.code, "device enrolled");
            Ok(Json(answer(enrolled, token)))
        }
        EnrollOutcome::Refused(why) => {
            state.enroll_guard.failed(client, now);
            tracing::warn!(client = ?client, reason = why, "enrollment refused");
            Err(AppError::Unauthorized(REFUSED.into()))
        }
    }
}

/// The answer to an enrollment: who the new device is, its token, and the server's time.
pub(crate) fn answer(enrolled: Enrollment, token: String) -> EnrollResponse {
    EnrollResponse {
        device_id: enrolled.device_id,
        token,
        user_name: enrolled.account.name,
        user_phone: enrolled.account.phone,
        role: enrolled.account.role,
        scope: enrolled.account.scope,
        serial_block: enrolled.serial_block,
        server_ms: wall_ms(),
    }
}
