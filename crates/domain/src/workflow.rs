//! The dispute case workflow (placeholder until the fold lands).

use thiserror::Error;

/// Why an event cannot happen to a case in its current state.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct WorkflowError(pub String);
