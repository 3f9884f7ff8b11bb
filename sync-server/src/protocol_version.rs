//! Versions on the wire: each request says the protocol and app version it speaks
//! (`Gridwork-Protocol`, `Gridwork-App`); a protocol older than the server still answers is refused
//! `426 upgrade_required`; every answer, errors included, carries the server's clock
//! (`Gridwork-Time`) and protocol. What each device last spoke is kept by `last_contact`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gridwork_domain::clock::wall_ms;
use gridwork_domain::extra_fields::ExtraFields;
use gridwork_domain::wire::{APP_HEADER, MIN_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION, TIME_HEADER};

use crate::error::AppError;

/// Longest app version kept; the rest is cut off.
pub const MAX_APP_CHARS: usize = 64;

/// The server's version settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRules {
    /// The oldest protocol answered; older handsets are told `426 upgrade_required`.
    pub min_protocol: u32,
    /// Fields the server was told the kinds gained before its code knows them.
    pub fields: Arc<ExtraFields>,
}

impl Default for VersionRules {
    fn default() -> Self {
        Self { min_protocol: MIN_PROTOCOL, fields: Arc::new(ExtraFields::none()) }
    }
}

/// What a request says of the app that sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientVersion {
    pub protocol: u32,
    /// `None` when the request did not say (handsets before the header).
    pub app: Option<String>,
}

/// Reads the version headers: an absent protocol is 1 (the handsets from before the header); one
/// that is not a whole number is refused.
pub fn read_version(headers: &HeaderMap) -> Result<ClientVersion, AppError> {
    let protocol = match headers.get(PROTOCOL_HEADER) {
        None => 1,
        Some(v) => v.to_str().ok().and_then(|s| s.trim().parse::<u32>().ok()).ok_or_else(|| {
            AppError::Validation(format!(
                "the {PROTOCOL_HEADER} header must be a whole number, like {PROTOCOL_VERSION}"
            ))
        })?,
    };
    let app = headers.get(APP_HEADER).and_then(|v| sanitize_app(v.as_bytes()));
    Ok(ClientVersion { protocol, app })
}

/// An app version as the office may see it: printable letters, digits and `. - _ + ( ) /` and
/// spaces, at most [`MAX_APP_CHARS`], trimmed; `None` when nothing is left.
pub fn sanitize_app(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let kept: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '(' | ')' | '/' | ' '))
        .take(MAX_APP_CHARS)
        .collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Whether a protocol is answered. Older than the minimum: refused, the app must be updated.
/// Newer than this server speaks: answered — a protocol only ever adds, so the server answers in
/// its own (named in every answer's `Gridwork-Protocol`) and the newer app holds back what this
/// server would not understand; refusing would strand a worker's records for an office's delay.
pub fn judge(protocol: u32, min_protocol: u32) -> Result<(), AppError> {
    if protocol < min_protocol {
        return Err(AppError::UpgradeRequired(format!(
            "this app speaks protocol {protocol}; the server answers protocol {min_protocol} or later: update the app"
        )));
    }
    Ok(())
}

/// Paths answered whatever the version: monitoring and the API's description.
fn exempt(path: &str) -> bool {
    matches!(path, "/api/v1/health" | "/api/v1/openapi.json")
}

/// Middleware: reads the version headers, refuses a protocol below the minimum, and hands the
/// version on to the handlers (and to `last_contact::note_contact`).
pub async fn check_version(State(min_protocol): State<u32>, mut req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let version = match read_version(req.headers()) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = judge(version.protocol, min_protocol) {
        tracing::info!(protocol = version.protocol, app = ?version.app, "protocol too old");
        return e.into_response();
    }
    req.extensions_mut().insert(version);
    next.run(req).await
}

/// Response mapper: every answer carries the server's wall clock and the protocol it speaks.
pub async fn stamp(mut res: Response) -> Response {
    let headers = res.headers_mut();
    headers.insert(TIME_HEADER, HeaderValue::from(wall_ms()));
    headers.insert(PROTOCOL_HEADER, HeaderValue::from(PROTOCOL_VERSION));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn versions_read_from_headers() {
        let v = |p: &[(&'static str, &[u8])]| read_version(&headers(p)).map_err(|e| e.code());
        let some = |p: u32, a: &str| Ok(ClientVersion { protocol: p, app: Some(a.into()) });
        assert_eq!(v(&[]), Ok(ClientVersion { protocol: 1, app: None }));
        assert_eq!(v(&[("gridwork-protocol", b"2"), ("gridwork-app", b"0.4.1")]), some(2, "0.4.1"));
        assert_eq!(
            v(&[("gridwork-protocol", b" 1 "), ("gridwork-app", b"  ")]),
            Ok(ClientVersion { protocol: 1, app: None })
        );
        for bad in [&b"x"[..], b"-1", b"1.5", b"99999999999"] {
            assert_eq!(v(&[("gridwork-protocol", bad)]), Err("validation"), "{bad:?}");
        }
    }

    #[test]
    fn app_versions_are_cut_and_cleaned() {
        let cases: [(&[u8], Option<&str>); 5] = [
            (b"0.4.1 (android 9)", Some("0.4.1 (android 9)")),
            (b"0.4.1;DROP TABLE<script>", Some("0.4.1DROP TABLEscript")),
            (b"\"';{}", None),
            ("网格通 1.2".as_bytes(), Some("网格通 1.2")),
            (&[0xff, b'1'], Some("1")),
        ];
        for (raw, want) in cases {
            assert_eq!(sanitize_app(raw).as_deref(), want, "{raw:?}");
        }
        assert_eq!(sanitize_app("9".repeat(500).as_bytes()).unwrap().len(), MAX_APP_CHARS);
    }

    #[test]
    fn protocols_judged_against_the_minimum() {
        let cases = [(1, 1, None), (2, 1, None), (1, 2, Some("upgrade_required")), (0, 1, Some("upgrade_required"))];
        for (protocol, min, want) in cases {
            assert_eq!(judge(protocol, min).err().map(|e| e.code()), want, "{protocol} vs {min}");
        }
        assert_eq!(judge(1, 2).unwrap_err().status().as_u16(), 426);
    }
}
