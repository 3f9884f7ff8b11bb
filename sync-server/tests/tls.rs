//! HTTPS served by the server itself over real connections on 127.0.0.1, with a certificate made
//! here (rcgen): a client trusting the CA gets its answer; a client that connects and never
//! starts (or never finishes) its handshake is dropped after the handshake timeout instead of
//! holding its slot; at the connection cap such a client is the one that makes room; and the
//! binary refuses to start on a missing certificate, a file without one, or a key that is not the
//! certificate's, naming the file; without TLS it warns when bound off loopback.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestServer;
use gridwork_sync_server::Limits;
use gridwork_sync_server::tls::{provider, server_config};

/// A CA and a certificate for 127.0.0.1/localhost signed by it, written as PEM files in `dir`;
/// returns the CA's certificate (DER) for the client's trust.
fn pki(dir: &Path) -> rustls::pki_types::CertificateDer<'static> {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    std::fs::write(dir.join("server.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    ca_cert.der().clone()
}

/// A server serving HTTPS on 127.0.0.1 from its own thread until the test ends.
fn start(limits: Limits, dir: &Path) -> SocketAddr {
    let tls = server_config(&dir.join("server.crt"), &dir.join("server.key")).unwrap();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let server = TestServer::with_limits(limits).await;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let app = server.app.clone();
            gridwork_sync_server::listen::serve_with(listener, app, limits, Some(tls), std::future::pending())
                .await
                .unwrap();
        });
    });
    addr_rx.recv().unwrap()
}

/// `GET path` over TLS, trusting `ca`; the answer's status line.
fn get(addr: SocketAddr, ca: &rustls::pki_types::CertificateDer<'static>, path: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = rustls::ClientConnection::new(Arc::new(config), "127.0.0.1".try_into().unwrap()).unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    write!(tls, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    // A peer closing without close_notify is an error in rustls; what was read still counts.
    let _ = tls.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

/// How long until the server closes a connection on which nothing (or `first` only) is sent.
fn dropped_after(addr: SocketAddr, first: &[u8]) -> Duration {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(first).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {} // an alert
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return started.elapsed(),
            Err(e) => panic!("the server kept a silent connection open: {e}"),
        }
    }
}

#[test]
fn https_answers_and_a_handshake_that_never_completes_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ca = pki(dir.path());
    let limits = Limits { header_timeout: Duration::from_secs(1), ..Limits::default() };
    let addr = start(limits, dir.path());
    assert_eq!(get(addr, &ca, "/api/v1/health"), "HTTP/1.1 200 OK");
    // Nothing at all; then the first bytes of a ClientHello and no more.
    for first in [&b""[..], &[0x16, 0x03, 0x01, 0x02, 0x00][..]] {
        let after = dropped_after(addr, first);
        assert!(after >= Duration::from_millis(900) && after < Duration::from_secs(5), "{first:?}: {after:?}");
    }
    // Plain HTTP to the HTTPS port is not served.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"), "{answer:?}");
}

#[test]
fn at_the_cap_a_client_stuck_in_its_handshake_makes_room() {
    let dir = tempfile::tempdir().unwrap();
    let ca = pki(dir.path());
    let limits = Limits { max_connections: 1, header_timeout: Duration::from_secs(30), ..Limits::default() };
    let addr = start(limits, dir.path());
    let mut silent = TcpStream::connect(addr).unwrap();
    silent.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // Served normally (the token is missing: 401), not `503 overloaded`.
    assert_eq!(get(addr, &ca, "/api/v1/reference"), "HTTP/1.1 401 Unauthorized");
    let started = Instant::now();
    match silent.read(&mut [0u8; 16]) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the silent client was not closed: {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn the_binary_will_not_start_on_a_bad_certificate_or_key_and_says_which_file() {
    let dir = tempfile::tempdir().unwrap();
    pki(dir.path());
    let (cert, key) = (dir.path().join("server.crt"), dir.path().join("server.key"));
    let other = tempfile::tempdir().unwrap();
    pki(other.path());
    let other_key = other.path().join("server.key");
    let missing = dir.path().join("missing.pem");
    let cases = [
        (&missing, &key, format!("cannot read {}", missing.display())),
        (&key, &key, format!("{} holds no PEM certificate", key.display())),
        (&cert, &other_key, format!("the private key in {} is not the key of the certificate", other_key.display())),
    ];
    for (c, k, words) in cases {
        let db = format!("sqlite://{}/sync.db", dir.path().display());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gridwork-sync-server"))
            .args(["--listen", "127.0.0.1:0", "--database", &db, "--tls-cert"])
            .arg(c)
            .arg("--tls-key")
            .arg(k)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{words}: started");
        assert!(stderr.contains(&words), "{words}: {stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
}

/// Starts the binary on `listen` without TLS, waits for its address line, stops it; its stderr.
fn plain_start_log(listen: &str) -> (String, String) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/sync.db", dir.path().display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gridwork-sync-server"))
        .args(["--listen", listen, "--database", &db])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.wait().unwrap();
    (line, stderr)
}

#[test]
fn plain_http_off_loopback_is_served_with_a_warning() {
    let (line, log) = plain_start_log("0.0.0.0:0");
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line}");
    assert!(log.contains("serving plain HTTP on a non-loopback address") && log.contains("--tls-cert"), "{log}");
    let (line, log) = plain_start_log("127.0.0.1:0");
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    assert!(!log.contains("plain HTTP"), "{log}");
}
