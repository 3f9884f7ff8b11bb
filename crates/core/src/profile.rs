//! Who this handset is: its device id, its user, the area it works in, its card-serial block and
//! the server it syncs with. Kept in the store's `meta` table.

use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, DeviceId, SerialBlock};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub device_id: DeviceId,
    pub device_name: String,
    pub user_name: String,
    pub user_phone: String,
    pub role: Role,
    /// Records of micro-grids inside this area are this device's to see and edit.
    pub scope: AreaCode,
    pub serial_block: SerialBlock,
    pub server_url: Option<String>,
    pub token: Option<String>,
}
