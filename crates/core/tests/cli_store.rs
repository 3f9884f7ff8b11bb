//! The CLI and the store file: only `init` and `enroll` make a store, and another program's
//! SQLite file is refused and left as it was.

use std::process::Command;

fn gridwork(db: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork")).arg("--db").arg(db).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_mistyped_store_path_makes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("gridwrok.db");
    for args in [&["today"][..], &["outbox"], &["export"], &["sync"]] {
        let (ok, err) = gridwork(&typo, args);
        assert!(!ok, "{args:?}");
        assert!(err.contains("no store at") && err.contains("gridwork init"), "{args:?}: {err}");
    }
    assert!(!typo.exists(), "no empty store left behind");
    let (ok, err) =
        gridwork(&typo, &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"]);
    assert!(ok, "{err}");
    assert!(gridwork(&typo, &["today"]).0);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("contacts.db");
    let c = rusqlite::Connection::open(&other).unwrap();
    c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张伟');").unwrap();
    drop(c);
    let before = std::fs::read(&other).unwrap();
    let (ok, err) =
        gridwork(&other, &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"]);
    assert!(!ok);
    assert!(err.contains("is not a Gridwork store"), "{err}");
    assert_eq!(std::fs::read(&other).unwrap(), before);
}
