//! `GET /api/v1/conflicts?after=ID&limit=M`: field conflicts found while merging, inside the
//! device's area, oldest first.

use axum::Json;
use axum::extract::State;
use gridwork_domain::wire::ConflictList;
use serde::Deserialize;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiQuery;

#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct ConflictQuery {
    /// Only conflicts with an id after this one.
    pub after: Option<u64>,
    pub limit: Option<u32>,
}

pub async fn conflicts(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiQuery(q): ApiQuery<ConflictQuery>,
) -> Result<Json<ConflictList>, AppError> {
    let limit = q.limit.unwrap_or(state.limits.default_pull).clamp(1, state.limits.max_pull);
    let conflicts = state.store.conflicts(&device.scope, q.after.unwrap_or(0), limit).await?;
    Ok(Json(ConflictList { conflicts }))
}
