//! The township office on its handset: the fleet's health (the last answer kept, so the office
//! can look at it offline, marked `stale`), the accounts of its area, new accounts, one-time
//! enrollment codes with the link their QR code carries, revoked handsets and disabled accounts —
//! all acting as this device's account on the server. And the other side: reading a scanned link.
//! Like a sync, each call holds the engine only to read and keep, never while the server is asked.

use gridwork_domain::enroll_link::{EnrollLink, enroll_link, parse_enroll_link};
use gridwork_domain::wire::office::{Fleet, IssuedCode, NewAccount, OfficeAccount};
use gridwork_domain::{DeviceId, ValidationError};

use crate::engine::{Engine, get_meta, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};
use crate::sync::SyncClient;

/// The meta key of the fleet as last fetched (JSON).
const KEPT_FLEET: &str = "office_fleet";

/// Runs one office call: says how many changes wait here, and wipes the store when the server
/// answers `revoked` (as a sync does: the device was withdrawn).
fn call<C: EngineCell, T>(cell: &C, client: &SyncClient, f: impl FnOnce(&SyncClient) -> Result<T>) -> Result<T> {
    client.set_waiting(cell.with(|e| e.pending_count())?);
    match f(client) {
        Err(CoreError::Revoked(message)) => {
            cell.wipe()?;
            Err(CoreError::Revoked(message))
        }
        other => other,
    }
}

impl Engine {
    /// The fleet as last fetched, marked `stale`; `None` when it was never fetched.
    pub fn kept_fleet(&self) -> Result<Option<Fleet>> {
        let Some(text) = get_meta(&self.conn, KEPT_FLEET)? else { return Ok(None) };
        let mut fleet: Fleet =
            serde_json::from_str(&text).map_err(|e| CoreError::Corrupt(format!("kept fleet: {e}")))?;
        fleet.stale = true;
        Ok(Some(fleet))
    }
}

/// The fleet from the server, kept for later; when the server cannot be reached, the copy kept
/// from the last fetch (`stale: true`), or the network error when there is none.
pub fn fleet<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<Fleet> {
    match call(cell, client, SyncClient::fleet) {
        Ok(fleet) => {
            let text = serde_json::to_string(&fleet)?;
            cell.with(|e| set_meta(&e.conn, KEPT_FLEET, &text))?;
            Ok(fleet)
        }
        Err(CoreError::Offline(net)) => cell.with(|e| e.kept_fleet())?.ok_or(CoreError::Offline(net)),
        Err(e) => Err(e),
    }
}

/// The accounts of this device's area with their handsets.
pub fn accounts<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<Vec<OfficeAccount>> {
    call(cell, client, SyncClient::office_accounts)
}

/// Makes an account (checked here first, then by the server).
pub fn create_account<C: EngineCell>(cell: &C, client: &SyncClient, account: &NewAccount) -> Result<OfficeAccount> {
    let account = account.trimmed();
    account.check().map_err(CoreError::Validation)?;
    call(cell, client, |c| c.create_account(&account))
}

/// A one-time code for the account, with the link its QR code carries (this device's server, and
/// its key pin when this device holds one: the new handset's first contact is pinned too).
pub fn issue_code<C: EngineCell>(cell: &C, client: &SyncClient, account: &str, valid_days: u32) -> Result<IssuedCode> {
    let mut issued = call(cell, client, |c| c.issue_code(account, valid_days))?;
    issued.link = enroll_link(client.server(), &issued.code, client.pin())
        .map_err(|e| CoreError::Validation(vec![ValidationError::coded("server_url", e.code(), e.to_string())]))?;
    Ok(issued)
}

/// Revokes a handset; answers its account as it is now.
pub fn revoke_device<C: EngineCell>(cell: &C, client: &SyncClient, device: DeviceId) -> Result<OfficeAccount> {
    call(cell, client, |c| c.revoke_device(device))
}

/// Disables an account; answers it as it is now.
pub fn disable_account<C: EngineCell>(cell: &C, client: &SyncClient, account: &str) -> Result<OfficeAccount> {
    call(cell, client, |c| c.disable_account(account))
}

/// Reads a scanned text as an enrollment link; garbage is a `validation` error on `link` whose
/// code says what is wrong (`not_enroll_link`, `bad_server`, `bad_code`, `too_long`).
pub fn read_enroll_link(text: &str) -> Result<EnrollLink> {
    parse_enroll_link(text)
        .map_err(|e| CoreError::Validation(vec![ValidationError::coded("link", e.code(), e.to_string())]))
}
