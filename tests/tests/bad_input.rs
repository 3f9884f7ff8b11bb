//! Bad requests over real HTTP get their error code, and the server keeps serving.

use gridwork_tests::{Device, ServerProc};

#[test]
fn bad_requests_get_their_code_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    let token = a.engine.profile().unwrap().token.clone().unwrap();
    let http = reqwest::blocking::Client::new();
    let push = format!("{}/api/v1/push", server.url());
    let cases: Vec<(reqwest::blocking::RequestBuilder, u16, &str)> = vec![
        (
            http.post(&push).bearer_auth(&token).header("content-type", "application/json").body("{not json"),
            400,
            "malformed_json",
        ),
        (http.post(&push).header("content-type", "application/json").body("{}"), 401, "unauthorized"),
        (
            http.post(&push).bearer_auth("nonsense").header("content-type", "application/json").body("{}"),
            401,
            "unauthorized",
        ),
        (
            http.post(format!("{}/api/v1/enroll", server.url()))
                .json(&serde_json::json!({"code": "NO-SUCH", "device_name": "x", "request_id": uuid::Uuid::now_v7()})),
            401,
            "unauthorized",
        ),
    ];
    for (req, status, code) in cases {
        let resp = req.send().unwrap();
        assert_eq!(resp.status().as_u16(), status);
        let body: serde_json::Value = resp.json().unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        a.sync().unwrap();
    }
}
