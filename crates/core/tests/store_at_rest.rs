//! The handset at rest: after a session of edits no household's name or phone and no device token
//! appears in any byte of the data directory; the PIN unlocks, a wrong one is counted (before it is
//! tried), waits grow and the last one wipes — the key first; a plain store from before encryption
//! is encrypted in place without loss, whole on either side of a crash; a keyring share that is
//! gone is said plainly.

use std::path::Path;

use gridwork_core::vault::{KdfParams, KeyFile, MemoryKeyring, MigrationStep, NoKeyring, Pin, Vault, VaultState};
use gridwork_core::{CoreError, Engine, HouseholdQuery, Profile};
use gridwork_domain::policy::DevicePolicy;
use gridwork_domain::wire::Role;
use gridwork_domain::*;

mod common;

const NAME: &str = "欧阳春燕";
const PHONE: &str = "13987654321";
const PARTY: &str = "司马长风";
const PARTY_PHONE: &str = "13511112222";
const TOKEN: &str = "tok-7f3a9c1e5b2d4f60a8e7";
const DRAFT: &str = "楼道堆放杂物草稿";

fn pin() -> Pin {
    common::pin()
}

fn vault(db: &Path) -> Vault {
    common::vault(db)
}

/// A session of edits on `e`: a profile with a token, two households with name and phone, visits,
/// a dispute with a party's phone, a draft.
fn session(e: &mut Engine) -> RecordId {
    let scope = AreaCode::parse("150621001001001").unwrap();
    let mut p = Profile::offline("王芳", "13800138000", Role::GridWorker, scope, 7).unwrap();
    p.server_url = Some("http://127.0.0.1:9".into());
    p.token = Some(TOKEN.into());
    e.set_profile(p).unwrap();
    let mut hh = common::household(NAME);
    hh.phone = Some(PHONE.into());
    let h = e.create_household(&hh).unwrap();
    e.create_household(&common::household("张伟")).unwrap();
    for _ in 0..3 {
        e.record_visit(&common::visit(h, None)).unwrap();
    }
    let mut d = common::dispute();
    d.parties = vec![Party { name: PARTY.into(), phone: Some(PARTY_PHONE.into()), household: Some(h) }];
    e.file_dispute(&d).unwrap();
    e.save_draft("dispute", &format!("{{\"description\":\"{DRAFT}\"}}")).unwrap();
    h
}

/// Every file under `dir` (recursively) with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn assert_nothing_readable(dir: &Path) {
    let all = files(dir);
    assert!(all.len() >= 2, "a store and its key file at least: {:?}", all.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (name, bytes) in &all {
        for secret in [NAME, PHONE, PARTY, PARTY_PHONE, TOKEN, DRAFT, "王芳"] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} is readable in {name}");
        }
        assert!(!bytes.starts_with(b"SQLite format 3"), "{name} is a plain SQLite file");
    }
}

#[test]
fn no_name_phone_token_or_draft_in_any_file_of_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let keyring = MemoryKeyring::new();
    let mut e = vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap();
    session(&mut e);
    // While open: the log holds the session's pages (encrypted like the rest).
    assert!(files(dir.path()).iter().any(|(n, b)| n.ends_with("-wal") && !b.is_empty()), "the session is in the log");
    assert_nothing_readable(dir.path());
    drop(e);
    assert_nothing_readable(dir.path());
    // Only this user may read the store and its key file.
    #[cfg(unix)]
    for (name, _) in files(dir.path()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&name).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{name} is readable by others ({mode:o})");
    }
    // The key file holds the sealed key, never the key or a record.
    let kf = KeyFile::read(&vault(&db).key_path()).unwrap().unwrap();
    assert!(kf.keyring && kf.failures == 0);
    let e = vault(&db).unlock(&pin(), &keyring).unwrap();
    let found = e.list_households(&HouseholdQuery { area: None, text: NAME, limit: 5 }).unwrap();
    assert_eq!(found.len(), 1, "the data reads back once unlocked");
    assert_eq!(e.profile().unwrap().token.as_deref(), Some(TOKEN));
}

