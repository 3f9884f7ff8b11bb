//! The last word on error answers: any error response that is not already JSON (axum's 404/405,
//! tower-http's 413 and 415) is rewritten as an `ApiError` with a stable code.

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use crate::error::AppError;

fn is_json(res: &Response) -> bool {
    res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

/// The error a bare status stands for.
pub fn error_for(status: StatusCode) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into()),
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed("this endpoint does not take that method".into()),
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge("the request body is larger than the server accepts".into())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::UnsupportedEncoding("the request's Content-Encoding is not supported; use gzip or zstd".into())
        }
        StatusCode::REQUEST_TIMEOUT => AppError::RequestTimeout("the request was not sent in time".into()),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            AppError::HeaderTooLarge("the request's headers are larger than the server accepts".into())
        }
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited("too many requests; try again later".into()),
        StatusCode::UPGRADE_REQUIRED => {
            AppError::UpgradeRequired("this app is too old for the server; update it".into())
        }
        StatusCode::SERVICE_UNAVAILABLE => AppError::Overloaded("the server is busy; try again later".into()),
        s if s.is_server_error() => AppError::Internal(format!("bare {s} response")),
        s => AppError::Validation(format!("the request was refused ({s})")),
    }
}

/// Rewrites a non-JSON error response as an `ApiError` body, keeping its status and headers.
pub async fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&res) {
        return res;
    }
    let error = error_for(status);
    let body = serde_json::to_vec(&error.body()).unwrap_or_default();
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body))
}
