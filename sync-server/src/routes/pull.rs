//! `GET /api/v1/pull?after=N&limit=M`: the changes inside the device's area numbered after the
//! cursor, in order, a page at a time.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridwork_domain::wire::PullQuery;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::routes::me::in_step;
use gridwork_domain::standing::Held;

pub async fn pull(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Response, AppError> {
    if let Some(pushes) = q.pushes {
        let held = Held { pushes, in_flight: q.in_flight.unwrap_or(0), cursor: q.after, history: q.history };
        in_step(&state, device.device_id, &held).await?;
    }
    let limit = q.limit.unwrap_or(state.limits.default_pull).clamp(1, state.limits.max_pull);
    let page = state.store.pull(&device.scope, device.device_id, q.after, limit).await?;
    // The states go out as the JSON text the store holds: a `PullResponse`, never parsed here.
    Ok(([(header::CONTENT_TYPE, "application/json")], page.to_json()).into_response())
}