#[test]
fn a_wrong_pin_fails_clearly_and_the_right_one_unlocks_again_after_a_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let mut e = vault(&db).create(&pin(), &NoKeyring, &DevicePolicy::default()).unwrap();
    let h = session(&mut e);
    drop(e); // locked: nothing of the store is in memory
    assert_eq!(vault(&db).state().unwrap(), VaultState::Locked { failures: 0, wait_ms: 0, left: 10 });
    let err = vault(&db).unlock(&Pin::new("000000").unwrap(), &NoKeyring).unwrap_err();
    assert_eq!(err.tag(), "wrong_pin");
    assert_eq!(err.to_string(), "wrong PIN: 9 tries left before this device wipes itself");
    assert_eq!(err.to_json()["error"]["left"], 9);
    assert_eq!(vault(&db).state().unwrap(), VaultState::Locked { failures: 1, wait_ms: 0, left: 9 });
    let e = vault(&db).unlock(&pin(), &NoKeyring).unwrap();
    assert_eq!(e.household(h).unwrap().head_name, NAME);
    assert_eq!(vault(&db).state().unwrap(), VaultState::Locked { failures: 0, wait_ms: 0, left: 10 }, "reset");
    // A store without a keyring says so.
    assert!(vault(&db).keyring_note().unwrap().unwrap().contains("PIN alone"));
    assert_eq!(Pin::new("12345").unwrap_err().tag(), "bad_pin");
}

/// Clears the wait in the key file, as if the time had passed.
fn skip_wait(db: &Path) {
    let path = Vault::at(db).key_path();
    let mut kf = KeyFile::read(&path).unwrap().unwrap();
    kf.wait_until_ms = 0;
    kf.write(&path).unwrap();
}

#[test]
fn wrong_pins_wait_longer_then_the_last_one_destroys_the_key_and_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let keyring = MemoryKeyring::new();
    let mut e = vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap();
    session(&mut e);
    // The server's numbers, kept with the key: waits after 2 wrong PINs, a wipe at 4.
    let policy = DevicePolicy { pin_delay_after: 2, pin_wipe_after: 4, ..DevicePolicy::default() };
    e.keep_lock_policy(&policy).unwrap();
    drop(e);
    let wrong = Pin::new("999999").unwrap();
    let try_wrong = || vault(&db).unlock(&wrong, &keyring).unwrap_err();
    assert!(matches!(try_wrong(), CoreError::WrongPin { left: 3, wait_ms: 0 }));
    let second = try_wrong();
    assert!(matches!(second, CoreError::WrongPin { left: 2, wait_ms: 30_000 }), "{second}");
    assert!(second.to_string().contains("the next try after 30 s"), "{second}");
    // During the wait not even the right PIN is tried, and nothing is counted.
    let waiting = vault(&db).unlock(&pin(), &keyring).unwrap_err();
    assert!(matches!(waiting, CoreError::PinWait { wait_ms } if wait_ms > 29_000), "{waiting}");
    assert!(matches!(vault(&db).state().unwrap(), VaultState::Locked { failures: 2, left: 2, .. }));
    skip_wait(&db);
    assert!(matches!(try_wrong(), CoreError::WrongPin { left: 1, wait_ms: 60_000 }));
    skip_wait(&db);
    assert_eq!(keyring.len(), 1);
    let last = try_wrong();
    assert_eq!(last.tag(), "wiped_after_wrong_pins", "{last}");
    assert!(files(dir.path()).is_empty(), "key file, store, log: all gone");
    assert!(keyring.is_empty(), "the keyring's share is forgotten");
    assert_eq!(vault(&db).state().unwrap(), VaultState::New, "back to enrollment");
}

