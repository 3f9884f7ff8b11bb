//! HTTPS served by the server itself: the certificate chain and private key read from PEM files
//! (`--tls-cert`, `--tls-key`) into a rustls configuration, with an error that names the file and
//! what is wrong with it (missing, no certificate or key in it, a key that is not the
//! certificate's). HTTP/1.1 only, as the listener speaks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use thiserror::Error;

/// Why the certificate or key could not be used.
#[derive(Debug, Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate(PathBuf),
    #[error("{path} holds a broken PEM certificate: {detail}")]
    BadCertificate { path: PathBuf, detail: String },
    #[error("{0} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey(PathBuf),
    #[error("the private key in {key} is not the key of the certificate in {cert}")]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    #[error("the certificate {cert} and key {key} cannot be used: {source}")]
    Unusable { cert: PathBuf, key: PathBuf, source: rustls::Error },
}

/// The crypto the server and its tests use (aws-lc-rs, as the handset's client).
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })
}

/// The certificate chain in `path`, the server's own certificate first.
fn load_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(path)?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadCertificate { path: path.to_owned(), detail: e.to_string() })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(path.to_owned()));
    }
    Ok(chain)
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(&read(path)?).map_err(|_| TlsError::NoKey(path.to_owned()))
}

/// The server's TLS configuration from a PEM certificate chain and its PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let chain = load_chain(cert)?;
    let key_der = load_key(key)?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|source| TlsError::Unusable { cert: cert.to_owned(), key: key.to_owned(), source })?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|source| match source {
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                TlsError::KeyMismatch { cert: cert.to_owned(), key: key.to_owned() }
            }
            source => TlsError::Unusable { cert: cert.to_owned(), key: key.to_owned(), source },
        })?;
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_signed(dir: &Path, name: &str) -> (PathBuf, PathBuf, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
        let (c, k) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
        std::fs::write(&c, cert.pem()).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
        (c, k, key)
    }

    #[test]
    fn a_matching_pair_loads_and_each_fault_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key, _) = self_signed(dir.path(), "a");
        let (_, other_key, _) = self_signed(dir.path(), "b");
        assert!(server_config(&cert, &key).is_ok());
        let missing = dir.path().join("missing.pem");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not pem at all").unwrap();
        let cases: [(&Path, &Path, &str); 5] = [
            (&missing, &key, "cannot read"),
            (&cert, &missing, "cannot read"),
            (&garbage, &key, "holds no PEM certificate"),
            (&cert, &garbage, "holds no PEM private key"),
            (&cert, &other_key, "is not the key of the certificate"),
        ];
        for (c, k, words) in cases {
            let e = server_config(c, k).unwrap_err().to_string();
            assert!(e.contains(words), "{c:?} {k:?}: {e}");
        }
        // A key file given as the certificate: no certificate in it.
        let e = server_config(&key, &key).unwrap_err();
        assert!(matches!(e, TlsError::NoCertificate(_)), "{e}");
    }
}
