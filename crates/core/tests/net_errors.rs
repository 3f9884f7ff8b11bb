//! Each network failure names its cause, the server and whether it is tried again: refused,
//! reset, an answer broken off, a stalled server (given up within a minute), a certificate this
//! device does not trust, a name that cannot be looked up; 426 is `upgrade_required`; and every
//! request carries the protocol headers while the server's clock is kept.

use gridwork_core::sync::{RetryPolicy, SyncClient};
use gridwork_core::{CoreError, NetCause, NetError};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

/// A client to `url` that tries twice, quickly, and keeps what its retries told.
fn client(url: &str) -> (SyncClient, Arc<Mutex<Vec<NetError>>>) {
    let told = Arc::new(Mutex::new(Vec::new()));
    let t = told.clone();
    let mut c =
        SyncClient::new(url, Some("token".into())).unwrap().on_retry(move |e| t.lock().unwrap().push(e.clone()));
    c.retry = RetryPolicy { attempts: 2, base: Duration::from_millis(10), max: Duration::from_millis(50) };
    (c, told)
}

fn offline(r: gridwork_core::Result<impl std::fmt::Debug>) -> NetError {
    match r {
        Err(CoreError::Offline(n)) => n,
        other => panic!("expected offline, got {other:?}"),
    }
}

/// A listener on a free loopback port, each connection handed to `serve` on its own thread.
fn listen(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(s));
        }
    });
    format!("http://{addr}")
}

/// Reads one request's head (the tests send none with a body but pushes).
fn read_head(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut b = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&b[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn refused_names_the_cause_and_the_server_and_is_retried() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let (c, told) = client(&url);
    let n = offline(c.reference());
    assert_eq!((n.cause, n.server.as_str(), n.retrying, n.attempt), (NetCause::Refused, url.as_str(), false, 2));
    let msg = CoreError::Offline(n).to_string();
    assert!(msg.contains(&format!("the server at {url} refused the connection")), "{msg}");
    assert!(msg.contains("gave up after 2 tries"), "{msg}");
    let told = told.lock().unwrap();
    assert_eq!(told.len(), 1, "the retry was told");
    assert!(told[0].retrying && told[0].to_string().contains("will try again in 1 s (try 2 of 2)"), "{}", told[0]);
}

#[test]
fn a_connection_closed_at_once_is_an_answer_lost() {
    let url = listen(drop);
    let (c, _) = client(&url);
    let n = offline(c.reference());
    assert_eq!(n.cause, NetCause::AnswerLost, "{n:?}");
    let msg = n.to_string();
    assert!(
        msg.contains(&format!("the connection to the server at {url} was lost before its answer arrived")),
        "{msg}"
    );
}

#[test]
fn an_answer_broken_off_in_its_body_is_an_answer_lost() {
    let url = listen(|mut s| {
        read_head(&mut s);
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"areas\":[",
        );
    });
    let (c, _) = client(&url);
    let n = offline(c.reference());
    assert_eq!(n.cause, NetCause::AnswerLost, "{n:?}");
    assert!(n.to_string().contains("was lost before its answer arrived in full"), "{n}");
}

#[test]
fn a_server_that_never_answers_is_given_up_within_a_minute() {
    let held = Arc::new(Mutex::new(Vec::new()));
    let h = held.clone();
    let url = listen(move |s| h.lock().unwrap().push(s));
    // The sync a worker runs, with the engine's own retry policy.
    let dir = tempfile::tempdir().unwrap();
    let mut engine = common::engine(&dir, "h.db");
    let told = Arc::new(Mutex::new(Vec::new()));
    let t = told.clone();
    let c = SyncClient::new(&url, Some("token".into())).unwrap().on_retry(move |e| t.lock().unwrap().push(e.clone()));
    let started = Instant::now();
    let n = offline(gridwork_core::sync::sync(&mut engine, &c, &mut |_| {}));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert_eq!((n.cause, n.after_s), (NetCause::NoAnswer, Some(25)), "{n:?}");
    let msg = n.to_string();
    assert!(msg.contains(&format!("the server at {url} took the connection but gave no answer within 25 s")), "{msg}");
    assert!(msg.contains("nothing is lost"), "{msg}");
    assert!(!told.lock().unwrap().is_empty(), "the wait was told while it went on");
}

#[test]
fn a_name_that_cannot_be_looked_up_says_so() {
    let url = "https://gridwork-server.invalid:8787";
    let (c, _) = client(url);
    let n = offline(c.reference());
    assert_eq!(n.cause, NetCause::NameLookup, "{n:?}");
    assert!(n.to_string().contains(&format!("the server name in {url} could not be found")), "{n}");
}

/// A TLS listener with a self-signed certificate for 127.0.0.1 (tests/fixtures, made with
/// openssl). The client refuses it as `tls` (unknown issuer), at once: trying again cannot help.
#[test]
fn a_certificate_this_device_does_not_trust_is_named() {
    let cert = rustls::pki_types::CertificateDer::from(include_bytes!("fixtures/self-signed-cert.der").to_vec());
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(include_bytes!("fixtures/self-signed-key.der").to_vec()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let config = Arc::new(config);
    let url = listen(move |mut s| {
        let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut s).is_err() {
                break;
            }
        }
    })
    .replace("http://", "https://");
    let (c, told) = client(&url);
    match c.reference() {
        Err(e @ CoreError::Tls { reason: gridwork_core::TlsReason::UnknownIssuer, .. }) => {
            assert_eq!(e.tag(), "tls");
            let text = e.to_string();
            assert!(text.contains(&format!("the secure connection to the server at {url} failed")), "{text}");
            assert!(text.contains("not signed by an authority this device trusts"), "{text}");
            assert_eq!(e.to_json()["error"]["reason"], "unknown_issuer");
        }
        other => panic!("expected tls, got {other:?}"),
    }
    assert!(told.lock().unwrap().is_empty(), "not tried again");
}

#[test]
fn upgrade_required_is_its_own_error_never_retried_and_headers_go_both_ways() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let url = listen(move |mut s| {
        s2.lock().unwrap().push(read_head(&mut s));
        let body = r#"{"code":"upgrade_required","message":"protocol 1 is no longer supported"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 426 Upgrade Required\r\ncontent-type: application/json\r\ngridwork-time: 1700000000123\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let (c, told) = client(&url);
    assert_eq!(c.server_time(), None);
    let err = c.reference().unwrap_err();
    assert_eq!(err.tag(), "upgrade_required", "{err}");
    assert!(err.to_string().contains("update the app"), "{err}");
    assert!(told.lock().unwrap().is_empty());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "not retried");
    let head = seen[0].to_ascii_lowercase();
    assert!(head.contains("gridwork-protocol: 1\r\n"), "{head}");
    assert!(head.contains(&format!("gridwork-app: {}\r\n", env!("CARGO_PKG_VERSION"))), "{head}");
    let t = c.server_time().expect("the server's time was kept");
    assert_eq!(t.server_ms, 1_700_000_000_123);
    assert!(t.local_ms > 1_700_000_000_000 && t.rtt_ms < 10_000, "{t:?}");
}