#[test]
fn a_wipe_destroys_the_key_first_and_leaves_the_engine_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let keyring = MemoryKeyring::new();
    let mut e = vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap();
    session(&mut e);
    let key_path = vault(&db).key_path();
    e.wipe().unwrap();
    assert!(e.is_wiped());
    assert!(matches!(e.profile(), Err(CoreError::NotInitialized)));
    assert_eq!(e.load_draft("dispute").unwrap(), None);
    assert!(!key_path.exists() && keyring.is_empty());
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()).iter().map(|f| &f.0).collect::<Vec<_>>());
    drop(e);
    // A wipe cut short after the key went leaves a store nobody can read: it is cleared when the
    // device is set up again.
    let mut e = vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap();
    session(&mut e);
    drop(e);
    std::fs::remove_file(&key_path).unwrap();
    assert_eq!(vault(&db).state().unwrap(), VaultState::New);
    let e = vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap();
    assert!(e.profile().is_err(), "a fresh store");
}

#[test]
fn a_keyring_share_that_is_gone_is_said_plainly_and_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let keyring = MemoryKeyring::new();
    drop(vault(&db).create(&pin(), &keyring, &DevicePolicy::default()).unwrap());
    assert_eq!(vault(&db).keyring_note().unwrap(), None, "the keyring holds a share");
    keyring.forget_all();
    let err = vault(&db).unlock(&pin(), &keyring).unwrap_err();
    assert_eq!(err.tag(), "keyring_unreachable");
    assert!(err.to_string().contains("no longer holds it"), "{err}");
    let err = vault(&db).unlock(&pin(), &NoKeyring).unwrap_err();
    assert_eq!(err.tag(), "keyring_unreachable");
    assert!(err.to_string().contains("cannot be reached"), "{err}");
    assert!(matches!(vault(&db).state().unwrap(), VaultState::Locked { failures: 0, .. }));
}

#[test]
fn changing_the_pin_keeps_the_data_and_retires_the_old_pin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let mut e = vault(&db).create(&pin(), &NoKeyring, &DevicePolicy::default()).unwrap();
    let h = session(&mut e);
    drop(e);
    let weak = Pin::new("111111").unwrap();
    assert_eq!(vault(&db).change_pin(&pin(), &weak, &NoKeyring).unwrap_err().tag(), "weak_pin");
    assert!(matches!(vault(&db).state().unwrap(), VaultState::Locked { failures: 0, .. }), "not counted");
    let new = Pin::new("86420975").unwrap();
    assert_eq!(vault(&db).change_pin(&new, &new, &NoKeyring).unwrap_err().tag(), "wrong_pin");
    vault(&db).change_pin(&pin(), &new, &NoKeyring).unwrap();
    assert_eq!(vault(&db).unlock(&pin(), &NoKeyring).unwrap_err().tag(), "wrong_pin");
    assert_eq!(vault(&db).unlock(&new, &NoKeyring).unwrap().household(h).unwrap().head_name, NAME);
}

/// A store as Gridwork made them before stores were encrypted, after a session of edits.
fn plain_store(db: &Path) -> (RecordId, Vec<(String, i64)>) {
    let mut e = Engine::open_unencrypted(db).unwrap();
    let h = session(&mut e);
    drop(e);
    assert!(std::fs::read(db).unwrap().starts_with(b"SQLite format 3\0"));
    (h, counts(&rusqlite::Connection::open(db).unwrap()))
}

fn counts(c: &rusqlite::Connection) -> Vec<(String, i64)> {
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = c.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
            (t, n)
        })
        .collect()
}

