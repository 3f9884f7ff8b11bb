//! `POST /api/v1/restore`: versions a device holds, handed back with the receipts this server gave
//! for them, after the device found that the server lost them (restored from an older copy).
//! Each record is checked like a pushed one, then taken as the server's own once its receipt is
//! verified (`bad_receipt` otherwise); see `SyncStore::restore`.

use axum::Json;
use axum::extract::State;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::PushResponse;
use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::push_logic::{Checked, check_text_with};

/// One handed-back version: its receipt, and the state as the very text it was stored as.
#[derive(Debug, Deserialize)]
pub struct RawReturned {
    pub receipt: String,
    pub state: Box<RawValue>,
}

#[derive(Debug, Deserialize)]
pub struct RawRestore {
    pub batch_id: String,
    pub records: Vec<RawReturned>,
}

pub async fn restore(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiJson(raw): ApiJson<RawRestore>,
) -> Result<Json<PushResponse>, AppError> {
    let batch_id = Uuid::parse_str(raw.batch_id.trim())
        .map_err(|_| AppError::BadUuid(format!("batch_id '{}' is not a UUID", raw.batch_id)))?;
    let max = state.limits.max_batch;
    if raw.records.len() > max {
        return Err(AppError::BatchTooLarge(format!(
            "a batch may hold at most {max} records, this one has {}",
            raw.records.len()
        )));
    }
    let now_ms = wall_ms();
    let pusher = device.pusher();
    let fields = state.versions.fields.clone();
    let turn = state.cpu.0.acquire().await.map_err(|e| AppError::Internal(format!("no turn to check records: {e}")))?;
    let checked: Vec<Checked> = tokio::task::spawn_blocking(move || {
        raw.records
            .into_iter()
            .map(|r| {
                let mut c = check_text_with(&pusher, String::from(Box::<str>::from(r.state)), now_ms, &fields)?;
                c.receipt = Some(r.receipt);
                Ok(c)
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("record checks failed: {e}")))?;
    drop(turn);
    let response = state.store.restore(&device, batch_id, checked, now_ms).await?;
    tracing::info!(device = %device.device_id, batch = %batch_id, records = response.results.len(), "restore");
    Ok(Json(response))
}
