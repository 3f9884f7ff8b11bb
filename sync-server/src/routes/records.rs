//! `POST /api/v1/records`: the server's current versions of the records named, those inside the
//! device's area (others are left out, as if not held). A handset that takes a new identity reads
//! the server's versions of its unsent changes this way before writing them again.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridwork_domain::RecordId;
use serde::Deserialize;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiJson;

#[derive(Debug, Deserialize)]
pub struct RecordsRequest {
    pub ids: Vec<RecordId>,
}

pub async fn records(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiJson(req): ApiJson<RecordsRequest>,
) -> Result<Response, AppError> {
    let max = state.limits.max_batch;
    if req.ids.len() > max {
        return Err(AppError::BatchTooLarge(format!("at most {max} ids at once, not {}", req.ids.len())));
    }
    let texts = state.store.records(&device.scope, req.ids).await?;
    // `{"records":[…]}` with each state as the text the store holds.
    let body = format!("{{\"records\":[{}]}}", texts.join(","));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
