//! The demo fleet: a dozen handsets in the demo banner with the last contacts a township office
//! sees on a real day — most heard from today, a few silent for days, one with a backlog past the
//! limit, one enrolled and never synced, one on an older app — so the fleet screen is worth
//! looking at. Their tokens are random and thrown away: nobody can sync as them.

use gridwork_domain::DeviceId;
use gridwork_domain::wire::Role;

use crate::auth::{hash_token, new_token};
use crate::store::{Account, StoreError, SyncStore};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A demo handset: whose, its name, when it was enrolled and last heard from, what it had waiting
/// then and the app it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoDevice {
    pub id: DeviceId,
    /// The account's handle.
    pub account: String,
    pub name: String,
    pub token_hash: String,
    pub enrolled_ms: i64,
    pub last_contact_ms: Option<i64>,
    pub waiting: Option<u32>,
    pub app_version: Option<String>,
}

/// An app version older than this server's (the one its handsets are built with).
pub const OLD_APP: &str = "0.0.9";

/// (how long ago it was last heard from, changes waiting then, an older app) for each demo
/// handset; `None`: never synced. Interleaved, so that the first township's handsets (which come
/// first) show a bit of everything.
const SHAPES: [(Option<i64>, u32, bool); 13] = [
    (Some(12 * MINUTE), 0, false),
    (Some(4 * DAY + 3 * HOUR), 18, false),
    (Some(47 * MINUTE), 2, false),
    (Some(20 * HOUR), 146, false),
    (Some(2 * HOUR + 5 * MINUTE), 0, false),
    (None, 0, false),
    (Some(3 * HOUR + 40 * MINUTE), 5, false),
    (Some(6 * DAY + 7 * HOUR), 37, false),
    (Some(90 * MINUTE), 0, true),
    (Some(5 * HOUR), 0, false),
    (Some(9 * DAY + 2 * HOUR), 64, false),
    (Some(6 * HOUR + 20 * MINUTE), 1, false),
    (Some(9 * HOUR), 12, false),
];

const PHONES: [&str; 6] = ["华为畅享 60", "荣耀 X50", "小米 Redmi 13C", "OPPO A2", "vivo Y36", "华为 nova 11"];

/// The demo handsets for `accounts` as of `now_ms`: the grid workers and leaders township by
/// township (workers first), as far as the shapes go.
pub fn demo_fleet(accounts: &[Account], now_ms: i64) -> Vec<DemoDevice> {
    let mut people: Vec<&Account> =
        accounts.iter().filter(|a| matches!(a.role, Role::GridWorker | Role::GridLeader)).collect();
    let township = |a: &Account| a.scope.as_str().get(..9).unwrap_or(a.scope.as_str()).to_owned();
    people.sort_by_key(|a| (township(a), a.role == Role::GridLeader));
    let current = env!("CARGO_PKG_VERSION");
    people
        .into_iter()
        .zip(SHAPES)
        .enumerate()
        .map(|(i, (a, (ago, waiting, old)))| {
            let last = ago.map(|ago| now_ms - ago);
            DemoDevice {
                id: DeviceId::new(),
                account: a.code.clone(),
                name: format!("{} {}", a.name, PHONES[i % PHONES.len()]),
                token_hash: hash_token(&new_token()),
                enrolled_ms: last.unwrap_or(now_ms - 2 * DAY) - (20 + i as i64 * 3) * DAY,
                last_contact_ms: last,
                waiting: last.map(|_| waiting),
                app_version: last.map(|_| if old { OLD_APP } else { current }.to_owned()),
            }
        })
        .collect()
}

/// Adds the demo fleet for `accounts` to the store.
pub async fn seed_demo_fleet(store: &dyn SyncStore, accounts: &[Account], now_ms: i64) -> Result<usize, StoreError> {
    let devices = demo_fleet(accounts, now_ms);
    let n = devices.len();
    store.seed_devices(devices).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridwork_domain::wire::office::{Contact, FleetFlag, compare_versions, fleet_flags};

    #[test]
    fn the_demo_fleet_has_the_shapes_an_office_looks_for() {
        let banner = gridwork_domain::demo::generate(7, &gridwork_domain::demo::DemoSize::small());
        let accounts: Vec<Account> = banner
            .accounts
            .into_iter()
            .map(|a| Account { code: a.code, name: a.name, phone: a.phone, role: a.role, scope: a.scope })
            .collect();
        let now = 1_800_000_000_000;
        let fleet = demo_fleet(&accounts, now);
        assert_eq!(fleet.len(), SHAPES.len());
        assert!(compare_versions(OLD_APP, env!("CARGO_PKG_VERSION")).is_lt());
        let flags: Vec<Vec<FleetFlag>> = fleet
            .iter()
            .map(|d| {
                let c = Contact {
                    last_contact_ms: d.last_contact_ms,
                    waiting: d.waiting,
                    app_version: d.app_version.as_deref(),
                    revoked: false,
                    disabled: false,
                };
                fleet_flags(&c, Some(env!("CARGO_PKG_VERSION")), now)
            })
            .collect();
        let count = |f: FleetFlag| flags.iter().filter(|fl| fl.contains(&f)).count();
        assert_eq!(count(FleetFlag::Silent), 3);
        assert_eq!(count(FleetFlag::Backlog), 1);
        assert_eq!(count(FleetFlag::NeverSynced), 1);
        assert_eq!(count(FleetFlag::OldApp), 1);
        assert_eq!(flags.iter().filter(|f| f.is_empty()).count(), 7, "most were heard from today");
        let hashes: std::collections::HashSet<_> = fleet.iter().map(|d| &d.token_hash).collect();
        assert_eq!(hashes.len(), fleet.len(), "random tokens");
        assert!(fleet.iter().all(|d| d.enrolled_ms < d.last_contact_ms.unwrap_or(now)));
    }
}
