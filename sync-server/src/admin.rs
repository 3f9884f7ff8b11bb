//! Office actions over any store, as the server CLI (and later the office screens) take them:
//! one-time enrollment codes made for an account, devices revoked, accounts disabled.

use gridwork_domain::DeviceId;
use gridwork_domain::clock::wall_ms;

use crate::enroll_codes::{hash_code, new_code};
use crate::store::{NewCodes, StoreError, SyncStore};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Makes `count` fresh one-time codes for the account `account`, valid `valid_days` days, on
/// behalf of `by` (a supervisor of the account's township, or an admin). Returns the codes as
/// they are to be typed; the store keeps only their hashes.
pub async fn create_codes(
    store: &dyn SyncStore,
    account: &str,
    by: &str,
    valid_days: u32,
    count: u32,
) -> Result<Vec<String>, StoreError> {
    let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
    let now = wall_ms();
    let new = NewCodes {
        account: account.to_owned(),
        by: by.to_owned(),
        code_hashes: codes.iter().map(|c| hash_code(c)).collect(),
        expires_at_ms: now.saturating_add(u64::from(valid_days) * DAY_MS),
    };
    store.create_codes(new, now).await?;
    Ok(codes)
}

/// Withdraws a device on behalf of `by`.
pub async fn revoke_device(store: &dyn SyncStore, device: DeviceId, by: &str) -> Result<(), StoreError> {
    store.revoke_device(device, by, wall_ms()).await
}

/// Disables an account on behalf of `by`.
pub async fn disable_account(store: &dyn SyncStore, account: &str, by: &str) -> Result<(), StoreError> {
    store.disable_account(account, by, wall_ms()).await
}
