//! `POST /api/v1/push`: a batch of record versions. The envelope is read first and each record on
//! its own, so one bad record is rejected without sinking the batch; the store applies the rest
//! and the dedupe-ledger row in one transaction.

use axum::Json;
use axum::extract::State;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{PushResponse, PushStatus};
use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::push_logic::{Checked, check_text_with};
use crate::routes::me::in_step;
use crate::store::DeviceAuth;
use gridwork_domain::standing::Held;

/// The push envelope, before any record is read.
#[derive(Debug, Deserialize)]
pub struct RawPush {
    pub batch_id: String,
    pub records: Vec<Box<RawValue>>,
    /// With the first request of a sync: what the store holds (see `routes::me::in_step`).
    #[serde(default)]
    pub held: Option<Held>,
}

pub async fn push(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
    ApiJson(raw): ApiJson<RawPush>,
) -> Result<Json<PushResponse>, AppError> {
    if let Some(held) = &raw.held {
        in_step(&state, device.device_id, held).await?;
    }
    let (batch_id, checked, now_ms) = check_batch(&state, &device, &raw.batch_id, raw.records).await?;
    let response = state.store.push(&device, batch_id, checked, now_ms).await?;
    log_outcome(&device.device_id.to_string(), &response);
    Ok(Json(response))
}

/// Reads a batch's id and checks each of its records (at most `max_batch`) on its own, on a
/// blocking thread when the CPU gate lets it in. Each record is the raw JSON text of a state.
pub(crate) async fn check_batch(
    state: &AppState,
    device: &DeviceAuth,
    batch_id: &str,
    records: Vec<Box<RawValue>>,
) -> Result<(Uuid, Vec<Checked>, u64), AppError> {
    let id = Uuid::parse_str(batch_id.trim())
        .map_err(|_| AppError::BadUuid(format!("batch_id '{batch_id}' is not a UUID")))?;
    let max = state.limits.max_batch;
    if records.len() > max {
        return Err(AppError::BatchTooLarge(format!(
            "a batch may hold at most {max} records, this one has {}",
            records.len()
        )));
    }
    let now_ms = wall_ms();
    let pusher = device.pusher();
    let fields = state.versions.fields.clone();
    let turn = state.cpu.0.acquire().await.map_err(|e| AppError::Internal(format!("no turn to check records: {e}")))?;
    let checked: Vec<Checked> = tokio::task::spawn_blocking(move || {
        records
            .into_iter()
            .map(|r| check_text_with(&pusher, String::from(Box::<str>::from(r)), now_ms, &fields))
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("record checks failed: {e}")))?;
    drop(turn);
    Ok((id, checked, now_ms))
}

fn log_outcome(device: &str, r: &PushResponse) {
    let count = |f: fn(&PushStatus) -> bool| r.results.iter().filter(|o| f(&o.status)).count();
    tracing::info!(
        device,
        batch = %r.batch_id,
        records = r.results.len(),
        accepted = count(|s| matches!(s, PushStatus::Accepted)),
        merged = count(|s| matches!(s, PushStatus::Merged { .. })),
        already_known = count(|s| matches!(s, PushStatus::AlreadyKnown)),
        rejected = count(|s| matches!(s, PushStatus::Rejected { .. })),
        "push"
    );
}
