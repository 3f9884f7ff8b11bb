//! Request extractors whose rejections are `ApiError` JSON: a JSON body (malformed JSON, a wrong
//! shape, an oversized or undecodable body each get their own code) and a query string.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use http_body_util::LengthLimitError;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::AppError;
use crate::request_limits::{BodyTimeout, caused_by};

/// A JSON request body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Reads JSON: a syntax error is `malformed_json`, valid JSON of the wrong shape is `validation`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        Category::Data => AppError::Validation(format!("the body does not have the expected shape: {e}")),
        Category::Io | Category::Syntax | Category::Eof => {
            AppError::MalformedJson(format!("the body is not valid JSON: {e}"))
        }
    })
}

fn body_rejection(r: BytesRejection) -> AppError {
    // A body-limit error or a body timeout may sit anywhere in the chain (a decompressing body wraps it).
    if caused_by::<LengthLimitError>(&r) || r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge("the request body is larger than the server accepts".into())
    } else if caused_by::<BodyTimeout>(&r) {
        AppError::RequestTimeout("the request body did not arrive in time".into())
    } else {
        AppError::BadEncoding(format!("the request body could not be read: {}", r.body_text()))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(body_rejection)?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A query string.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::try_from_uri(&parts.uri)
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| AppError::Validation(format!("bad query string: {}", e.body_text())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        n: u32,
    }

    #[test]
    fn json_errors_are_classified() {
        let cases: [(&str, &str); 4] = [
            ("{", "malformed_json"),
            ("not json", "malformed_json"),
            (r#"{"n": "x"}"#, "validation"),
            (r#"{"m": 1}"#, "validation"),
        ];
        for (body, code) in cases {
            assert_eq!(parse_json::<Thing>(body.as_bytes()).unwrap_err().code(), code, "{body}");
        }
        assert!(parse_json::<Thing>(br#"{"n": 1}"#).is_ok());
    }
}
