//! Compressed bodies: gzip and zstd request bodies are read; responses are compressed when the
//! client accepts it; an unknown or corrupt encoding gets a JSON error.

mod common;

use std::io::{Read, Write};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TestServer, household, statuses};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use gridwork_domain::wire::PullResponse;
use gridwork_sync_server::Limits;
use serde_json::{Value, json};
use uuid::Uuid;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn push_request(token: &str, encoding: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/push")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("content-encoding", encoding)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn gzip_and_zstd_request_bodies_are_accepted() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    for encoding in ["gzip", "zstd"] {
        let recs: Vec<_> = (0..20).map(|i| w.create(&household(w.micro_grid(1), &format!("张{i}")))).collect();
        let body = serde_json::to_vec(&json!({"batch_id": Uuid::now_v7(), "records": recs})).unwrap();
        let packed = if encoding == "gzip" { gzip(&body) } else { zstd::encode_all(&body[..], 3).unwrap() };
        assert!(packed.len() < body.len());
        let (status, _, bytes) = s.send(push_request(w.token(), encoding, packed)).await;
        assert_eq!(status, StatusCode::OK, "{encoding}");
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(statuses(&v), vec!["accepted"; 20], "{encoding}");
    }
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let s = TestServer::demo().await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    for (accept, want) in [("gzip", Some("gzip")), ("zstd", Some("zstd")), ("identity", None)] {
        let req = Request::builder()
            .uri("/api/v1/pull?after=0")
            .header("authorization", format!("Bearer {}", w.token()))
            .header("accept-encoding", accept)
            .body(Body::empty())
            .unwrap();
        let (status, headers, bytes) = s.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let got = headers.get("content-encoding").map(|v| v.to_str().unwrap());
        assert_eq!(got, want, "Accept-Encoding: {accept}");
        if want == Some("gzip") {
            let mut plain = Vec::new();
            GzDecoder::new(&bytes[..]).read_to_end(&mut plain).unwrap();
            assert!(plain.len() > bytes.len(), "gzip made it smaller");
            let page: PullResponse = serde_json::from_slice(&plain).unwrap();
            assert!(!page.changes.is_empty());
        }
        if want == Some("zstd") {
            let page: PullResponse = serde_json::from_slice(&zstd::decode_all(&bytes[..]).unwrap()).unwrap();
            assert!(!page.changes.is_empty());
        }
    }
}

#[tokio::test]
async fn unknown_or_corrupt_encodings_get_json_errors() {
    let s = TestServer::demo().await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let body = br#"{"batch_id": "0191e0b5-2c1a-7000-8000-000000000001", "records": []}"#.to_vec();
    let (status, _, bytes) = s.send(push_request(w.token(), "br", body.clone())).await;
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_encoding")));
    let (status, _, bytes) = s.send(push_request(w.token(), "gzip", body.clone())).await;
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_encoding")), "{v}");
    let (status, _, _) = s.send(push_request(w.token(), "gzip", gzip(&body))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_that_decompresses_past_the_limit_is_refused() {
    let s = TestServer::with_limits(Limits { max_body_bytes: 256 * 1024, ..Limits::default() }).await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let body =
        format!(r#"{{"batch_id": "{}", "records": [{{"pad": "{}"}}]}}"#, Uuid::now_v7(), "x".repeat(1024 * 1024));
    let small = gzip(body.as_bytes());
    assert!(small.len() < 16 * 1024, "compresses well: {}", small.len());
    let (status, _, bytes) = s.send(push_request(w.token(), "gzip", small)).await;
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")), "{v}");
}
