//! `POST /api/v1/enroll`: a new handset trades an enrollment code for its id, a bearer token, its
//! user's identity and scope, and a first contact-card serial block.

use axum::Json;
use axum::extract::State;
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{EnrollRequest, EnrollResponse};

use crate::AppState;
use crate::auth::{hash_token, new_token};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::store::{NewDevice, StoreError};

/// Longest device name kept.
const MAX_DEVICE_NAME: usize = 60;

pub async fn enroll(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EnrollRequest>,
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
    let device =
        NewDevice { id: DeviceId::new(), name: name.to_owned(), token_hash: hash_token(&token), code: code.to_owned() };
    let enrolled = state.store.enroll(device, wall_ms()).await.map_err(|e| match e {
        StoreError::NotFound(_) => AppError::Unauthorized("the enrollment code is not known".into()),
        other => other.into(),
    })?;
    tracing::info!(device = %enrolled.device_id, user = %enrolled.account.name, scope = %enrolled.account.scope, "device enrolled");
    Ok(Json(EnrollResponse {
        device_id: enrolled.device_id,
        token,
        user_name: enrolled.account.name,
        user_phone: enrolled.account.phone,
        role: enrolled.account.role,
        scope: enrolled.account.scope,
        serial_block: enrolled.serial_block,
    }))
}
