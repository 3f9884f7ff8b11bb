//! The way out of a damaged store, against the real server: random bytes written into a synced
//! handset's store are noticed at open (`damaged_store`), and `recover` moves the damaged files
//! aside (never deleting them), enrolls again with a new one-time code, and pulls everything in
//! the device's area again.

use gridwork_core::NoKeyring;
use gridwork_core::recover::recover_vault;
use gridwork_tests::device::{pin, vault};
use gridwork_tests::{Device, ServerProc};
use rand::{Rng, SeedableRng};

#[test]
fn a_damaged_store_is_set_aside_and_the_handset_enrolls_and_pulls_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut d = Device::enroll(dir.path(), "w", &url, "DEMO-W-0001");
    d.sync().unwrap();
    let scope = d.scope();
    let held = d.records_in(&scope).len();
    assert!(held > 10);
    let db = dir.path().join("w.db");
    d.engine.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(d);
    // Random bytes over every page but the header, as a failing flash chip might leave them.
    let mut bytes = std::fs::read(&db).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for b in &mut bytes[4096..] {
        if rng.random_bool(0.05) {
            *b = rng.random();
        }
    }
    std::fs::write(&db, &bytes).unwrap();
    let err = vault(&db).unlock(&pin(), &NoKeyring).unwrap_err();
    assert_eq!(err.tag(), "damaged_store", "{err}");
    assert!(err.to_string().contains("gridwork recover"), "the message names the way out: {err}");

    let code = server.code("DEMO-W-0001");
    let (engine, r) =
        recover_vault(&vault(&db), &pin(), &NoKeyring, (&url, &code, "w"), &Default::default(), &mut |_| {}).unwrap();
    assert!(!r.set_aside.is_empty());
    for p in &r.set_aside {
        assert!(p.exists(), "{} is kept", p.display());
    }
    assert_eq!(std::fs::read(&r.set_aside[0]).unwrap(), bytes, "the damaged file is kept as it was");
    assert!(vault(&r.set_aside[0]).key_path().exists(), "with its key file, so field support can open it");
    let again = Device { engine, client: gridwork_core::sync::SyncClient::for_profile(&r.profile).unwrap() };
    assert_eq!(again.records_in(&scope).len(), held, "everything in the area was pulled again");
}
