//! `gridwork sync` on a device the office withdrew: the server answers `revoked`, the CLI says so,
//! stops, and the store (profile, token, records, outbox, drafts) is wiped — its key first — ready
//! to enroll again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;

use gridwork_core::Profile;
use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;

mod common;

/// A server that answers every request `401 revoked`; returns its URL.
fn revoking_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let answer = r#"{"code":"revoked","message":"this device was withdrawn by the grid office"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}

#[test]
fn sync_on_a_revoked_device_wipes_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gridwork.db");
    {
        let mut e = common::create(&db);
        let scope = AreaCode::parse("150621001001001").unwrap();
        let mut p = Profile::offline("王芳", "13800138000", Role::GridWorker, scope, 3).unwrap();
        p.server_url = Some(revoking_server());
        p.token = Some("a-token".into());
        e.set_profile(p).unwrap();
        e.save_draft("dispute", "{\"description\":\"楼上漏水\"}").unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork"))
        .env("GRIDWORK_PIN", "246810")
        .env("GRIDWORK_KEYRING", "none")
        .arg("--db")
        .arg(&db)
        .arg("sync")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("withdrawn"), "{stderr}");
    // The key went first, then the store: nothing of the store is left, and the device enrolls anew.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "the store, its log and its key file are gone: {left:?}");
    assert_eq!(gridwork_core::Vault::at(&db).state().unwrap(), gridwork_core::VaultState::New);
}
