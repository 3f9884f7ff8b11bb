//! The vault with the real OS keyring (Secret Service over D-Bus): the device secret is kept there,
//! the store needs it to unlock, and destroying the store forgets it. Needs a session bus with a
//! Secret Service; `scripts/keyring_test.sh` sets one up (dbus-run-session + gnome-keyring in a
//! temporary HOME). Without one the test says so and passes.

use gridwork_core::vault::{KdfParams, KeyFile, OsKeyring, Pin, SecretStore, Vault};
use gridwork_domain::policy::DevicePolicy;

#[test]
fn the_device_secret_lives_in_the_os_keyring_and_goes_with_the_store() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("GRIDWORK_REQUIRE_KEYRING").is_none(), "no D-Bus session, yet the script set one up");
        eprintln!("no D-Bus session: the OS keyring is not tried here (scripts/keyring_test.sh sets one up)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let vault = Vault::at(&db).with_kdf(KdfParams { m_kib: 1024, t: 1, ..KdfParams::default() });
    let pin = Pin::new("246810").unwrap();
    let e = vault.create(&pin, &OsKeyring, &DevicePolicy::default()).unwrap();
    drop(e);
    let kf = KeyFile::read(&vault.key_path()).unwrap().unwrap();
    assert!(kf.keyring, "the Secret Service keeps the device secret");
    assert_eq!(vault.keyring_note().unwrap(), None);
    let secret = OsKeyring.get(&kf.keyring_id).unwrap().expect("the secret is in the keyring");
    assert_eq!(secret.len(), 32);
    assert!(!std::fs::read(vault.key_path()).unwrap().windows(32).any(|w| w == secret.as_slice()));
    drop(vault.unlock(&pin, &OsKeyring).unwrap());
    // The key file alone (a copy, a backup) opens nothing once the keyring's secret is gone.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    std::fs::copy(vault.key_path(), Vault::at(&copy).key_path()).unwrap();
    vault.destroy(&OsKeyring).unwrap();
    assert_eq!(OsKeyring.get(&kf.keyring_id).unwrap(), None, "destroy forgot the keyring's secret");
    let err = Vault::at(&copy).unlock(&pin, &OsKeyring).unwrap_err();
    assert_eq!(err.tag(), "keyring_unreachable", "{err}");
}
