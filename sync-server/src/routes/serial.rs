//! `POST /api/v1/serial-blocks`: a fresh block of contact-card serials for the calling device.

use axum::Json;
use axum::extract::State;
use gridwork_domain::SerialBlock;
use gridwork_domain::clock::wall_ms;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;

pub async fn serial_block(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
) -> Result<Json<SerialBlock>, AppError> {
    Ok(Json(state.store.assign_serial_block(device.device_id, wall_ms()).await?))
}