#[test]
fn a_plain_store_is_encrypted_in_place_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let (h, before) = plain_store(&db);
    assert!(before.iter().any(|(t, n)| t == "records" && *n >= 6), "{before:?}");
    assert_eq!(vault(&db).state().unwrap(), VaultState::Plain);
    let e = vault(&db).create(&pin(), &NoKeyring, &DevicePolicy::default()).unwrap();
    assert_eq!(counts(e.connection()), before, "every table holds what it held");
    let hmac: String = e.connection().query_row("PRAGMA cipher_hmac_algorithm", [], |r| r.get(0)).unwrap();
    assert_eq!(hmac, "HMAC_SHA256", "the encrypted copy has the pages' own HMAC");
    assert_eq!(e.household(h).unwrap().phone.as_deref(), Some(PHONE));
    assert_eq!(e.profile().unwrap().token.as_deref(), Some(TOKEN));
    assert!(e.load_draft("dispute").unwrap().unwrap().contains(DRAFT));
    drop(e);
    assert_nothing_readable(dir.path());
    assert!(matches!(vault(&db).state().unwrap(), VaultState::Locked { .. }));
}

#[test]
fn a_migration_cut_short_leaves_the_plain_store_or_the_encrypted_one_whole() {
    let policy = DevicePolicy::default();
    // Stopped before the key file: the plain store is whole and stays the store.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let (_, before) = plain_store(&db);
    assert!(vault(&db).create_until(&pin(), &NoKeyring, &policy, Some(MigrationStep::Copied)).unwrap().is_none());
    assert!(dir.path().join("gridwork.db.encrypting").exists(), "the encrypted copy is beside it");
    assert_eq!(counts(&rusqlite::Connection::open(&db).unwrap()), before);
    assert_eq!(vault(&db).state().unwrap(), VaultState::Plain, "the copy is dropped, the plain store kept");
    assert!(!dir.path().join("gridwork.db.encrypting").exists());
    let e = vault(&db).create(&pin(), &NoKeyring, &policy).unwrap();
    assert_eq!(counts(e.connection()), before);
    drop(e);

    // Stopped after the key file, before the rename: the encrypted copy is whole and takes over.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    let (h, before) = plain_store(&db);
    assert!(vault(&db).create_until(&pin(), &NoKeyring, &policy, Some(MigrationStep::KeyWritten)).unwrap().is_none());
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"), "not renamed yet");
    assert!(matches!(vault(&db).state().unwrap(), VaultState::Locked { .. }));
    let e = vault(&db).unlock(&pin(), &NoKeyring).unwrap();
    assert_eq!(counts(e.connection()), before);
    assert_eq!(e.household(h).unwrap().head_name, NAME);
    drop(e);
    assert_nothing_readable(dir.path());
}

#[test]
fn the_handsets_kdf_costs_are_the_documented_ones() {
    // 46 MiB, 1 pass (vault/wrap.rs says why); tests elsewhere seal with cheap costs.
    let k = KdfParams::default();
    assert_eq!((k.m_kib, k.t, k.p), (46 * 1024, 1, 1));
}

#[test]
fn a_try_cut_short_by_a_kill_still_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    // Slow costs, so the try is still running when it is killed.
    let slow = Vault::at(&db).with_kdf(KdfParams { m_kib: 64 * 1024, t: 40, ..KdfParams::default() });
    drop(slow.create(&pin(), &NoKeyring, &DevicePolicy::default()).unwrap());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gridwork"))
        .env("GRIDWORK_PIN", common::PIN)
        .env("GRIDWORK_KEYRING", "none")
        .arg("--db")
        .arg(&db)
        .arg("today")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let counted = || matches!(Vault::at(&db).state(), Ok(VaultState::Locked { failures: 1, .. }));
    while !counted() {
        assert!(std::time::Instant::now() < deadline, "the try was never counted");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // Killed while Argon2id runs (the right PIN: had it finished, the count would be back to 0).
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(counted(), "the try counts although it never finished");
    drop(Vault::at(&db).unlock(&pin(), &NoKeyring).unwrap());
    assert!(matches!(Vault::at(&db).state().unwrap(), VaultState::Locked { failures: 0, .. }));
}
