//! `GET /api/v1/me?cursor=N`: what the server holds of the asking device — its applied push
//! batches, the history token at its cursor, the server's clock — read at the start of every
//! sync, so that a store restored from a copy, a cloned phone, a server restored from a copy and
//! a phone clock that runs wrong are all noticed before anything is written.

use axum::Json;
use axum::extract::State;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{DeviceState, MeQuery};

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiQuery;

pub async fn me(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiQuery(q): ApiQuery<MeQuery>,
) -> Result<Json<DeviceState>, AppError> {
    let (pushes, history) = state.store.device_state(device.device_id, q.cursor).await?;
    Ok(Json(DeviceState { device_id: device.device_id, pushes, history, server_ms: wall_ms() }))
}
