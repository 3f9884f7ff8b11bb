//! The real binary: `--demo --listen 127.0.0.1:0` seeds, prints the codes and the bound address,
//! serves HTTP, and exits cleanly on SIGTERM; a second start on the same file seeds nothing.

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
    assert!(lines.iter().any(|l| l.contains("DEMO-W-0001")), "{lines:?}");
    let health = http(&addr, "GET", "/api/v1/health", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""status":"ok""#), "{health}");
    let enroll = http(&addr, "POST", "/api/v1/enroll", r#"{"code":"DEMO-W-0001","device_name":"phone"}"#);
    assert!(enroll.starts_with("HTTP/1.1 200"), "{enroll}");
    assert!(enroll.contains(r#""token":""#), "{enroll}");
    let bad = http(&addr, "POST", "/api/v1/enroll", "{not json");
    assert!(bad.starts_with("HTTP/1.1 400") && bad.contains("malformed_json"), "{bad}");
    stop(child);
    assert!(dir.path().join("data/sync.db").exists());

    let (child, _out, lines, addr) = start(&db);
    assert!(lines.iter().any(|l| l.contains("already holds data")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("DEMO-W-0001")), "{lines:?}");
    let enroll = http(&addr, "POST", "/api/v1/enroll", r#"{"code":"DEMO-W-0001","device_name":"phone 2"}"#);
    assert!(enroll.starts_with("HTTP/1.1 200"), "{enroll}");
    stop(child);
}
