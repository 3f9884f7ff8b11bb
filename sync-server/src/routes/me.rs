//! `GET /api/v1/me?cursor=N`: what the server holds of the asking device — its applied push
//! batches, the history token at its cursor, the server's clock — read at the start of every
//! sync, so that a store restored from a copy, a cloned phone, a server restored from a copy and
//! a phone clock that runs wrong are all noticed before anything is written.

use axum::Json;
use axum::extract::State;
use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::standing::{Held, standing};
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

/// Refuses a request that came with what the store holds (`held`) when the store and this
/// server are not in step: 409 `store_behind` (the store is a restored or cloned copy) or
/// `history_changed` (this server was restored from an older copy). The handset then asks `/me`
/// and mends before it sends anything.
pub(crate) async fn in_step(state: &AppState, device: DeviceId, held: &Held) -> Result<(), AppError> {
    let (pushes, history) = state.store.device_state(device, held.cursor).await?;
    match standing(held, pushes, history).code() {
        None => Ok(()),
        Some(code) => Err(AppError::Conflict {
            code,
            message: format!(
                "this device and the server are out of step ({code}): the server holds {pushes} of its push batches, \
                 the device {} (+{} on their way)",
                held.pushes, held.in_flight
            ),
        }),
    }
}
