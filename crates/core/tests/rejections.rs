//! What the worker is told on the command line: each refused change with why and what to do, in
//! zh-CN by default and English with `--lang en`; a wrong phone clock in `gridwork status`; and a
//! store with refusals from before codes were kept apart has them split when it opens.

use std::process::Command;

mod common;

fn gridwork(db: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork"))
        .env("GRIDWORK_PIN", "246810")
        .env("GRIDWORK_KEYRING", "none")
        .env_remove("GRIDWORK_LANG")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init(db: &std::path::Path) {
    gridwork(db, &["init", "--user", "王芳", "--phone", "13800138000", "--scope", "150621001001001"]);
}

#[test]
fn a_refused_change_is_named_with_why_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    gridwork(
        &db,
        &[
            "household",
            "add",
            "--micro-grid",
            "150621001001001001",
            "--head",
            "张伟",
            "--address",
            "锦园社区",
            "--door",
            "5号",
        ],
    );
    let e = common::unlock(&db);
    let c = e.connection();
    c.execute(
        "UPDATE outbox SET status = 'rejected', reject_code = 'forbidden', last_error = 'a grid worker may not do this'",
        [],
    )
    .unwrap();
    drop(e);
    let zh = gridwork(&db, &["outbox"]);
    assert!(zh.contains("被拒绝：住户 张伟 · 锦园社区5号"), "{zh}");
    assert!(zh.contains("原因：您的账号无权进行这项操作（forbidden：a grid worker may not do this）"), "{zh}");
    assert!(zh.contains("处理：请网格长或上级处理"), "{zh}");
    assert!(zh.ends_with("共 1 条待同步，其中 1 条被服务器拒绝\n"), "{zh}");
    let en = gridwork(&db, &["--lang", "en", "outbox"]);
    assert!(en.contains("refused: household 张伟") && en.contains("what to do: ask your grid leader"), "{en}");
    let json: serde_json::Value = serde_json::from_str(&gridwork(&db, &["--json", "outbox"])).unwrap();
    assert_eq!(json[0]["reject_code"], "forbidden");
    assert_eq!(json[0]["last_error"], "a grid worker may not do this");
}

#[test]
fn status_warns_of_a_wrong_phone_clock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    assert!(!gridwork(&db, &["status"]).contains("手机时间"));
    let e = common::unlock(&db);
    let c = e.connection();
    let three_days_fast = -3 * 86_400_000_i64;
    c.execute("INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?1)", [three_days_fast.to_string()]).unwrap();
    drop(e);
    let out = gridwork(&db, &["status"]);
    assert!(
        out.contains("手机时间比北京时间快 3 天。请在手机设置中打开自动时间；网格通已按服务器时间记录，工作不会丢失。"),
        "{out}"
    );
    assert!(gridwork(&db, &["--lang", "en", "status"]).contains("The phone's clock is 3 days fast"));
    let json: serde_json::Value = serde_json::from_str(&gridwork(&db, &["--json", "status"])).unwrap();
    assert_eq!(json["clock_offset_ms"], three_days_fast);
}

#[test]
fn refusals_stored_before_codes_were_kept_apart_are_split() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    init(&db);
    gridwork(
        &db,
        &["household", "add", "--micro-grid", "150621001001001001", "--head", "张伟", "--address", "锦园社区"],
    );
    // As a store older than migration 3 held it.
    let e = common::unlock(&db);
    let c = e.connection();
    c.execute_batch(
        "UPDATE outbox SET status = 'rejected', last_error = 'validation: head_name: required';
         DROP TABLE attention;
         CREATE TABLE outbox_old AS SELECT record_id, kind, rev, queued_ms, attempts, status, last_error FROM outbox;
         DELETE FROM schema_migrations WHERE version = 3;",
    )
    .unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = OFF; DROP TABLE outbox;
         CREATE TABLE outbox (record_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE, kind TEXT NOT NULL,
             rev INTEGER NOT NULL DEFAULT 1, queued_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
             status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected')), last_error TEXT);
         INSERT INTO outbox SELECT * FROM outbox_old; DROP TABLE outbox_old;
         CREATE INDEX outbox_pending ON outbox (status, queued_ms, record_id);",
    )
    .unwrap();
    drop(e);
    let json: serde_json::Value = serde_json::from_str(&gridwork(&db, &["--json", "outbox"])).unwrap();
    assert_eq!(json[0]["reject_code"], "validation");
    assert_eq!(json[0]["last_error"], "head_name: required");
}
