//! `GET /api/v1/attention?after=ID&limit=M`: refused pushes waiting for a person — for a grid
//! leader, supervisor or the banner centre every one inside the device's area, for a grid worker
//! only its own device's (`gridwork_domain::attention::attention_reach`) — oldest first.

use axum::Json;
use axum::extract::State;
use gridwork_domain::attention::{AttentionList, attention_reach};
use serde::Deserialize;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiQuery;

#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct AttentionQuery {
    /// Only items with an id after this one.
    pub after: Option<u64>,
    pub limit: Option<u32>,
}

pub async fn attention(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiQuery(q): ApiQuery<AttentionQuery>,
) -> Result<Json<AttentionList>, AppError> {
    let limit = q.limit.unwrap_or(state.limits.default_pull).clamp(1, state.limits.max_pull);
    let reach = attention_reach(device.role, &device.scope, device.device_id);
    let items = state.store.attention(reach, q.after.unwrap_or(0), limit).await?;
    Ok(Json(AttentionList { items }))
}
