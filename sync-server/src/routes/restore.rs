//! `POST /api/v1/restore`: versions a device holds, handed back with the receipts this server gave
//! for them, after the device found that the server lost them (restored from an older copy).
//! Each record is checked like a pushed one, then taken as the server's own once its receipt is
//! verified (`bad_receipt` otherwise); see `SyncStore::restore`.

use axum::Json;
use axum::extract::State;
use gridwork_domain::wire::PushResponse;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::routes::push::check_batch;

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
    let (receipts, records): (Vec<String>, Vec<Box<RawValue>>) =
        raw.records.into_iter().map(|r| (r.receipt, r.state)).unzip();
    let (batch_id, mut checked, now_ms) = check_batch(&state, &device, &raw.batch_id, records).await?;
    // The store verifies each receipt against the very text the record came as.
    for (c, receipt) in checked.iter_mut().zip(receipts) {
        if let Ok(c) = c {
            c.receipt = Some(receipt);
        }
    }
    let response = state.store.restore(&device, batch_id, checked, now_ms).await?;
    tracing::info!(device = %device.device_id, batch = %batch_id, records = response.results.len(), "restore");
    Ok(Json(response))
}
