//! The office's calls to the server (`/api/v1/fleet`, `/api/v1/admin/…`), as the calling device's
//! account: the fleet, the accounts with their handsets, a new account, a one-time code, a handset
//! revoked, an account disabled.

use gridwork_domain::DeviceId;
use gridwork_domain::wire::office::{CodeRequest, Fleet, IssuedCode, NewAccount, OfficeAccount};

use super::http::SyncClient;
use crate::error::Result;

/// An account handle as a path segment: its characters are letters, digits, `-` and `_` (the
/// server refuses anything else); others are escaped so they cannot change the path.
fn segment(handle: &str) -> String {
    handle
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl SyncClient {
    /// `GET /api/v1/fleet`.
    pub fn fleet(&self) -> Result<Fleet> {
        self.send(0, || self.authed(self.http().get(self.url("fleet"))))
    }

    /// `GET /api/v1/admin/accounts`.
    pub fn office_accounts(&self) -> Result<Vec<OfficeAccount>> {
        self.send(0, || self.authed(self.http().get(self.url("admin/accounts"))))
    }

    /// `POST /api/v1/admin/accounts`.
    pub fn create_account(&self, account: &NewAccount) -> Result<OfficeAccount> {
        self.send(256, || self.authed(self.http().post(self.url("admin/accounts")).json(account)))
    }

    /// `POST /api/v1/admin/accounts/{handle}/codes`.
    pub fn issue_code(&self, handle: &str, valid_days: u32) -> Result<IssuedCode> {
        let url = self.url(&format!("admin/accounts/{}/codes", segment(handle)));
        self.send(32, || self.authed(self.http().post(&url).json(&CodeRequest { valid_days })))
    }

    /// `POST /api/v1/admin/devices/{id}/revoke`.
    pub fn revoke_device(&self, device: DeviceId) -> Result<OfficeAccount> {
        let url = self.url(&format!("admin/devices/{device}/revoke"));
        self.send(0, || self.authed(self.http().post(&url)))
    }

    /// `POST /api/v1/admin/accounts/{handle}/disable`.
    pub fn disable_account(&self, handle: &str) -> Result<OfficeAccount> {
        let url = self.url(&format!("admin/accounts/{}/disable", segment(handle)));
        self.send(0, || self.authed(self.http().post(&url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_cannot_change_the_path() {
        assert_eq!(segment("150621001-W-0007"), "150621001-W-0007");
        assert_eq!(segment("../fleet"), "%2E%2E%2Ffleet");
        assert_eq!(segment("a b?c#"), "a%20b%3Fc%23");
    }
}
