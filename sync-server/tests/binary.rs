//! The real binary: `--demo --listen 127.0.0.1:0` seeds, prints fresh one-time codes and the bound
//! address, serves HTTP, and exits cleanly on SIGTERM; a second start on the same file seeds
//! nothing; `code create` makes codes for a running server's database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process, killed if a test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db: &str) -> (Running, BufReader<ChildStdout>, Vec<String>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridwork-sync-server"))
        .args(["--listen", "127.0.0.1:0", "--database", db, "--demo"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(Running)
        .unwrap();
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server exited early: {lines:?}");
        if let Some(addr) = line.trim().strip_prefix("listening on http://") {
            return (child, out, lines, addr.to_owned());
        }
        lines.push(line);
    }
}

fn http(addr: &str, method: &str, path: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

/// The one-time code the demo printed for `handle`.
fn printed_code(lines: &[String], handle: &str) -> String {
    let line = lines.iter().find(|l| l.split_whitespace().next() == Some(handle)).expect("a line for the handle");
    line.split_whitespace().nth(1).unwrap().to_owned()
}

fn enroll_body(code: &str, device_name: &str) -> String {
    format!(r#"{{"code":"{code}","device_name":"{device_name}","request_id":"{}"}}"#, uuid::Uuid::now_v7())
}

/// Runs `code create` on the database and returns the printed codes.
fn create_codes(db: &str, account: &str, by: &str, count: u32) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gridwork-sync-server"))
        .args(["code", "create", "--database", db, "--account", account, "--by", by, "--count", &count.to_string()])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stop(mut running: Running) {
    let child = &mut running.0;
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit after SIGTERM: {status}");
            return;
        }
        if Instant::now() > deadline {
            panic!("the server did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn demo_start_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/data/sync.db", dir.path().display());
    let (child, _out, lines, addr) = start(&db);
    let code = printed_code(&lines, "DEMO-W-0001");
    assert_eq!(code.len(), 14, "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("王芳")), "no names in what the server prints: {lines:?}");
    let health = http(&addr, "GET", "/api/v1/health", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""status":"ok""#), "{health}");
    let handle = http(&addr, "POST", "/api/v1/enroll", &enroll_body("DEMO-W-0001", "phone"));
    assert!(handle.starts_with("HTTP/1.1 401"), "the handle is no code: {handle}");
    let enroll = http(&addr, "POST", "/api/v1/enroll", &enroll_body(&code, "phone"));
    assert!(enroll.starts_with("HTTP/1.1 200"), "{enroll}");
    assert!(enroll.contains(r#""token":""#), "{enroll}");
    let again = http(&addr, "POST", "/api/v1/enroll", &enroll_body(&code, "phone 2"));
    assert!(again.starts_with("HTTP/1.1 401"), "a code enrolls once: {again}");
    let bad = http(&addr, "POST", "/api/v1/enroll", "{not json");
    assert!(bad.starts_with("HTTP/1.1 400") && bad.contains("malformed_json"), "{bad}");
    stop(child);
    assert!(dir.path().join("data/sync.db").exists());

    let (child, _out, lines, addr) = start(&db);
    assert!(lines.iter().any(|l| l.contains("already holds data")), "{lines:?}");
    // Codes made while the server runs on the same file.
    let made = create_codes(&db, "DEMO-W-0001", "DEMO-A-0001", 2);
    assert!(made.status.success(), "{made:?}");
    let codes: Vec<String> = String::from_utf8(made.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(codes.len(), 2);
    for (i, code) in codes.iter().enumerate() {
        let enroll = http(&addr, "POST", "/api/v1/enroll", &enroll_body(code, &format!("phone {i}")));
        assert!(enroll.starts_with("HTTP/1.1 200"), "{enroll}");
    }
    // A grid worker makes no codes.
    let refused = create_codes(&db, "DEMO-W-0001", "DEMO-W-0001", 1);
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    stop(child);
}

#[test]
fn failed_enrollments_lock_the_client_address_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/sync.db", dir.path().display());
    let (child, _out, lines, addr) = start(&db);
    let code = printed_code(&lines, "DEMO-W-0001");
    for i in 0..5 {
        let bad = http(&addr, "POST", "/api/v1/enroll", &enroll_body(&format!("WRONG-{i}"), "phone"));
        assert!(bad.starts_with("HTTP/1.1 401"), "{bad}");
    }
    let locked = http(&addr, "POST", "/api/v1/enroll", &enroll_body(&code, "phone"));
    assert!(locked.starts_with("HTTP/1.1 429"), "even a good code waits: {locked}");
    assert!(locked.to_ascii_lowercase().contains("retry-after: "), "{locked}");
    assert!(locked.contains(r#""code":"rate_limited""#), "{locked}");
    stop(child);
}

#[test]
fn a_lock_policy_no_handset_could_work_under_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = Command::new(env!("CARGO_BIN_EXE_gridwork-sync-server"))
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(&db)
        .args(["--pin-delay-after", "6", "--pin-wipe-after", "6"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--pin-wipe-after") && stderr.contains("lock policy"), "{stderr}");
    assert!(!db.exists(), "refused before anything was opened");
}
