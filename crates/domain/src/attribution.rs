//! What a pushed version may claim about who wrote it. A device may add only its own writes (dots)
//! to a record: every other device's entry in the version vector, and every stamp naming another
//! device, must be one the server already holds for that record, with the value it holds. So no
//! handset can forge a write of another, push another device's counter ahead (which would make that
//! device's real next edit look old), or re-attribute a record to someone else. Counters and
//! vectors are bounded, so nothing wraps.

use thiserror::Error;

use crate::clock::Stamp;
use crate::ids::DeviceId;
use crate::record::RecordState;
use crate::version::Causality;

/// Most devices one record's version may name. A record is written by the few people of its area;
/// past this a vector only grows every copy of the record.
pub const MAX_WRITERS: usize = 64;

/// Largest counter a version may carry: far beyond any real number of edits, far below a wrap.
pub const MAX_COUNTER: u64 = 1 << 48;

/// Why a pushed version's claims are refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AttributionError {
    #[error("the version names {0} devices; at most {MAX_WRITERS} are allowed")]
    TooManyWriters(usize),
    #[error("write counter {n} of device {device} is out of range (1 to {MAX_COUNTER})")]
    CounterOutOfRange { device: DeviceId, n: u64 },
    #[error(
        "the version claims {n} writes of device {device}, more than the server holds: a device may add only its own writes"
    )]
    ForeignDot { device: DeviceId, n: u64 },
    #[error("field '{field}' carries a write of device {device} that the server does not hold as sent")]
    ForeignStamp { field: String, device: DeviceId },
    #[error("the record's creation stamp differs from the one the server holds, or names another device")]
    Origin,
    #[error("a {0} is written once and never changed: this version differs from the stored one")]
    AppendOnlyChanged(&'static str),
    #[error("a new {0} must carry exactly one write, its author's")]
    AppendOnlyShape(&'static str),
}

/// The bounds every version must keep, whatever the server holds: at most [`MAX_WRITERS`]
/// devices, counters from 1 to [`MAX_COUNTER`], in the vector and in every stamp.
pub fn check_bounds(state: &RecordState) -> Result<(), AttributionError> {
    let writers = state.vv.iter().count();
    if writers > MAX_WRITERS {
        return Err(AttributionError::TooManyWriters(writers));
    }
    let stamps = std::iter::once(&state.origin).chain(state.stamps.values());
    let counters = state.vv.iter().chain(stamps.map(|s| (s.device, s.n)));
    for (device, n) in counters {
        if !(1..=MAX_COUNTER).contains(&n) {
            return Err(AttributionError::CounterOutOfRange { device, n });
        }
    }
    Ok(())
}

/// Checks that `pushed`, sent by `pusher`, adds only the pusher's own writes to `server` (the
/// version the server holds, if any). Versions the server has already seen all of (equal or
/// older) change nothing and are not judged here.
pub fn check_attribution(
    pusher: DeviceId,
    server: Option<&RecordState>,
    pushed: &RecordState,
) -> Result<(), AttributionError> {
    if pushed.kind.append_only() {
        return check_append_only(pusher, server, pushed);
    }
    let held = |device| server.map_or(0, |s| s.vv.get(device));
    for (device, n) in pushed.vv.iter() {
        if device != pusher && n > held(device) {
            return Err(AttributionError::ForeignDot { device, n });
        }
    }
    match server {
        None if pushed.origin.device != pusher => return Err(AttributionError::Origin),
        Some(s) if s.origin != pushed.origin => return Err(AttributionError::Origin),
        _ => {}
    }
    // A version that includes every write the server holds replaces the server's whole, so each
    // field written by another device must be the server's current one; one concurrent with the
    // server's is merged, where an older foreign write of a field simply loses.
    let replaces = server.is_none_or(|s| s.vv.compare(&pushed.vv) == Causality::Older);
    for (field, value) in &pushed.fields {
        let stamp = pushed.stamp_of(field);
        if stamp.device == pusher {
            continue;
        }
        let foreign = || AttributionError::ForeignStamp { field: field.clone(), device: stamp.device };
        let Some(s) = server else { return Err(foreign()) };
        let Some(held_value) = s.fields.get(field) else { return Err(foreign()) };
        let held_stamp: &Stamp = s.stamp_of(field);
        let fits = if stamp == held_stamp { value == held_value } else { !replaces && stamp < held_stamp };
        if !fits {
            return Err(foreign());
        }
    }
    Ok(())
}

/// A visit or a dispute event is one write by its author, then never changed: a new one carries
/// exactly the pusher's single dot; a held one may only come again exactly as stored.
fn check_append_only(
    pusher: DeviceId,
    server: Option<&RecordState>,
    pushed: &RecordState,
) -> Result<(), AttributionError> {
    let kind = pushed.kind.as_str();
    match server {
        Some(s) if s != pushed => Err(AttributionError::AppendOnlyChanged(kind)),
        Some(_) => Ok(()),
        None => {
            let single = pushed.vv.iter().eq([(pusher, pushed.origin.n)]);
            if single && pushed.origin.device == pusher && pushed.stamps.is_empty() {
                Ok(())
            } else {
                Err(AttributionError::AppendOnlyShape(kind))
            }
        }
    }
}

#[cfg(test)]
mod tests;
