//! The CLI's errors: with `--json` every error is a JSON object (tag, message and the error's
//! fields) and the exit code stays non-zero; a damaged store is refused at open with the way out.

use gridwork_core::Profile;
use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;
use std::path::Path;
use std::process::Command;

mod common;

fn json_error(stdout: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    v["error"].clone()
}

#[test]
fn json_errors_are_json() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let (ok, out, _) = common::gridwork(&missing, &["--json", "today"]);
    assert!(!ok);
    let e = json_error(&out);
    assert_eq!(e["tag"], "no_store", "{e}");
    assert!(e["message"].as_str().unwrap().contains("gridwork init"), "{e}");

    let (ok, out, _) = common::gridwork(&missing, &["--json", "frobnicate"]);
    assert!(!ok);
    assert_eq!(json_error(&out)["tag"], "usage");

    // An enrolled store whose server is not running: the cause, the server, the tries.
    let db = dir.path().join("h.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = format!("http://127.0.0.1:{port}");
    let mut e = common::create(&db);
    let mut p =
        Profile::offline("王芳", "13800138000", Role::GridWorker, AreaCode::parse("150621001001001").unwrap(), 7)
            .unwrap();
    p.server_url = Some(server.clone());
    p.token = Some("t".into());
    e.set_profile(p).unwrap();
    drop(e);
    let (ok, out, err) = common::gridwork(&db, &["--json", "sync"]);
    assert!(!ok);
    let e = json_error(&out);
    assert_eq!((e["tag"].as_str(), e["cause"].as_str()), (Some("offline"), Some("refused")), "{e}");
    assert_eq!(e["server"], server.as_str());
    assert_eq!((e["attempt"].as_u64(), e["of"].as_u64(), e["retrying"].as_bool()), (Some(4), Some(4), Some(false)));
    assert!(e["message"].as_str().unwrap().contains("refused the connection"), "{e}");
    // Each retry was told on stderr, as JSON too.
    let retries: Vec<serde_json::Value> = err.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(retries.len(), 3, "{err}");
    assert_eq!(retries[0]["retry"]["cause"], "refused");

    // Without --json the same error is a line of text naming its cause.
    let (ok, _, err) = common::gridwork(&db, &["sync"]);
    assert!(!ok);
    assert!(err.contains("error [offline]: the server at") && err.contains("will try again in"), "{err}");
}

/// Writes random bytes over pages 2.. of the store at `db` (its header, page 1, is left whole).
fn damage(db: &Path) {
    use rand::{Rng, SeedableRng};
    let mut bytes = std::fs::read(db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page, "a store with some pages");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for b in &mut bytes[page..] {
        if rng.random_bool(0.05) {
            *b = rng.random();
        }
    }
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn a_damaged_store_is_refused_with_the_way_out_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut e = common::engine(&dir, "h.db");
    e.load_demo(&gridwork_domain::demo::generate(1, &gridwork_domain::demo::DemoSize::small())).unwrap();
    e.create_household(&common::household("张伟")).unwrap();
    drop(e);
    damage(&db);
    let before = std::fs::read(&db).unwrap();
    let err = common::vault(&db).unlock(&common::pin(), &gridwork_core::NoKeyring).unwrap_err();
    assert_eq!(err.tag(), "damaged_store", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("is damaged") && msg.contains("gridwork recover --server URL --code CODE"), "{msg}");
    assert!(msg.contains("kept, not deleted"), "{msg}");
    let (ok, out, _) = common::gridwork(&db, &["--json", "today"]);
    assert!(!ok);
    let e = json_error(&out);
    assert_eq!(e["tag"], "damaged_store", "{e}");
    assert_eq!(e["path"], db.display().to_string());
    assert_eq!(std::fs::read(&db).unwrap(), before, "the damaged file is left as it was");
    // `recover` needs a server; without one it fails and moves nothing.
    let (ok, _, _) =
        common::gridwork(&db, &["recover", "--server", "http://gridwork.invalid", "--code", "AAAA-BBBB-CCCC"]);
    assert!(!ok);
}

#[test]
fn recover_refuses_a_store_that_is_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    drop(common::engine(&dir, "h.db"));
    let (ok, _, err) =
        common::gridwork(&db, &["recover", "--server", "http://127.0.0.1:9", "--code", "AAAA-BBBB-CCCC"]);
    assert!(!ok);
    assert!(err.contains("is not damaged: nothing to recover"), "{err}");
    drop(common::unlock(&db));
}

#[test]
fn enroll_refuses_a_plain_http_server_off_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    // Refused before any connection: nothing is sent to 10.0.0.1.
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork"))
        .arg("--db")
        .arg(&db)
        .args(["--json", "enroll", "--server", "http://10.0.0.1:8787", "--code", "ABCD-EFGH-JK23"])
        .env("GRIDWORK_PIN", "482916")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let e = json_error(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(e["tag"], "insecure_server", "{e}");
    assert_eq!(e["server"], "http://10.0.0.1:8787");
    assert!(e["message"].as_str().unwrap().contains("--insecure"), "{e}");
}
