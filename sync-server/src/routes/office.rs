//! The office's admin API, acting as the calling device's account (`authority::may_administer`
//! decides, in the store, which also audits every action and refusal): the accounts in its area
//! with their handsets, a new account, a one-time enrollment code (shown once), a handset revoked,
//! an account disabled. Bodies are small JSON; anything larger is refused before it is read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::office::{CodeRequest, IssuedCode, MAX_VALID_DAYS, NewAccount, OfficeAccount};
use serde::de::DeserializeOwned;

use super::fleet::{judge_fleet, office_only};
use crate::AppState;
use crate::admin;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::parse_json;
use crate::store::DeviceAuth;

/// Largest body an office request may have.
pub const MAX_BODY: usize = 4096;
/// Longest account handle read from a path.
const MAX_HANDLE: usize = 64;

fn small_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    if body.len() > MAX_BODY {
        return Err(AppError::PayloadTooLarge(format!("an office request's body is at most {MAX_BODY} bytes")));
    }
    parse_json(body)
}

fn handle_from(path: &str) -> Result<&str, AppError> {
    let ok = !path.is_empty()
        && path.len() <= MAX_HANDLE
        && path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    ok.then_some(path).ok_or_else(|| AppError::Validation(format!("'{path:.80}' is not an account handle")))
}

fn now_i64() -> i64 {
    i64::try_from(wall_ms()).unwrap_or(i64::MAX)
}

/// The accounts in the caller's area, each with its handsets (flagged as in the fleet).
async fn accounts_of(state: &AppState, device: &DeviceAuth) -> Result<Vec<OfficeAccount>, AppError> {
    let mut accounts = state.store.office_accounts(&device.scope).await?;
    for row in judge_fleet(state.store.fleet(&device.scope).await?, now_i64()) {
        if let Some(a) = accounts.iter_mut().find(|a| a.handle == row.account) {
            a.devices.push(row);
        }
    }
    Ok(accounts)
}

/// One account of the caller's area, with its handsets.
async fn account(state: &AppState, device: &DeviceAuth, handle: &str) -> Result<OfficeAccount, AppError> {
    accounts_of(state, device)
        .await?
        .into_iter()
        .find(|a| a.handle == handle)
        .ok_or_else(|| AppError::NotFound(format!("account {handle} not found")))
}

/// `GET /api/v1/admin/accounts`
pub async fn list(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
) -> Result<Json<Vec<OfficeAccount>>, AppError> {
    office_only(&device)?;
    Ok(Json(accounts_of(&state, &device).await?))
}

/// `POST /api/v1/admin/accounts` with a `NewAccount`: 201 and the account made.
pub async fn create(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    body: Bytes,
) -> Result<(StatusCode, Json<OfficeAccount>), AppError> {
    let new: NewAccount = small_json::<NewAccount>(&body)?.trimmed();
    new.check().map_err(|errors| {
        AppError::Validation(errors.iter().map(|e| format!("{} ({})", e, e.code)).collect::<Vec<_>>().join("; "))
    })?;
    let by = state.store.account_of(device.device_id).await?;
    let made = state.store.create_account(new, &by, wall_ms()).await?;
    tracing::info!(account = %made.code, by = %by, "account made");
    Ok((StatusCode::CREATED, Json(account(&state, &device, &made.code).await?)))
}

/// `POST /api/v1/admin/accounts/{handle}/codes` with `{valid_days}`: a one-time code, shown once.
pub async fn issue_code(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    Path(handle): Path<String>,
    body: Bytes,
) -> Result<Json<IssuedCode>, AppError> {
    let handle = handle_from(&handle)?;
    let req: CodeRequest = small_json(&body)?;
    if !(1..=MAX_VALID_DAYS).contains(&req.valid_days) {
        return Err(AppError::Validation(format!("valid_days: 1 to {MAX_VALID_DAYS} days (range)")));
    }
    let by = state.store.account_of(device.device_id).await?;
    let code = admin::create_codes(&*state.store, handle, &by, req.valid_days, 1).await?.remove(0);
    let expires_ms = now_i64().saturating_add(i64::from(req.valid_days) * 24 * 60 * 60 * 1000);
    Ok(Json(IssuedCode { account: handle.to_owned(), code, expires_ms, link: String::new() }))
}

/// `POST /api/v1/admin/accounts/{handle}/disable`: the account, now disabled.
pub async fn disable(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    Path(handle): Path<String>,
) -> Result<Json<OfficeAccount>, AppError> {
    let handle = handle_from(&handle)?;
    let by = state.store.account_of(device.device_id).await?;
    admin::disable_account(&*state.store, handle, &by).await?;
    // Its devices are refused from the next request on, not after the token cache's few seconds.
    state.tokens.clear();
    Ok(Json(account(&state, &device, handle).await?))
}

/// `POST /api/v1/admin/devices/{id}/revoke`: the handset's account, the handset now revoked.
pub async fn revoke(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    Path(id): Path<String>,
) -> Result<Json<OfficeAccount>, AppError> {
    let target: DeviceId = id.parse().map_err(|_| AppError::BadUuid(format!("'{id:.80}' is not a device id")))?;
    let by = state.store.account_of(device.device_id).await?;
    admin::revoke_device(&*state.store, target, &by).await?;
    state.tokens.clear();
    let handle = state.store.account_of(target).await?;
    Ok(Json(account(&state, &device, &handle).await?))
}
