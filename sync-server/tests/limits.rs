//! The server's limits over real connections on 127.0.0.1: a stalled request head, an idle
//! keep-alive connection and a stalled body are dropped in time; past the connection cap the oldest
//! idle connection makes room, and when every connection is busy a request
//! is answered `503 overloaded` while health answers; oversized heads get a JSON 431 and oversized
//! bodies a JSON 413; a device past its request rate gets `429` with `Retry-After`; at shutdown idle
//! connections close at once while a request in flight is answered.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::TestServer;
use gridwork_sync_server::Limits;
use serde_json::Value;

/// A server serving on 127.0.0.1 from its own thread until dropped.
struct Live {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Live {
    fn start(limits: Limits) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let server = TestServer::with_limits(limits).await;
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async {
                    let _ = stopped.await;
                };
                gridwork_sync_server::listen::serve(listener, server.app.clone(), limits, shutdown).await.unwrap();
            });
        });
        Self { addr: addr_rx.recv().unwrap(), stop: Some(stop), thread: Some(thread) }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads until the server closes the connection (a reset counts as closed).
fn read_to_close(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return out,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
}

/// An answer as status, head and JSON body (Null when the body is not JSON).
fn parse(answer: &[u8]) -> (u16, String, Value) {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Sends a request with `Connection: close` and reads the whole answer.
fn request(live: &Live, head: &str, body: &str) -> (u16, String, Value) {
    let mut s = live.connect();
    write!(s, "{head}\r\nHost: t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    parse(&read_to_close(&mut s))
}

fn with(f: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::default();
    f(&mut l);
    l
}

const TIMEOUT: Duration = Duration::from_millis(400);

/// The connection is closed by the server, not at once (the timer may start a little before
/// `since` is taken on a busy machine) and well before a stalled client would give up.
fn assert_dropped_in_time(s: &mut TcpStream, since: Instant) -> Vec<u8> {
    let answer = read_to_close(s);
    let took = since.elapsed();
    assert!(took >= TIMEOUT / 2 && took < TIMEOUT * 5, "closed after {took:?}");
    answer
}

#[test]
fn a_client_that_stalls_in_its_request_line_is_dropped_within_the_header_timeout() {
    let live = Live::start(with(|l| l.header_timeout = TIMEOUT));
    let mut s = live.connect();
    let t = Instant::now();
    s.write_all(b"GET /api/v1/hea").unwrap();
    assert_dropped_in_time(&mut s, t);

    // so is one that never sends a byte
    let mut idle = live.connect();
    assert_dropped_in_time(&mut idle, Instant::now());
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let live = Live::start(with(|l| l.header_timeout = TIMEOUT));
    let mut s = live.connect();
    s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap();
    let t = Instant::now();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", String::from_utf8_lossy(&buf[..n]));
    assert!(!String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase().contains("connection: close"));
    assert_dropped_in_time(&mut s, t);
}

#[test]
fn a_body_that_stalls_is_answered_408_request_timeout_and_the_connection_closed() {
    let live = Live::start(with(|l| l.body_timeout = TIMEOUT));
    let mut s = live.connect();
    let t = Instant::now();
    let head =
        "POST /api/v1/enroll HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(br#"{"code":"#).unwrap();
    let (status, head, v) = parse(&assert_dropped_in_time(&mut s, t));
    assert_eq!((status, v["code"].as_str()), (408, Some("request_timeout")), "{head} {v}");
    assert!(head.contains("connection: close"), "{head}");
}

/// Opens a connection on which a request is in progress: its body never comes.
fn busy(live: &Live) -> TcpStream {
    let mut s = live.connect();
    let head =
        "POST /api/v1/enroll HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// Asks until the server answers `GET /api/v1/reference` as usual (401: no token), not 503.
fn wait_until_served_normally(live: &Live) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, _, v) = request(live, "GET /api/v1/reference HTTP/1.1", "");
        if status == 401 {
            assert_eq!(v["code"], "unauthorized");
            return;
        }
        assert_eq!(status, 503, "{v}");
        assert!(Instant::now() < deadline, "closed connections still count against the cap");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn past_the_connection_cap_with_every_connection_busy_requests_get_503_overloaded_while_health_answers() {
    let live = Live::start(with(|l| l.max_connections = 2));
    let held = [busy(&live), busy(&live)];
    std::thread::sleep(Duration::from_millis(100));
    let (status, head, v) = request(&live, "GET /api/v1/reference HTTP/1.1", "");
    assert_eq!((status, v["code"].as_str()), (503, Some("overloaded")), "{head} {v}");
    assert!(head.contains("retry-after: 1") && head.contains("application/json"), "{head}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    let (status, _, v) = request(&live, "GET /api/v1/health HTTP/1.1", "");
    assert_eq!((status, v["status"].as_str()), (200, Some("ok")), "{v}");

    drop(held);
    wait_until_served_normally(&live);
}

#[test]
fn past_the_connection_cap_the_oldest_idle_connection_makes_room() {
    let live = Live::start(with(|l| l.max_connections = 2));
    let mut oldest = live.connect();
    let _younger = live.connect();
    let _busy = busy(&live); // past the cap: the oldest idle one is closed for it
    let t = Instant::now();
    assert!(read_to_close(&mut oldest).is_empty());
    assert!(t.elapsed() < Duration::from_secs(2), "closed after {:?}", t.elapsed());
    wait_until_served_normally(&live);
}

#[test]
fn oversized_heads_get_431_header_too_large_as_json_up_to_hypers_own_limit() {
    let live = Live::start(Limits::default());
    let pad = "a".repeat(20 * 1024);
    let (status, head, v) = request(&live, &format!("GET /api/v1/health HTTP/1.1\r\nX-Pad: {pad}"), "");
    assert_eq!((status, v["code"].as_str()), (431, Some("header_too_large")), "{head} {v}");
    assert!(head.contains("connection: close"), "{head}");

    let fields: String = (0..150).map(|i| format!("\r\nX-F{i}: v")).collect();
    let (status, _, v) = request(&live, &format!("GET /api/v1/health HTTP/1.1{fields}"), "");
    assert_eq!((status, v["code"].as_str()), (431, Some("header_too_large")), "{v}");

    let long_uri = format!("GET /api/v1/health?{} HTTP/1.1", "q".repeat(20 * 1024));
    let (status, _, v) = request(&live, &long_uri, "");
    assert_eq!((status, v["code"].as_str()), (431, Some("header_too_large")), "{v}");

    // Well past hyper's read buffer (listen::HYPER_MAX_BUF, checked between reads) hyper answers a
    // bare 431 itself, as documented.
    let pad = "a".repeat(2 * gridwork_sync_server::listen::HYPER_MAX_BUF);
    // (Hyper closes with the rest of the head unread, so the answer may be lost to a reset.)
    let mut s = live.connect();
    let _ = write!(s, "GET /api/v1/health HTTP/1.1\r\nX-Pad: {pad}\r\n\r\n");
    let answer = read_to_close(&mut s);
    if !answer.is_empty() {
        let (status, _, v) = parse(&answer);
        assert_eq!((status, v), (431, Value::Null));
    }

    // an ordinary head passes
    let (status, _, _) = request(&live, "GET /api/v1/health HTTP/1.1", "");
    assert_eq!(status, 200);
}

#[test]
fn an_oversized_body_gets_413_payload_too_large_as_json_over_a_real_connection() {
    let live = Live::start(with(|l| l.max_body_bytes = 1024));
    let body = format!(r#"{{"code":"{}","device_name":"x"}}"#, "c".repeat(2000));
    let (status, head, v) = request(&live, "POST /api/v1/enroll HTTP/1.1\r\nContent-Type: application/json", &body);
    assert_eq!((status, v["code"].as_str()), (413, Some("payload_too_large")), "{head} {v}");
}

#[tokio::test]
async fn a_device_past_its_rate_gets_429_with_retry_after_and_other_devices_do_not() {
    let s = TestServer::with_limits(with(|l| {
        l.rate_burst = 3;
        l.rate_per_sec = 1;
    }))
    .await;
    let a = s.enroll(&s.code("DEMO-W", 1)).await;
    let b = s.enroll(&s.code("DEMO-W", 2)).await;
    let pull = |token: String| {
        let req = axum::http::Request::builder()
            .method(Method::GET)
            .uri("/api/v1/pull?after=0&limit=1")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        s.send(req)
    };
    for _ in 0..3 {
        assert_eq!(pull(a.token().to_owned()).await.0, StatusCode::OK);
    }
    let (status, headers, body) = pull(a.token().to_owned()).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, v["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")), "{v}");
    assert_eq!(headers.get("retry-after").and_then(|h| h.to_str().ok()), Some("1"));
    for _ in 0..3 {
        assert_eq!(pull(b.token().to_owned()).await.0, StatusCode::OK, "another device is not held back");
    }
    // requests without a known token are not charged to anyone: they are answered as before
    let (status, v) = s.call(Method::GET, "/api/v1/pull", Some("0000"), None).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, _) = s.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn on_shutdown_idle_connections_close_at_once_and_a_request_in_flight_is_answered() {
    let mut live = Live::start(Limits::default());
    let mut idle = live.connect();
    let mut in_flight = busy(&live);
    std::thread::sleep(Duration::from_millis(100));
    live.stop.take().unwrap().send(()).unwrap();
    let t = Instant::now();
    assert!(read_to_close(&mut idle).is_empty());
    assert!(t.elapsed() < Duration::from_secs(1), "the idle connection closed after {:?}", t.elapsed());

    let body = format!("{:<100}", r#"{"code":"NO-SUCH-CODE","device_name":"x"}"#);
    in_flight.write_all(body.as_bytes()).unwrap();
    let answer = read_to_close(&mut in_flight);
    let (status, _, v) = parse(&answer);
    assert!((400..500).contains(&status) && v["code"].is_string(), "{status} {v}");
    live.thread.take().unwrap().join().unwrap();
}
