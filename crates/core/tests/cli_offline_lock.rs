//! The CLI under the offline lock: a store that has not reached its server for longer than the
//! server's policy allows refuses every command but `sync`, `status` and `outbox` (`offline_locked`,
//! with the days), and keeps every record.

use gridwork_core::Profile;
use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;

mod common;

#[test]
fn an_offline_locked_store_answers_only_sync_status_and_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut e = common::create(&db);
    let scope = AreaCode::parse("150621001001001").unwrap();
    let mut p = Profile::offline("王芳", "13800138000", Role::GridWorker, scope, 7).unwrap();
    p.server_url = Some("http://127.0.0.1:9".into());
    p.token = Some("t".into());
    e.set_profile(p).unwrap();
    e.create_household(&common::household("周敏")).unwrap();
    // Last in touch with the server 20 days ago (the default policy allows 14).
    let then = gridwork_domain::clock::wall_ms() - 20 * 24 * 60 * 60 * 1000;
    e.connection().execute("INSERT INTO meta (key, value) VALUES ('last_contact_ms', ?1)", [then.to_string()]).unwrap();
    drop(e);

    let (ok, out, _) = common::gridwork(&db, &["--json", "household", "list"]);
    assert!(!ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["error"]["tag"].as_str(), v["error"]["days"].as_u64()), (Some("offline_locked"), Some(20)), "{v}");
    let (ok, _, err) = common::gridwork(&db, &["today"]);
    assert!(!ok && err.contains("20 days"), "{err}");

    let (ok, out, _) = common::gridwork(&db, &["--lang", "zh-CN", "status"]);
    assert!(ok && out.contains("20 天未连上服务器"), "{out}");
    let (ok, out, _) = common::gridwork(&db, &["--json", "outbox"]);
    assert!(ok, "{out}");
    assert!(out.contains("周敏"), "the outbox still shows what waits: {out}");
    let (ok, _, err) = common::gridwork(&db, &["sync"]);
    assert!(!ok, "the server is not there");
    assert!(!err.contains("offline_locked") && !err.contains("20 days"), "sync was tried: {err}");

    let e = common::unlock(&db);
    assert_eq!(e.pending_count().unwrap(), 1, "nothing was deleted");
}
