//! HTTPS end to end with the real server binary over loopback and certificates made here (rcgen):
//! a handset enrolls trusting a private CA file and pins the server's key; syncs work; the server
//! restarted with a new key (same CA) is refused `pin_mismatch` and nothing is sent; restarted
//! with a renewed certificate on the first key it is accepted again; a handset without the CA
//! gets `tls` (unknown issuer); an enrollment link's pin pins even the first contact; a plain
//! `http://` address off this machine is refused before any connection unless `--insecure`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gridwork_core::sync::tls::spki_pin;
use gridwork_core::sync::{RetryPolicy, SyncClient, TlsOptions, enroll_with, sync};
use gridwork_core::{CoreError, Engine, Profile, StoreKey, TlsReason};
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, Household};
use gridwork_tests::ServerProc;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PublicKeyData};

/// A private CA, and the server's certificate and key written where the server reads them.
struct Pki {
    ca: Issuer<'static, KeyPair>,
    cert: PathBuf,
    key: PathBuf,
    ca_file: PathBuf,
}

impl Pki {
    fn new(dir: &Path) -> Self {
        let ca_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, "Gridwork test CA");
        let ca_cert = params.self_signed(&ca_key).unwrap();
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).unwrap();
        Self { ca: Issuer::new(params, ca_key), cert: dir.join("server.crt"), key: dir.join("server.key"), ca_file }
    }

    /// Issues a certificate for 127.0.0.1 and localhost on `key` (a fresh serial each time) and
    /// writes it with the key for the server's next start; returns the key's pin.
    fn issue(&self, key: &KeyPair) -> String {
        let mut params = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
        params.serial_number = Some(rcgen::SerialNumber::from(rand::random::<u64>()));
        let cert = params.signed_by(key, &self.ca).unwrap();
        std::fs::write(&self.cert, cert.pem()).unwrap();
        std::fs::write(&self.key, key.serialize_pem()).unwrap();
        spki_pin(&key.subject_public_key_info())
    }

    fn args(&self) -> [String; 4] {
        let path = |p: &Path| p.display().to_string();
        ["--tls-cert".into(), path(&self.cert), "--tls-key".into(), path(&self.key)]
    }
}

fn add_household(e: &mut Engine, head: &str) {
    let scope = e.profile().unwrap().scope.clone();
    e.create_household(&Household::new(scope.child(1), head, "吉格斯太镇乌兰嘎查二社", "1号")).unwrap();
}

fn quick(mut c: SyncClient) -> SyncClient {
    c.retry = RetryPolicy { attempts: 3, base: Duration::from_millis(20), max: Duration::from_millis(100) };
    c
}

