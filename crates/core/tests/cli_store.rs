//! The CLI and the store file: only `init` and `enroll` make a store, and another program's
//! SQLite file is refused and left as it was.

mod common;

use std::process::Command;

#[test]
fn a_mistyped_store_path_makes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("gridwrok.db");
    for args in [&["today"][..], &["outbox"], &["export"], &["sync"]] {
        let (ok, _, err) = common::gridwork(&typo, args);
        assert!(!ok, "{args:?}");
        assert!(err.contains("no store at") && err.contains("gridwork init"), "{args:?}: {err}");
    }
    assert!(!typo.exists(), "no empty store left behind");
    let (ok, _, err) =
        common::gridwork(&typo, &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"]);
    assert!(ok, "{err}");
    assert!(common::gridwork(&typo, &["today"]).0);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("contacts.db");
    let c = rusqlite::Connection::open(&other).unwrap();
    c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张伟');").unwrap();
    drop(c);
    let before = std::fs::read(&other).unwrap();
    let (ok, _, err) =
        common::gridwork(&other, &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"]);
    assert!(!ok);
    assert!(err.contains("is not a Gridwork store"), "{err}");
    assert_eq!(std::fs::read(&other).unwrap(), before);
}

#[test]
fn the_pin_set_at_init_unlocks_every_command_and_a_wrong_one_says_how_many_tries_are_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let init = ["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"];
    let (ok, _, err) = common::gridwork_with(&db, "123456", &[], &init);
    assert!(!ok && err.starts_with("error [weak_pin]: this PIN is too easy to guess"), "{err}");
    assert!(!db.exists() && !dir.path().join("h.db.key").exists(), "nothing made under a weak PIN");
    let (ok, _, err) = common::gridwork_with(
        &db,
        "246810",
        &[],
        &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"],
    );
    assert!(ok, "{err}");
    assert!(err.contains("warning: no OS keyring could be reached") && err.contains("PIN alone"), "{err}");
    assert!(dir.path().join("h.db.key").exists());
    assert!(common::gridwork_with(&db, "246810", &[], &["today"]).0);
    let (ok, _, err) = common::gridwork_with(&db, "111111", &[], &["today"]);
    assert!(!ok);
    assert_eq!(err.trim_end(), "error [wrong_pin]: wrong PIN: 9 tries left before this device wipes itself");
    let (_, out, _) = common::gridwork_with(&db, "111111", &[], &["--json", "today"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["error"]["tag"].as_str(), v["error"]["left"].as_u64()), (Some("wrong_pin"), Some(8)));
    let (ok, _, err) = common::gridwork_with(&db, "12ab", &[], &["today"]);
    assert!(!ok && err.contains("6 to 12 digits"), "{err}");
    // Changing the PIN: the old one stops working.
    let (ok, _, err) = common::gridwork_with(&db, "246810", &[("GRIDWORK_NEW_PIN", "97531864")], &["pin", "change"]);
    assert!(ok, "{err}");
    assert!(!common::gridwork_with(&db, "246810", &[], &["today"]).0);
    assert!(common::gridwork_with(&db, "97531864", &[], &["today"]).0);
    // Without GRIDWORK_PIN and without a terminal the command says how to give it.
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork"))
        .env_remove("GRIDWORK_PIN")
        .env("GRIDWORK_KEYRING", "none")
        .arg("--db")
        .arg(&db)
        .arg("today")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("set GRIDWORK_PIN"));
}

#[test]
fn a_plain_store_from_before_encryption_is_encrypted_on_first_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut e = gridwork_core::Engine::open_unencrypted(&db).unwrap();
    let scope = gridwork_domain::AreaCode::parse("150621001001001").unwrap();
    e.set_profile(
        gridwork_core::Profile::offline("王芳", "13800138000", gridwork_domain::wire::Role::GridWorker, scope, 1)
            .unwrap(),
    )
    .unwrap();
    drop(e);
    let (ok, out, err) = common::gridwork_with(&db, "246810", &[], &["--json", "status"]);
    assert!(ok, "{err}");
    assert!(out.contains("王芳"), "{out}");
    assert!(!std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"), "encrypted now");
    assert!(common::gridwork_with(&db, "246810", &[], &["today"]).0);
}
