//! The "needs attention" list: pushed changes the server refused, kept on the server where they
//! lie so that the grid's leaders see them too, and who may read which of them.

use serde::{Deserialize, Serialize};

use crate::ids::{AreaCode, DeviceId, RecordId};
use crate::wire::Role;

/// One refused change waiting for a person: the latest refusal of one record from one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AttentionItem {
    /// The server's id of the item (the paging cursor).
    pub id: u64,
    pub record_id: RecordId,
    /// The record's kind, when the pushed record could be read that far.
    pub kind: Option<String>,
    /// The record's micro-grid, only when the pushed record could be read and lies inside the
    /// pushing device's area: nothing from outside an area is kept or shown.
    pub micro_grid: Option<AreaCode>,
    pub device: DeviceId,
    /// The pushing account's name (from the account, never from the record).
    pub user_name: String,
    /// The reject code (`validation`, `forbidden`, …).
    pub code: String,
    pub message: String,
    pub first_ms: u64,
    pub last_ms: u64,
    /// How many pushes of this record from this device were refused.
    pub count: u64,
}

/// `GET /api/v1/attention?after=ID&limit=M`: the open items the device may see, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionList {
    pub items: Vec<AttentionItem>,
}

/// Which refused changes an account may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttentionReach {
    /// Every item inside this area: the micro-grid of the record, or — when the record's own
    /// place is unknown — the area of the device that pushed it.
    Area(AreaCode),
    /// Only the items its own device pushed.
    OwnDevice(DeviceId),
}

/// Who may read the list, by the same rule as choosing a value in a conflict (the authority
/// table's `conflict_choose`): a grid worker only what it wrote itself — its own device's items,
/// which its outbox shows anyway — and every other role all of its area.
pub fn attention_reach(role: Role, scope: &AreaCode, device: DeviceId) -> AttentionReach {
    if keeps_attention_list(role) { AttentionReach::Area(scope.clone()) } else { AttentionReach::OwnDevice(device) }
}

/// Whether the role sees its whole area's list, and so a handset of it fetches and keeps it (a
/// grid worker's own refusals are in its outbox already).
pub fn keeps_attention_list(role: Role) -> bool {
    match role {
        Role::GridWorker => false,
        Role::GridLeader | Role::Supervisor | Role::Admin => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_reaches_its_own_device_and_the_others_their_area() {
        let grid = AreaCode::parse("150621001001001").unwrap();
        let dev = DeviceId::new();
        assert_eq!(attention_reach(Role::GridWorker, &grid, dev), AttentionReach::OwnDevice(dev));
        for role in [Role::GridLeader, Role::Supervisor, Role::Admin] {
            assert_eq!(attention_reach(role, &grid, dev), AttentionReach::Area(grid.clone()));
            assert!(keeps_attention_list(role));
        }
        assert!(!keeps_attention_list(Role::GridWorker));
    }
}
