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
    /// Refused for a reason this handset mends itself: keep the entry pending, and mend.
    Mend(Mend),
    /// The server refused it: keep the entry, marked rejected with the code and message, for a person.
    Reject { code: String, message: String },
}

/// What a handset mends by itself, never parking the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mend {
    /// Stamped too far ahead (`clock_skew`): measure the server's time again, stamp again.
    Clock,
    /// A write number reused (`dot_reused`): the store is a restored or cloned copy; take a new
    /// identity and write the change again under it.
    Identity,
}

pub fn decide_ack(status: &PushStatus) -> AckAction {
    match status {
        PushStatus::Accepted | PushStatus::AlreadyKnown => AckAction::Clear,
        PushStatus::Merged { state, .. } => AckAction::MergeThenClear(Box::new(state.clone())),
        PushStatus::Rejected { code, .. } if code == "clock_skew" => AckAction::Mend(Mend::Clock),
        PushStatus::Rejected { code, .. } if code == "dot_reused" => AckAction::Mend(Mend::Identity),
        PushStatus::Rejected { code, message } => AckAction::Reject { code: code.clone(), message: message.clone() },
    }
}

/// The server's clock minus the phone's, from an answer carrying `server_ms` that was asked for
/// at phone time `sent` and came back at `received` (the server read its clock about halfway).
pub fn clock_offset(server_ms: u64, sent: u64, received: u64) -> i64 {
    let midway = sent / 2 + received / 2 + (sent % 2 + received % 2) / 2;
    i64::try_from(i128::from(server_ms) - i128::from(midway)).unwrap_or(0)
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

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may stay silent — before its answer starts, or between two parts of
/// it — before the try is given up as `no_answer`. Below 30 s, so a stalled server is noticed
/// within half a minute.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(25);
/// No new try starts once a request has been failing this long: two stalled tries (2 × 25 s)
/// fit, so `gridwork sync` against a server that never answers ends within a minute.
pub const RETRY_BUDGET: Duration = Duration::from_secs(30);
/// The slowest upload a request body is allowed (bytes per second, about a poor 2G link), on top
/// of `STALL_TIMEOUT`, so a big push on a slow link is not taken for a stalled server.
pub const SLOWEST_UPLOAD: u64 = 8 * 1024;

/// How long sending a request with a body of `body_bytes` may take until the answer starts.
pub fn send_timeout(body_bytes: usize) -> Duration {
    STALL_TIMEOUT + Duration::from_secs(body_bytes as u64 / SLOWEST_UPLOAD)
}

/// The wait before the next try of a request whose try number `attempt` (0-based) failed after
/// `elapsed` since its first try, or `None` when it is not tried again: the failure is not worth
/// retrying, the tries are used up, or the retry budget is spent.
pub fn next_try(
    status: Option<u16>,
    attempt: u32,
    elapsed: Duration,
    attempts: u32,
    base: Duration,
    max: Duration,
) -> Option<Duration> {
    if !retryable(status) || attempt + 1 >= attempts {
        return None;
    }
    let wait = backoff(attempt, base, max);
    (elapsed + wait < RETRY_BUDGET).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_table() {
        assert_eq!(decide_ack(&PushStatus::Accepted), AckAction::Clear);
        assert_eq!(decide_ack(&PushStatus::AlreadyKnown), AckAction::Clear);
        let r = decide_ack(&PushStatus::Rejected { code: "out_of_scope".into(), message: "not yours".into() });
        assert_eq!(r, AckAction::Reject { code: "out_of_scope".into(), message: "not yours".into() });
    }

    #[test]
    fn mended_refusals_are_never_parked() {
        let r = |code: &str| PushStatus::Rejected { code: code.into(), message: "m".into() };
        assert_eq!(decide_ack(&r("clock_skew")), AckAction::Mend(Mend::Clock));
        assert_eq!(decide_ack(&r("dot_reused")), AckAction::Mend(Mend::Identity));
        assert_eq!(decide_ack(&r("forbidden")), AckAction::Reject { code: "forbidden".into(), message: "m".into() });
    }

    #[test]
    fn offsets_table() {
        const DAY: i64 = 86_400_000;
        assert_eq!(clock_offset(1_000, 1_000, 1_000), 0);
        assert_eq!(clock_offset(1_050, 1_000, 1_100), 0, "the server read its clock halfway");
        let phone = 1_800_000_000_000u64;
        assert_eq!(clock_offset(phone - 3 * DAY as u64, phone, phone), -3 * DAY, "a phone three days fast");
        assert_eq!(clock_offset(phone + 365 * DAY as u64, phone, phone), 365 * DAY, "a phone a year slow");
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
    fn next_try_table() {
        let (b, m) = (Duration::from_millis(250), Duration::from_secs(4));
        let s = Duration::from_secs;
        for (status, attempt, elapsed, want) in [
            (None, 0, s(0), Some(250)),          // refused at once: try again soon
            (None, 2, s(1), Some(1000)),         // third try failed quickly
            (None, 3, s(1), None),               // four tries used up
            (None, 0, STALL_TIMEOUT, Some(250)), // one stalled try: one more fits the budget
            (None, 1, STALL_TIMEOUT * 2, None),  // two stalled tries: give up within a minute
            (None, 2, s(29), None),              // the wait would cross the budget
            (Some(503), 0, s(0), Some(250)),
            (Some(400), 0, s(0), None), // a refusal of the request itself
            (Some(426), 0, s(0), None), // upgrade required
        ] {
            let got = next_try(status, attempt, elapsed, 4, b, m).map(|d| d.as_millis() as u64);
            assert_eq!(got, want, "{status:?} try {attempt} after {elapsed:?}");
        }
        // The worst case, a server that takes connections and never answers: each try waits
        // STALL_TIMEOUT, and the tries end before a minute is over.
        let (mut spent, mut attempt) = (Duration::ZERO, 0);
        loop {
            spent += STALL_TIMEOUT;
            match next_try(None, attempt, spent, 4, b, m) {
                Some(w) => spent += w,
                None => break,
            }
            attempt += 1;
        }
        assert!(spent < s(60), "{spent:?}");
        assert!(STALL_TIMEOUT <= s(30) && CONNECT_TIMEOUT <= s(10));
    }

    #[test]
    fn send_timeout_grows_with_the_body() {
        assert_eq!(send_timeout(0), STALL_TIMEOUT);
        assert_eq!(send_timeout(1024 * 1024), STALL_TIMEOUT + Duration::from_secs(128));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let (b, m) = (Duration::from_millis(100), Duration::from_secs(1));
        let got: Vec<u128> = (0..6).map(|a| backoff(a, b, m).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff(99, b, m), m);
    }
}