#[test]
fn the_servers_key_is_pinned_at_enrollment_and_held_to() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let first_key = KeyPair::generate().unwrap();
    let first_pin = pki.issue(&first_key);
    let args = pki.args();
    let mut server =
        ServerProc::start_demo_with(&dir.path().join("sync.db"), &args.iter().map(String::as_str).collect::<Vec<_>>());
    let url = server.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    // Enrolled over HTTPS trusting the CA file: the key is learned and kept.
    let with_ca = TlsOptions { ca_file: Some(pki.ca_file.clone()), ..TlsOptions::default() };
    let mut engine = Engine::open(&dir.path().join("h.db"), &StoreKey::from_bytes([4; 32])).unwrap();
    let profile = enroll_with(&mut engine, &url, &server.code("DEMO-W-0001"), "h", &with_ca).unwrap();
    assert_eq!(profile.server_pin.as_deref(), Some(first_pin.as_str()));
    drop(engine);
    let mut engine = Engine::open_existing(&dir.path().join("h.db"), &StoreKey::from_bytes([4; 32])).unwrap();
    let kept = engine.profile().unwrap().clone();
    assert_eq!((kept.server_pin.as_deref(), kept.ca_file.as_deref()), (Some(first_pin.as_str()), Some(&*pki.ca_file)));
    assert!(!kept.insecure);

    // Syncing works.
    let client = quick(SyncClient::for_profile(&kept).unwrap());
    add_household(&mut engine, "张三");
    assert_eq!(sync(&mut engine, &client, &mut |_| {}).unwrap().pushed, 1);

    // A new key, even signed by the same CA: refused at once, nothing sent.
    let second_pin = pki.issue(&KeyPair::generate().unwrap());
    server.restart();
    add_household(&mut engine, "李四");
    let client = quick(SyncClient::for_profile(&kept).unwrap());
    let started = std::time::Instant::now();
    match sync(&mut engine, &client, &mut |_| {}) {
        Err(CoreError::PinMismatch { expected, seen, .. }) => {
            assert_eq!((expected.as_str(), seen.as_str()), (first_pin.as_str(), second_pin.as_str()));
        }
        other => panic!("expected pin_mismatch, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "not tried again: {:?}", started.elapsed());
    let err = sync(&mut engine, &client, &mut |_| {}).unwrap_err();
    assert_eq!(err.tag(), "pin_mismatch");
    let text = err.to_string();
    assert!(text.contains(&first_pin) && text.contains(&second_pin) && text.contains("nothing was sent"), "{text}");
    assert_eq!(engine.pending_count().unwrap(), 1);

    // A renewed certificate on the first key: accepted; the change waiting goes now.
    assert_eq!(pki.issue(&first_key), first_pin);
    server.restart();
    let client = quick(SyncClient::for_profile(&kept).unwrap());
    assert_eq!(sync(&mut engine, &client, &mut |_| {}).unwrap().pushed, 1);
    assert_eq!(engine.pending_count().unwrap(), 0);

    // Without the CA file the server's certificate is refused, by name and without retries.
    let stranger = quick(SyncClient::new(&url, kept.token.clone()).unwrap());
    match stranger.reference() {
        Err(CoreError::Tls { reason: TlsReason::UnknownIssuer, server, .. }) => assert_eq!(server, url),
        other => panic!("expected tls unknown_issuer, got {other:?}"),
    }

    // The enrollment link's pin pins the first contact: a wrong one refuses the enrollment.
    let pinned = |pin: &str| TlsOptions { pin: Some(pin.to_owned()), ..with_ca.clone() };
    let mut second = Engine::open(&dir.path().join("h2.db"), &StoreKey::from_bytes([4; 32])).unwrap();
    let code = server.code("DEMO-W-0002");
    let wrong = enroll_with(&mut second, &url, &code, "h2", &pinned(&second_pin)).unwrap_err();
    assert_eq!(wrong.tag(), "pin_mismatch", "{wrong}");
    assert!(second.profile().is_err(), "not enrolled");
    let p = enroll_with(&mut second, &url, &code, "h2", &pinned(&first_pin)).unwrap();
    assert_eq!(p.server_pin.as_deref(), Some(first_pin.as_str()));
}

#[test]
fn plain_http_is_refused_off_this_machine_before_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    // Never contacted: the address is refused before a connection is tried.
    let far = "http://10.0.0.1:8787";
    let mut engine = Engine::open(&dir.path().join("h.db"), &StoreKey::from_bytes([4; 32])).unwrap();
    let started = std::time::Instant::now();
    let err = enroll_with(&mut engine, far, "ABCD-EFGH-JK23", "h", &TlsOptions::default()).unwrap_err();
    assert_eq!(err.tag(), "insecure_server", "{err}");
    assert!(err.to_string().contains("--insecure"), "{err}");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(SyncClient::new(far, None).unwrap_err().tag(), "insecure_server");
    // With --insecure, kept in the profile, the address is allowed (no request is sent here).
    let insecure = TlsOptions { insecure: true, ..TlsOptions::default() };
    let client = SyncClient::with_tls(far, None, &insecure).unwrap();
    assert_eq!((client.server(), client.seen_pin()), (far, None));
    let scope = AreaCode::parse("150621001001001").unwrap();
    let mut profile = Profile::offline("王芳", "13800138000", Role::GridWorker, scope, 1).unwrap();
    profile.server_url = Some(far.into());
    assert_eq!(SyncClient::for_profile(&profile).unwrap_err().tag(), "insecure_server");
    profile.insecure = true;
    assert!(SyncClient::for_profile(&profile).is_ok());

    // This machine over plain HTTP is fine: enroll and sync against a plain server on loopback.
    let server = ServerProc::start_demo(&dir.path().join("sync.db"));
    let url = server.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let p = enroll_with(&mut engine, &url, &server.code("DEMO-W-0001"), "h", &TlsOptions::default()).unwrap();
    assert_eq!((p.server_pin, p.insecure), (None, false));
    let client = quick(SyncClient::for_profile(engine.profile().unwrap()).unwrap());
    sync(&mut engine, &client, &mut |_| {}).unwrap();
}
