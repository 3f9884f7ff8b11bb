//! The township office's wire types: the fleet's health (each handset's last contact, changes
//! waiting, app version, and the flags that ask for a look), accounts and their handsets, and the
//! one-time enrollment codes the office hands out — shared by the server, the handset and the UI.

use serde::{Deserialize, Serialize};

use super::Role;
use crate::area::AreaLevel;
use crate::error::ValidationError;
use crate::ids::{AreaCode, DeviceId};
use crate::validate::Check;

/// Request header: the changes waiting in the handset's outbox when it sent the request.
pub const OUTBOX_HEADER: &str = "gridwork-outbox";

/// A handset not heard from for more than this many days is flagged `silent`.
pub const SILENT_DAYS: u32 = 3;

/// A handset that had more than this many changes waiting at its last contact is flagged `backlog`.
pub const BACKLOG_LIMIT: u32 = 100;

/// Longest account name and phone the office may enter.
pub const MAX_NAME: usize = 40;

/// Most days a one-time code may stay valid.
pub const MAX_VALID_DAYS: u32 = 30;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Why a handset asks for the office's attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FleetFlag {
    /// No contact for more than [`SILENT_DAYS`] days.
    Silent,
    /// More than [`BACKLOG_LIMIT`] changes waiting at the last contact.
    Backlog,
    /// Enrolled, never synced since.
    NeverSynced,
    /// Withdrawn by the office.
    Revoked,
    /// Its account was disabled.
    Disabled,
    /// Runs an app older than the newest one seen in the fleet.
    OldApp,
}

/// One handset as the office sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FleetRow {
    pub device: DeviceId,
    pub device_name: String,
    /// The account's handle.
    pub account: String,
    /// The account holder's name.
    pub person: String,
    pub role: Role,
    pub scope: AreaCode,
    pub scope_name: String,
    pub enrolled_ms: i64,
    pub last_contact_ms: Option<i64>,
    pub waiting_at_contact: Option<u32>,
    pub app_version: Option<String>,
    pub days_without_contact: Option<u32>,
    pub flags: Vec<FleetFlag>,
}

/// `GET /api/v1/fleet`: every handset in the caller's scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Fleet {
    pub scope: AreaCode,
    pub as_of_ms: i64,
    pub silent_days: u32,
    pub backlog_limit: u32,
    pub rows: Vec<FleetRow>,
    /// True when this is the copy the handset kept from its last fetch (it could not reach the server).
    #[serde(default)]
    pub stale: bool,
}

/// `POST /api/v1/admin/accounts`: a new account for a worker or leader (a supervisor or admin
/// for the banner centre).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewAccount {
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub scope: AreaCode,
}

impl NewAccount {
    /// The account with its name and phone trimmed.
    pub fn trimmed(&self) -> Self {
        Self { name: self.name.trim().to_owned(), phone: self.phone.trim().to_owned(), ..self.clone() }
    }

    /// Checks the name (1 to [`MAX_NAME`] characters, no control characters) and the phone
    /// (a Chinese mobile or landline). Whether the scope exists is the server's to check.
    pub fn check(&self) -> Result<(), Vec<ValidationError>> {
        let mut check = Check::new();
        check.required("name", &self.name, MAX_NAME);
        if self.name.chars().any(char::is_control) {
            check.fail("name", "invalid", "name must not hold control characters");
        }
        check.phone("phone", &self.phone);
        check.finish()
    }
}

/// An account as the office lists it, with its handsets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeAccount {
    pub handle: String,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub scope: AreaCode,
    pub scope_name: String,
    pub disabled: bool,
    pub devices: Vec<FleetRow>,
}

/// `POST /api/v1/admin/accounts/{handle}/codes`: how long the new code stays valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRequest {
    pub valid_days: u32,
}

/// A one-time enrollment code, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IssuedCode {
    pub account: String,
    pub code: String,
    pub expires_ms: i64,
    /// `gridwork:enroll?server=…&code=…`: the QR code's text (empty from the server, which does
    /// not know the address its handsets use; the handset fills it in).
    #[serde(default)]
    pub link: String,
}

/// What a handset needs to decide a row's flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact<'a> {
    pub last_contact_ms: Option<i64>,
    pub waiting: Option<u32>,
    pub app_version: Option<&'a str>,
    pub revoked: bool,
    pub disabled: bool,
}

/// Whole days since the last contact (none when never in contact).
pub fn days_without_contact(last_contact_ms: Option<i64>, now_ms: i64) -> Option<u32> {
    last_contact_ms.map(|t| u32::try_from(now_ms.saturating_sub(t).max(0) / DAY_MS).unwrap_or(u32::MAX))
}

/// The flags of one handset, given the newest app version seen in the fleet.
pub fn fleet_flags(c: &Contact<'_>, newest_app: Option<&str>, now_ms: i64) -> Vec<FleetFlag> {
    let mut flags = Vec::new();
    if c.revoked {
        flags.push(FleetFlag::Revoked);
    }
    if c.disabled {
        flags.push(FleetFlag::Disabled);
    }
    match c.last_contact_ms {
        None => flags.push(FleetFlag::NeverSynced),
        Some(t) if now_ms.saturating_sub(t) > i64::from(SILENT_DAYS) * DAY_MS => flags.push(FleetFlag::Silent),
        Some(_) => {}
    }
    if c.waiting.is_some_and(|w| w > BACKLOG_LIMIT) {
        flags.push(FleetFlag::Backlog);
    }
    if let (Some(mine), Some(newest)) = (c.app_version, newest_app)
        && compare_versions(mine, newest).is_lt()
    {
        flags.push(FleetFlag::OldApp);
    }
    flags
}

/// Compares two app versions by their runs of digits (`0.4.10` > `0.4.9`; `1.2 (android)` =
/// `1.2`); a version without digits sorts first.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<u64> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<u64>().unwrap_or(u64::MAX))
            .collect()
    }
    let (pa, pb) = (parts(a), parts(b));
    let n = pa.len().max(pb.len());
    let pad = |v: &Vec<u64>, i: usize| v.get(i).copied().unwrap_or(0);
    (0..n).map(|i| pad(&pa, i).cmp(&pad(&pb, i))).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
}

/// The newest app version among `versions`.
pub fn newest_version<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    versions.into_iter().max_by(|a, b| compare_versions(a, b))
}

/// Whether an account of `role` may work in an area of `level`: a worker in a grid or a
/// micro-grid, a leader in a grid, a supervisor in a township, the banner centre in the banner.
pub fn scope_fits(role: Role, level: AreaLevel) -> bool {
    matches!(
        (role, level),
        (Role::GridWorker, AreaLevel::Grid | AreaLevel::MicroGrid)
            | (Role::GridLeader, AreaLevel::Grid)
            | (Role::Supervisor, AreaLevel::Township)
            | (Role::Admin, AreaLevel::Banner)
    )
}

/// The start of a new account's handle: the code of the township it works in (the banner's for
/// the banner centre) and the role's letter, e.g. `150621001-W-`; the office's store adds the
/// next free number, `150621001-W-0007`.
pub fn handle_prefix(role: Role, scope: &AreaCode) -> String {
    let letter = match role {
        Role::GridWorker => 'W',
        Role::GridLeader => 'L',
        Role::Supervisor => 'S',
        Role::Admin => 'A',
    };
    let area = scope.as_str();
    let township = area.get(..9).unwrap_or(area);
    format!("{township}-{letter}-")
}

#[cfg(test)]
mod tests;
