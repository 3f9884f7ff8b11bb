//! `POST /api/v1/reenroll`: an enrolled handset whose store turned out to be a restored or cloned
//! copy (it reuses write numbers the server already holds) takes a new device identity for the
//! same account, authenticated by its current token. The device it follows stays as it is: the
//! other copy may still be in use, and nothing either copy holds is thrown away.

use axum::Json;
use axum::extract::State;
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{EnrollResponse, ReenrollRequest};

use crate::AppState;
use crate::auth::{AuthDevice, hash_token, new_token};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::routes::enroll::answer;
use crate::store::Reenrollment;

/// Longest device name kept.
const MAX_DEVICE_NAME: usize = 60;

pub async fn reenroll(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiJson(req): ApiJson<ReenrollRequest>,
) -> Result<Json<EnrollResponse>, AppError> {
    let name = req.device_name.trim();
    if name.is_empty() || name.chars().count() > MAX_DEVICE_NAME {
        return Err(AppError::Validation(format!("device_name: 1 to {MAX_DEVICE_NAME} characters are required")));
    }
    let token = new_token();
    let new = Reenrollment {
        device_id: DeviceId::new(),
        device_name: name.to_owned(),
        token_hash: hash_token(&token),
        request_id: req.request_id,
    };
    let enrolled = state.store.reenroll(device.device_id, new, wall_ms()).await?;
    tracing::warn!(follows = %device.device_id, device = %enrolled.device_id, "device re-enrolled: its store was a restored or cloned copy");
    Ok(Json(answer(enrolled, token)))
}
