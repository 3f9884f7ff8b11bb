//! Who this handset is: its device id, its user, the area it works in, its card-serial block and
//! the server it syncs with and how it is reached (its pinned key, a private CA, `--insecure`).
//! Kept in the store's `meta` table.

use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, DeviceId, SerialBlock, ValidationError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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
    /// The server's key (`sha256/<base64>` of its certificate's SubjectPublicKeyInfo), learned at
    /// enrollment over HTTPS: every later connection is refused with another key (`pin_mismatch`).
    #[serde(default)]
    pub server_pin: Option<String>,
    /// A private CA's certificates (PEM), trusted besides the webpki roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Enrolled with `--insecure`: a plain-HTTP server off this machine is allowed.
    #[serde(default)]
    pub insecure: bool,
}

impl Profile {
    /// A new device set up without a server: its card serials come from the fallback block of its
    /// roster number `device_no`.
    pub fn offline(
        user_name: &str,
        user_phone: &str,
        role: Role,
        scope: AreaCode,
        device_no: u32,
    ) -> Result<Self, ValidationError> {
        if !gridwork_domain::validate::is_phone(user_phone) {
            return Err(ValidationError::coded(
                "user_phone",
                "phone",
                format!("'{user_phone}' is not a phone number (mobile 1xxxxxxxxxx or landline 0xxx-xxxxxxx)"),
            ));
        }
        Ok(Self {
            device_id: DeviceId::new(),
            device_name: "handset".into(),
            user_name: user_name.to_owned(),
            user_phone: user_phone.to_owned(),
            role,
            scope,
            serial_block: SerialBlock::fallback(device_no)?,
            server_url: None,
            token: None,
            server_pin: None,
            ca_file: None,
            insecure: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_kept_before_tls_reads_with_no_pin() {
        let mut p =
            Profile::offline("王芳", "13800138000", Role::GridWorker, "150621001001001".parse().unwrap(), 7).unwrap();
        let mut old = serde_json::to_value(&p).unwrap();
        for field in ["server_pin", "ca_file", "insecure"] {
            old.as_object_mut().unwrap().remove(field);
        }
        let read: Profile = serde_json::from_value(old).unwrap();
        assert_eq!(read, p);
        p.server_pin = Some("sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into());
        p.insecure = true;
        assert_eq!(serde_json::from_value::<Profile>(serde_json::to_value(&p).unwrap()).unwrap(), p);
    }
}
