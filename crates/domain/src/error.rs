//! Errors of the domain: a validation error names the field and says what is wrong in plain words.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("{field}: {message}")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ValidationError {
    /// The field's name as the UI and the wire know it (`phone`, `location.lat`, …).
    pub field: String,
    /// A stable code the UI turns into its own language: `required`, `too_long`, `range`, `phone`, …
    pub code: String,
    /// What is wrong, in plain English.
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::coded(field, "invalid", message)
    }

    pub fn coded(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.to_owned(), message: message.into() }
    }
}

/// Everything the domain can refuse.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("invalid input: {}", list(.0))]
    Invalid(Vec<ValidationError>),
    #[error("clock stamp {stamp_ms} ms is too far ahead of local time {now_ms} ms")]
    ClockTooFarAhead { stamp_ms: u64, now_ms: u64 },
    #[error("cannot merge record {0}: the two versions are of different records or kinds")]
    Mismatch(String),
    #[error("field '{field}' of a {kind} record cannot be read: {message}")]
    Decode { kind: String, field: String, message: String },
    #[error("{0}")]
    Workflow(#[from] crate::workflow::WorkflowError),
}

impl From<ValidationError> for DomainError {
    fn from(e: ValidationError) -> Self {
        DomainError::Invalid(vec![e])
    }
}

fn list(errors: &[ValidationError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
