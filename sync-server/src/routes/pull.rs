//! `GET /api/v1/pull?after=N&limit=M`: the changes inside the device's area numbered after the
//! cursor, in order, a page at a time.

use axum::Json;
use axum::extract::State;
use gridwork_domain::wire::{PullQuery, PullResponse};

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiQuery;

pub async fn pull(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Json<PullResponse>, AppError> {
    let limit = q.limit.unwrap_or(state.limits.default_pull).clamp(1, state.limits.max_pull);
    Ok(Json(state.store.pull(&device.scope, device.device_id, q.after, limit).await?))
}
