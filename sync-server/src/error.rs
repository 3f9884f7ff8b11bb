//! The server's error type: every failure becomes a JSON `ApiError {code, message}` with a stable
//! code, a human message and a fitting status, and never shows internals.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gridwork_domain::wire::ApiError;
use thiserror::Error;

use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0}")]
    MalformedJson(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    BadUuid(String),
    #[error("{0}")]
    BadEncoding(String),
    #[error("{0}")]
    Unauthorized(String),
    /// The device was revoked or its account disabled: the handset wipes itself.
    #[error("{0}")]
    Revoked(String),
    #[error("{0}")]
    OutOfScope(String),
    /// An office action the calling device's account may not take.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    BatchTooLarge(String),
    #[error("{0}")]
    UnsupportedEncoding(String),
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    HeaderTooLarge(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Overloaded(String),
    /// The handset speaks a protocol older than the server still answers: the app must be updated.
    #[error("{0}")]
    UpgradeRequired(String),
    /// Logged in full, answered as a bare `internal`.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_) | Self::Validation(_) | Self::BadUuid(_) | Self::BadEncoding(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized(_) | Self::Revoked(_) => StatusCode::UNAUTHORIZED,
            Self::OutOfScope(_) | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) | Self::BatchTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::HeaderTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::UpgradeRequired(_) => StatusCode::UPGRADE_REQUIRED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "malformed_json",
            Self::Validation(_) => "validation",
            Self::BadUuid(_) => "bad_uuid",
            Self::BadEncoding(_) => "bad_encoding",
            Self::Unauthorized(_) => "unauthorized",
            Self::Revoked(_) => "revoked",
            Self::OutOfScope(_) => "out_of_scope",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Conflict { code, .. } => code,
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::BatchTooLarge(_) => "batch_too_large",
            Self::UnsupportedEncoding(_) => "unsupported_encoding",
            Self::RequestTimeout(_) => "request_timeout",
            Self::HeaderTooLarge(_) => "header_too_large",
            Self::RateLimited(_) => "rate_limited",
            Self::Overloaded(_) => "overloaded",
            Self::UpgradeRequired(_) => "upgrade_required",
            Self::Internal(_) => "internal",
        }
    }

    /// The message a client sees.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "the server failed to handle the request; try again later".into(),
            other => other.to_string(),
        }
    }

    pub fn body(&self) -> ApiError {
        ApiError { code: self.code().to_owned(), message: self.public_message() }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        (self.status(), Json(self.body())).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(format!("{what} not found")),
            StoreError::Conflict { code, message } => AppError::Conflict { code, message },
            StoreError::Forbidden(message) => AppError::Forbidden(message),
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let e = AppError::from(StoreError::Backend("disk I/O error at /secret/path".into()));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = e.body();
        assert_eq!(body.code, "internal");
        assert!(!body.message.contains("/secret/path"), "{}", body.message);
    }

    #[test]
    fn codes_and_statuses_table() {
        let cases = [
            (AppError::MalformedJson("x".into()), 400, "malformed_json"),
            (AppError::Unauthorized("x".into()), 401, "unauthorized"),
            (AppError::Revoked("x".into()), 401, "revoked"),
            (AppError::OutOfScope("x".into()), 403, "out_of_scope"),
            (AppError::Forbidden("x".into()), 403, "forbidden"),
            (AppError::NotFound("x".into()), 404, "not_found"),
            (AppError::Conflict { code: "batch_id_reused", message: "x".into() }, 409, "batch_id_reused"),
            (AppError::BatchTooLarge("x".into()), 413, "batch_too_large"),
            (AppError::PayloadTooLarge("x".into()), 413, "payload_too_large"),
            (AppError::RequestTimeout("x".into()), 408, "request_timeout"),
            (AppError::HeaderTooLarge("x".into()), 431, "header_too_large"),
            (AppError::RateLimited("x".into()), 429, "rate_limited"),
            (AppError::Overloaded("x".into()), 503, "overloaded"),
            (AppError::UpgradeRequired("x".into()), 426, "upgrade_required"),
        ];
        for (e, status, code) in cases {
            assert_eq!((e.status().as_u16(), e.code()), (status, code));
        }
    }
}
