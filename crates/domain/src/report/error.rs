//! What a report request can get wrong, each with a stable code the UI words in its own language.

use thiserror::Error;

use crate::error::ValidationError;

/// A refused report request.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ReportError {
    #[error("'{0}' is not a month: write it as 2026-11")]
    BadMonth(String),
    #[error("'{0}' is not a quarter: write it as 2026Q4")]
    BadQuarter(String),
    #[error("{field}: '{value}' is not a date: write it as 2026-11-03")]
    BadDate { field: &'static str, value: String },
    #[error("the period ends ({to}) before it starts ({from})")]
    Reversed { from: String, to: String },
    #[error("the period is {days} days long; at most {max} are allowed")]
    TooLong { days: i64, max: i64 },
    #[error("a page holds 1 to {max} items, not {limit}")]
    BadLimit { limit: u32, max: u32 },
    #[error("'{0}' is not a step (verify, dispatch, handle, check or rate)")]
    BadStep(String),
}

impl ReportError {
    /// Every code [`ReportError::code`] gives (the UI's catalog words each one).
    pub const CODES: &[&str] =
        &["bad_month", "bad_quarter", "bad_date", "period_reversed", "period_too_long", "bad_limit", "bad_step"];

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadMonth(_) => "bad_month",
            Self::BadQuarter(_) => "bad_quarter",
            Self::BadDate { .. } => "bad_date",
            Self::Reversed { .. } => "period_reversed",
            Self::TooLong { .. } => "period_too_long",
            Self::BadLimit { .. } => "bad_limit",
            Self::BadStep(_) => "bad_step",
        }
    }

    /// The field of the request that is wrong.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BadMonth(_) => "month",
            Self::BadQuarter(_) => "quarter",
            Self::BadDate { field, .. } => field,
            Self::Reversed { .. } | Self::TooLong { .. } => "period",
            Self::BadLimit { .. } => "limit",
            Self::BadStep(_) => "figure.step",
        }
    }
}

impl From<ReportError> for ValidationError {
    fn from(e: ReportError) -> Self {
        ValidationError::coded(e.field(), e.code(), e.to_string())
    }
}

impl From<ReportError> for crate::error::DomainError {
    fn from(e: ReportError) -> Self {
        crate::error::DomainError::Invalid(vec![e.into()])
    }
}
