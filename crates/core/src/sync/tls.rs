//! The handset's side of TLS. A server is trusted when its certificate chains to a root of the
//! webpki set (Mozilla's) or of the private CA file the device was enrolled with, for the name in
//! the address; and, once the device knows the server's key (its SPKI pin, `sha256/<base64>`,
//! learned at enrollment or carried by the enrollment link), only when the certificate holds that
//! key — a renewed certificate on the same key passes, a new key is `pin_mismatch` before anything
//! is sent. A plain `http://` address is refused unless it is this machine (loopback) or the
//! device was enrolled with `--insecure`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use gridwork_domain::ValidationError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};

/// The prefix of a pin: the hash of the certificate's SubjectPublicKeyInfo (as HPKP and curl's
/// `--pinnedpubkey` write it).
pub const PIN_PREFIX: &str = "sha256/";

/// How a device reaches its server over TLS (kept in its profile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// A private CA's certificates (PEM), trusted besides the webpki roots.
    pub ca_file: Option<PathBuf>,
    /// The server's key as learned at enrollment: `sha256/<base64>`.
    pub pin: Option<String>,
    /// Allows a plain `http://` server that is not on this machine (test networks only).
    pub insecure: bool,
}

impl TlsOptions {
    /// The options a device enrolled with.
    pub fn for_profile(p: &crate::profile::Profile) -> Self {
        Self { ca_file: p.ca_file.clone(), pin: p.server_pin.clone(), insecure: p.insecure }
    }
}

/// The pin of a SubjectPublicKeyInfo (DER, with its outer SEQUENCE).
pub fn spki_pin(spki_der: &[u8]) -> String {
    format!("{PIN_PREFIX}{}", B64.encode(Sha256::digest(spki_der)))
}

/// The pin of a certificate's key.
pub fn certificate_pin(cert: &CertificateDer<'_>) -> std::result::Result<String, rustls::Error> {
    Ok(spki_pin(&rustls::server::ParsedCertificate::try_from(cert)?.subject_public_key_info()))
}

/// A pin as typed or scanned: `sha256/` and the base64 of 32 bytes; a `validation` error on
/// `server_pin` otherwise.
pub fn check_pin(pin: &str) -> Result<String> {
    let pin = pin.trim();
    let ok = pin.strip_prefix(PIN_PREFIX).and_then(|b| B64.decode(b).ok()).is_some_and(|h| h.len() == 32);
    if ok {
        return Ok(pin.to_owned());
    }
    Err(CoreError::Validation(vec![ValidationError::coded(
        "server_pin",
        "bad_server_pin",
        format!("'{pin}' is not a server key pin (sha256/ and 44 characters of base64)"),
    )]))
}

/// Whether `url` may be used: `https://` always; `http://` to this machine (127.0.0.0/8, ::1,
/// `localhost`), or anywhere when `insecure`. Refused before any connection is made.
pub fn check_address(url: &str, insecure: bool) -> Result<()> {
    let bad = || {
        CoreError::Validation(vec![ValidationError::coded(
            "server_url",
            "bad_server",
            format!("'{url}' is not a server address (https://host[:port])"),
        )])
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| bad())?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if insecure || parsed.host_str().is_some_and(is_loopback) => Ok(()),
        "http" => Err(CoreError::InsecureServer(url.trim().to_owned())),
        _ => Err(bad()),
    }
}

/// `localhost`, or an address of 127.0.0.0/8 or `[::1]`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The pin of the server's key as the last handshake showed it, shared by a client's clones.
#[derive(Clone, Debug, Default)]
pub(crate) struct SeenPin(Arc<Mutex<Option<String>>>);

impl SeenPin {
    pub(crate) fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, pin: String) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(pin);
    }
}

/// The refusal of a server whose key is not the pinned one (carried through rustls's
/// `Error::Other` to the client's error mapping).
#[derive(Debug, thiserror::Error)]
#[error("the server's key is {seen}, not the pinned {expected}")]
pub(crate) struct PinMismatch {
    pub expected: String,
    pub seen: String,
}

/// The rustls configuration of a client: the webpki roots, the CA file's, and the pin.
pub(crate) fn client_config(opts: &TlsOptions, seen: &SeenPin) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(path) = &opts.ca_file {
        for cert in ca_certificates(path)? {
            roots.add(cert).map_err(|e| bad_ca_file(path, &e.to_string()))?;
        }
    }
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| CoreError::Corrupt(format!("the certificate verifier: {e}")))?;
    let pin = opts.pin.as_deref().map(check_pin).transpose()?;
    let verifier = Arc::new(PinningVerifier { inner, pin, seen: seen.clone() });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CoreError::Corrupt(format!("the TLS configuration: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // Every connection shows its certificate, so every one is checked against the pin.
    config.resumption = rustls::client::Resumption::disabled();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn bad_ca_file(path: &Path, why: &str) -> CoreError {
    CoreError::Validation(vec![ValidationError::coded(
        "ca_file",
        "bad_ca_file",
        format!("the CA file {} cannot be used: {why}", path.display()),
    )])
}

/// The certificates of a PEM file; at least one.
fn ca_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).map_err(|e| bad_ca_file(path, &e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad_ca_file(path, &e.to_string()))?;
    if certs.is_empty() {
        return Err(bad_ca_file(path, "it holds no PEM certificate"));
    }
    Ok(certs)
}

/// The webpki verification, then the key: it is recorded (what enrollment keeps), and when a pin
/// is set, a certificate with another key is refused.
#[derive(Debug)]
struct PinningVerifier {
    inner: Arc<WebPkiServerVerifier>,
    pin: Option<String>,
    seen: SeenPin,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        let seen = certificate_pin(end_entity)?;
        self.seen.set(seen.clone());
        match &self.pin {
            Some(expected) if *expected != seen => {
                Err(rustls::Error::Other(rustls::OtherError(Arc::new(PinMismatch {
                    expected: expected.clone(),
                    seen,
                }))))
            }
            _ => Ok(verified),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_off_this_machine() {
        let cases = [
            ("https://grid.example.cn", false, Ok(())),
            ("https://10.0.0.1:8787", false, Ok(())),
            ("http://127.0.0.1:8787", false, Ok(())),
            ("http://127.8.9.10", false, Ok(())),
            ("http://localhost:8787/", false, Ok(())),
            ("http://LOCALHOST", false, Ok(())),
            ("http://[::1]:8787", false, Ok(())),
            ("http://10.0.0.1:8787", false, Err("insecure_server")),
            ("http://grid.example.cn", false, Err("insecure_server")),
            ("http://localhost.example.cn", false, Err("insecure_server")),
            ("http://[::2]:8787", false, Err("insecure_server")),
            ("http://10.0.0.1:8787", true, Ok(())),
            ("ftp://127.0.0.1", true, Err("validation")),
            ("127.0.0.1:8787", false, Err("validation")),
        ];
        for (url, insecure, want) in cases {
            let got = check_address(url, insecure).map_err(|e| e.tag());
            assert_eq!(got, want, "{url} insecure={insecure}");
        }
    }

    #[test]
    fn pins_are_sha256_of_the_key() {
        let pin = spki_pin(b"key");
        assert!(pin.starts_with("sha256/") && pin.len() == 7 + 44, "{pin}");
        assert_eq!(check_pin(&format!(" {pin} ")).unwrap(), pin);
        for bad in ["", "sha256/", "sha1/AAAA", "sha256/not base64!", &pin[..pin.len() - 4]] {
            assert_eq!(check_pin(bad).map_err(|e| e.tag()), Err("validation"), "{bad}");
        }
    }
}
