//! `GET /api/v1/fleet`: every handset of the accounts in the caller's area — for a supervisor its
//! township's, for the banner centre all — with its last contact, the changes it had waiting then,
//! its app version, and the flags that ask for a look (`wire::office::fleet_flags`). Grid workers
//! and leaders are refused `forbidden`.

use axum::Json;
use axum::extract::State;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::Role;
use gridwork_domain::wire::office::{
    BACKLOG_LIMIT, Contact, Fleet, FleetFlag, FleetRow, SILENT_DAYS, days_without_contact, fleet_flags, newest_version,
};

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;
use crate::store::{DeviceAuth, FleetDevice};

/// Refuses a device whose account is not an office's (supervisor or banner centre).
pub(crate) fn office_only(device: &DeviceAuth) -> Result<(), AppError> {
    match device.role {
        Role::Supervisor | Role::Admin => Ok(()),
        Role::GridWorker | Role::GridLeader => {
            Err(AppError::Forbidden("only a township office or the banner centre may do this".into()))
        }
    }
}

/// The rows with their days without contact and flags; "old app" is judged against the newest
/// version among the devices still in service.
pub fn judge_fleet(devices: Vec<FleetDevice>, now_ms: i64) -> Vec<FleetRow> {
    let newest = newest_version(
        devices.iter().filter(|d| !d.revoked && !d.disabled).filter_map(|d| d.row.app_version.as_deref()),
    )
    .map(str::to_owned);
    devices
        .into_iter()
        .map(|d| {
            let contact = Contact {
                last_contact_ms: d.row.last_contact_ms,
                waiting: d.row.waiting_at_contact,
                app_version: d.row.app_version.as_deref(),
                revoked: d.revoked,
                disabled: d.disabled,
            };
            let flags = fleet_flags(&contact, newest.as_deref(), now_ms);
            FleetRow { days_without_contact: days_without_contact(d.row.last_contact_ms, now_ms), flags, ..d.row }
        })
        .collect()
}

/// Devices in service first, flagged ones first among them, most days without contact first
/// (never synced before all), then by account; revoked and disabled ones last.
fn order(rows: &mut [FleetRow]) {
    let live = |r: &FleetRow| !r.flags.iter().any(|f| matches!(f, FleetFlag::Revoked | FleetFlag::Disabled));
    rows.sort_by_key(|r| {
        let days = std::cmp::Reverse(r.days_without_contact.unwrap_or(u32::MAX));
        (!live(r), r.flags.is_empty(), days, r.account.clone())
    });
}

pub async fn fleet(State(state): State<AppState>, AuthDevice(device): AuthDevice) -> Result<Json<Fleet>, AppError> {
    office_only(&device)?;
    let now = i64::try_from(wall_ms()).unwrap_or(i64::MAX);
    let mut rows = judge_fleet(state.store.fleet(&device.scope).await?, now);
    order(&mut rows);
    Ok(Json(Fleet {
        scope: device.scope,
        as_of_ms: now,
        silent_days: SILENT_DAYS,
        backlog_limit: BACKLOG_LIMIT,
        rows,
        stale: false,
    }))
}
