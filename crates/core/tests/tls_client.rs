//! The client's certificate checks against TLS listeners on 127.0.0.1 with certificates made here
//! (rcgen): trusted through a private CA file it answers, and the key it saw is told; an expired
//! certificate, one for another name, an unknown issuer and a plain-HTTP port are `tls` with the
//! reason, tried once; a pinned key that differs is `pin_mismatch` before any request goes out; a
//! bad CA file or pin is a validation error.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use gridwork_core::sync::tls::spki_pin;
use gridwork_core::sync::{RetryPolicy, SyncClient, TlsOptions};
use gridwork_core::{CoreError, TlsReason};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PublicKeyData};

/// What a listener saw: connections, and requests read after a finished handshake.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

/// A TLS listener serving `cert` (PEM) with `key`, answering each request with an empty
/// reference list; returns its `https://127.0.0.1:PORT` address.
fn serve(cert_pem: &str, key: &KeyPair) -> (String, Arc<Seen>) {
    let chain = vec![rustls::pki_types::CertificateDer::from(pem_der(cert_pem))];
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            s.connections.fetch_add(1, Ordering::SeqCst);
            let (config, s) = (config.clone(), s.clone());
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                if matches!(tls.read(&mut buf), Ok(n) if n > 0) {
                    s.requests.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"areas":[],"departments":[]}"#;
                    let _ = write!(
                        tls,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    (url, seen)
}

fn pem_der(pem: &str) -> Vec<u8> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap().to_vec()
}

struct Ca {
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    /// A CA, its certificate written to `file`.
    fn new(file: &Path) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        std::fs::write(file, params.self_signed(&key).unwrap().pem()).unwrap();
        Self { issuer: Issuer::new(params, key) }
    }

    /// A certificate for `names` on `key`, valid until `until` (a year, as `YYYY`).
    fn issue(&self, names: &[&str], key: &KeyPair, until: i32) -> String {
        let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(until, 1, 1);
        params.signed_by(key, &self.issuer).unwrap().pem()
    }
}

fn client(url: &str, opts: &TlsOptions) -> SyncClient {
    let mut c = SyncClient::with_tls(url, Some("token".into()), opts).unwrap();
    c.retry = RetryPolicy { attempts: 3, base: Duration::from_millis(10), max: Duration::from_millis(50) };
    c
}

const LOCAL: [&str; 2] = ["127.0.0.1", "localhost"];

#[test]
fn a_certificate_of_the_private_ca_is_trusted_and_its_key_told() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    let ca = Ca::new(&ca_file);
    let key = KeyPair::generate().unwrap();
    let (url, seen) = serve(&ca.issue(&LOCAL, &key, 2100), &key);
    let opts = TlsOptions { ca_file: Some(ca_file), ..TlsOptions::default() };
    let c = client(&url, &opts);
    assert_eq!(c.seen_pin(), None);
    c.reference().unwrap();
    assert_eq!(c.seen_pin(), Some(spki_pin(&key.subject_public_key_info())));
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
    // Pinned to that key: answered again.
    let pinned = TlsOptions { pin: c.seen_pin(), ..opts };
    client(&url, &pinned).reference().unwrap();
}

#[test]
fn each_refused_certificate_says_why_and_is_tried_once() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    let ca = Ca::new(&ca_file);
    let key = KeyPair::generate().unwrap();
    let with_ca = TlsOptions { ca_file: Some(ca_file), ..TlsOptions::default() };
    let cases = [
        (ca.issue(&LOCAL, &key, 2021), &with_ca, TlsReason::Expired),
        (ca.issue(&["grid.example.cn"], &key, 2100), &with_ca, TlsReason::NameMismatch),
        (ca.issue(&LOCAL, &key, 2100), &TlsOptions::default(), TlsReason::UnknownIssuer),
    ];
    for (cert, opts, want) in cases {
        let (url, seen) = serve(&cert, &key);
        match client(&url, opts).reference() {
            Err(CoreError::Tls { reason, server, detail }) => {
                assert_eq!((reason, server.as_str()), (want, url.as_str()), "{detail}");
            }
            other => panic!("{want:?}: expected tls, got {other:?}"),
        }
        assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "{want:?}: not tried again");
        assert_eq!(seen.requests.load(Ordering::SeqCst), 0);
    }
}

#[test]
fn an_https_address_on_a_plain_http_port_is_a_failed_handshake_tried_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let n = connections.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            n.fetch_add(1, Ordering::SeqCst);
            let _ = stream.read(&mut [0u8; 1024]);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    match client(&url, &TlsOptions::default()).reference() {
        Err(e @ CoreError::Tls { reason: TlsReason::Handshake, .. }) => {
            assert!(e.to_string().contains("is the port serving plain HTTP?"), "{e}");
        }
        other => panic!("expected tls handshake, got {other:?}"),
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1, "not tried again");
}

#[test]
fn another_key_than_the_pinned_one_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    let ca = Ca::new(&ca_file);
    let (old, new) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    let (url, seen) = serve(&ca.issue(&LOCAL, &new, 2100), &new);
    let expected = spki_pin(&old.subject_public_key_info());
    let opts = TlsOptions { ca_file: Some(ca_file), pin: Some(expected.clone()), insecure: false };
    let err = client(&url, &opts).push_texts(uuid::Uuid::now_v7(), &["{}".into()], None).unwrap_err();
    match &err {
        CoreError::PinMismatch { server, expected: e, seen: s } => {
            assert_eq!((server.as_str(), e.as_str()), (url.as_str(), expected.as_str()));
            assert_eq!(*s, spki_pin(&new.subject_public_key_info()));
        }
        other => panic!("expected pin_mismatch, got {other:?}"),
    }
    assert_eq!(err.to_json()["error"]["expected"], expected.as_str());
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "not tried again");
    assert_eq!(seen.requests.load(Ordering::SeqCst), 0, "nothing was sent");
}

#[test]
fn a_bad_ca_file_or_pin_is_a_validation_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "no certificate here").unwrap();
    let url = "https://127.0.0.1:9";
    for (opts, field) in [
        (TlsOptions { ca_file: Some(dir.path().join("missing.pem")), ..TlsOptions::default() }, "ca_file"),
        (TlsOptions { ca_file: Some(garbage), ..TlsOptions::default() }, "ca_file"),
        (TlsOptions { pin: Some("sha1/abc".into()), ..TlsOptions::default() }, "server_pin"),
    ] {
        match SyncClient::with_tls(url, None, &opts) {
            Err(CoreError::Validation(v)) => assert_eq!(v[0].field, field, "{v:?}"),
            other => panic!("expected a validation error on {field}, got {other:?}"),
        }
    }
}
