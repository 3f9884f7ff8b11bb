//! Pure sync decisions: what an answer to a pushed record means for the outbox, and how long to
//! wait before trying again.

use gridwork_domain::RecordState;
use gridwork_domain::wire::PushStatus;
use std::time::Duration;

/// What to do with one outbox entry after the server answered for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AckAction {
    /// The server has this version (or a newer one, which a pull brings): clear the entry.
    Clear,
    /// The server merged it with a concurrent version: store the merged state, then clear.
    MergeThenClear(Box<RecordState>),
    /// The server refused it: keep the entry, marked rejected with the reason, for a person.
    Reject(String),
}

pub fn decide_ack(status: &PushStatus) -> AckAction {
    match status {
        PushStatus::Accepted | PushStatus::AlreadyKnown => AckAction::Clear,
        PushStatus::Merged { state, .. } => AckAction::MergeThenClear(Box::new(state.clone())),
        PushStatus::Rejected { code, message } => AckAction::Reject(format!("{code}: {message}")),
    }
}

/// Whether a failed request is worth repeating: transport failures and server overload are,
/// refusals of the request itself are not.
pub fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s == 408 || s == 429 || s >= 500,
    }
}

/// Exponential backoff: `base`, 2×, 4× … capped at `max`.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    base.saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX)).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_table() {
        assert_eq!(decide_ack(&PushStatus::Accepted), AckAction::Clear);
        assert_eq!(decide_ack(&PushStatus::AlreadyKnown), AckAction::Clear);
        let r = decide_ack(&PushStatus::Rejected { code: "out_of_scope".into(), message: "not yours".into() });
        assert_eq!(r, AckAction::Reject("out_of_scope: not yours".into()));
    }

    #[test]
    fn retry_table() {
        for (status, want) in [
            (None, true),
            (Some(500), true),
            (Some(503), true),
            (Some(429), true),
            (Some(400), false),
            (Some(401), false),
            (Some(413), false),
        ] {
            assert_eq!(retryable(status), want, "{status:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let (b, m) = (Duration::from_millis(100), Duration::from_secs(1));
        let got: Vec<u128> = (0..6).map(|a| backoff(a, b, m).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff(99, b, m), m);
    }
}
