//! A full run — enroll, push, pull, a failed enrollment, revoke — whose server log (at `debug`,
//! and what it printed) and exported audit CSV hold none of the demo households' or accounts'
//! names and phones; and the revoked handset wipes itself.

use std::time::Duration;

use gridwork_core::CoreError;
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::{AreaCode, Household};
use gridwork_tests::{Device, ServerProc};

/// The demo seed the server's `--demo` uses.
const DEMO_SEED: u64 = 20_221;

/// Every name and phone of the demo banner's households and accounts, and of what the test writes.
fn personal_data() -> Vec<String> {
    let demo = generate(DEMO_SEED, &DemoSize::small());
    let mut out: Vec<String> = vec!["赵新民".into(), "13911112222".into()];
    for (_, h) in &demo.households {
        out.push(h.head_name.clone());
        out.extend(h.phone.clone());
        for m in &h.members {
            out.push(m.name.clone());
            out.extend(m.phone.clone());
        }
    }
    for a in &demo.accounts {
        out.push(a.name.clone());
        out.push(a.phone.clone());
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn logs_and_the_audit_log_hold_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let server = ServerProc::start_demo_logged(&dir.path().join("server.db"), &log);
    let url = server.url();
    let mut worker = Device::enroll(dir.path(), "worker", &url, "DEMO-W-0001");
    let mut leader = Device::enroll(dir.path(), "leader", &url, "DEMO-L-0001");
    worker.sync().unwrap();
    let scope = AreaCode::parse(&worker.scope()).unwrap();
    let mut h = Household::new(scope.child(1), "赵新民", "吉格斯太镇乌兰嘎查二社", "8号");
    h.phone = Some("13911112222".into());
    let id = worker.engine.create_household(&h).unwrap();
    let visit = worker.visit(id);
    worker.engine.record_visit(&visit).unwrap();
    worker.engine.issue_card(id, "赵新民").unwrap();
    assert_eq!(worker.sync().unwrap().rejected, 0);
    leader.sync().unwrap();
    assert!(leader.engine.household(id).is_ok(), "the leader pulled it");
    let bad = reqwest::blocking::Client::new()
        .post(format!("{url}/api/v1/enroll"))
        .json(&serde_json::json!({"code": "WRON-GCOD-E234", "device_name": "x", "request_id": uuid::Uuid::now_v7()}))
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 401);

    let device = worker.engine.device_id().unwrap().to_string();
    server.admin(&["device", "revoke", "--device", &device, "--by", "DEMO-A-0001"]);
    std::thread::sleep(gridwork_sync_server::token_cache::TTL + Duration::from_millis(200));
    let err = worker.sync().unwrap_err();
    assert!(matches!(err, CoreError::Revoked(_)), "{err}");
    assert!(matches!(worker.engine.profile(), Err(CoreError::NotInitialized)), "the handset wiped itself");
    assert_eq!(worker.records_in("").len(), 0);
    leader.sync().unwrap();

    let csv = server.admin(&["audit", "export"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(gridwork_sync_server::audit_csv::HEADER));
    let rows: Vec<&str> = lines.collect();
    let has =
        |action: &str, result: &str| rows.iter().any(|r| r.contains(&format!(",{action},")) && r.ends_with(result));
    assert!(has("enroll", "ok") && has("enroll", "unknown_code"), "{csv}");
    assert!(has("code_create", "ok") && has("device_revoke", "ok"), "{csv}");
    assert!(rows.iter().any(|r| r.contains(&device) && r.contains("DEMO-W-0001")), "{csv}");

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("device enrolled"), "the log was captured: {logged}");
    for text in personal_data() {
        assert!(!logged.contains(&text), "the server log holds '{text}'");
        assert!(!csv.contains(&text), "the audit log holds '{text}'");
    }
}
