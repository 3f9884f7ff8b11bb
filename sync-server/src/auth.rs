//! Device authentication: random bearer tokens issued at enrollment, stored only as SHA-256, and
//! the extractor that turns `Authorization: Bearer …` into the device behind it (looked up in the
//! store, then kept a few seconds in the token cache). A revoked device's token is answered
//! `revoked`, so the handset knows to wipe itself.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::time::Instant;

use crate::AppState;
use crate::error::AppError;
use crate::store::DeviceAuth;

/// A fresh bearer token: 32 random bytes as 64 hex digits.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the store keeps of a token: its SHA-256 as hex.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated device of a request.
#[derive(Clone, Debug)]
pub struct AuthDevice(pub DeviceAuth);

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for AuthDevice {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Already authenticated on the way in (the rate limiter does it for every request).
        if let Some(device) = parts.extensions.get::<AuthDevice>() {
            return Ok(device.clone());
        }
        let token = bearer(parts)
            .ok_or_else(|| AppError::Unauthorized("an 'Authorization: Bearer <token>' header is required".into()))?;
        let hash = hash_token(token);
        let now = Instant::now();
        if let Some(device) = state.tokens.get(&hash, now) {
            return Ok(AuthDevice(device));
        }
        match state.store.authenticate(&hash).await? {
            Some(device) => {
                state.tokens.put(hash, device.clone(), now);
                Ok(AuthDevice(device))
            }
            None if state.store.token_revoked(&hash).await? => {
                Err(AppError::Revoked("this device was withdrawn by the grid office; enroll it again".into()))
            }
            None => Err(AppError::Unauthorized("the token is not known; enroll the device again".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed_to_hex() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        let h = hash_token("abc");
        assert_eq!(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn bearer_header_forms() {
        let cases = [
            (Some("Bearer abc"), Some("abc")),
            (Some("bearer  abc "), Some("abc")),
            (Some("Basic abc"), None),
            (Some("Bearer "), None),
            (None, None),
        ];
        for (header, want) in cases {
            let mut req = axum::http::Request::builder();
            if let Some(h) = header {
                req = req.header(AUTHORIZATION, h);
            }
            let (parts, ()) = req.body(()).unwrap().into_parts();
            assert_eq!(bearer(&parts), want, "{header:?}");
        }
    }
}
