//! The OpenAPI document covers exactly the routes the router serves, and each of them answers; it
//! and docs/protocol.md name the codes of the server's limits.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestServer;
use gridwork_sync_server::routes::{meta::OPENAPI, table};
use serde_json::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                assert!(op["responses"]["200"].is_object(), "{method} {path} documents its 200 answer");
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_documented_and_every_documented_route_served() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let served: BTreeSet<(String, String)> =
        table().iter().map(|r| (r.method.as_str().to_owned(), r.path.to_owned())).collect();
    assert_eq!(served, documented(&doc));
}

#[test]
fn every_schema_reference_resolves() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    let components = doc["components"].as_object().unwrap();
    let mut refs = Vec::new();
    fn walk(v: &Value, refs: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    refs.push(r.clone());
                }
                m.values().for_each(|x| walk(x, refs));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(refs.len() > 20);
    for r in refs {
        let (kind, name) = r
            .strip_prefix("#/components/")
            .and_then(|r| r.split_once('/'))
            .filter(|(kind, _)| ["schemas", "responses", "parameters", "headers"].contains(kind))
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(components[kind].get(name).is_some(), "{r} is not defined");
    }
}

#[tokio::test]
async fn every_route_in_the_table_is_routed() {
    let s = TestServer::demo().await;
    for r in table() {
        let req = Request::builder().method(r.method.clone()).uri(r.path).body(Body::empty()).unwrap();
        let (status, _, _) = s.send(req).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{} {} answered {status}",
            r.method,
            r.path
        );
    }
    let (status, v) = s.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["info"]["title"], "Gridwork sync API");
}

#[test]
fn the_codes_of_the_limits_are_documented() {
    use gridwork_sync_server::AppError;
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    let protocol = include_str!("../../docs/protocol.md");
    let limits = [
        ("RequestTimeout", AppError::RequestTimeout(String::new())),
        ("RateLimited", AppError::RateLimited(String::new())),
        ("HeaderTooLarge", AppError::HeaderTooLarge(String::new())),
        ("Overloaded", AppError::Overloaded(String::new())),
        ("UpgradeRequired", AppError::UpgradeRequired(String::new())),
    ];
    for (name, e) in limits {
        let text = doc["components"]["responses"][name]["description"].as_str().unwrap_or_default();
        assert!(text.starts_with(&format!("`{}`", e.code())), "{name}: {text}");
        let row = format!("| {} |", e.status().as_u16());
        let line = protocol.lines().find(|l| l.starts_with(&row)).unwrap_or_else(|| panic!("no {row} row"));
        assert!(line.contains(&format!("`{}`", e.code())), "{line}");
    }
}

/// Every operation takes the version headers and every answer (errors too) names the server's
/// clock; every operation but health and the document itself may answer `426 upgrade_required`.
#[test]
fn the_version_headers_and_the_426_answer_are_documented() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    let resolve = |r: &Value| -> Value {
        match r["$ref"].as_str().and_then(|x| x.strip_prefix("#/components/responses/")) {
            Some(name) => doc["components"]["responses"][name].clone(),
            None => r.clone(),
        }
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let refs: Vec<&str> =
                op["parameters"].as_array().unwrap().iter().filter_map(|p| p["$ref"].as_str()).collect();
            for p in ["GridworkProtocol", "GridworkApp"] {
                assert!(refs.contains(&format!("#/components/parameters/{p}").as_str()), "{method} {path}: {p}");
            }
            for (code, r) in op["responses"].as_object().unwrap() {
                assert!(resolve(r)["headers"]["Gridwork-Time"].is_object(), "{method} {path} {code}: Gridwork-Time");
            }
            let exempt = ["/api/v1/health", "/api/v1/openapi.json"].contains(&path.as_str());
            assert_eq!(op["responses"]["426"].is_object(), !exempt, "{method} {path}: 426");
        }
    }
}
