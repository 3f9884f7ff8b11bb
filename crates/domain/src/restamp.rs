//! New versions of a handset's own unsent writes, made by the handset itself: when its clock ran
//! ahead (`restamp_ahead`, once the server's time has corrected it) and when it takes a new
//! identity after its store was restored or cloned (`rebase`). Both are ordinary local edits —
//! a new dot of the writing device — so they replicate and merge like any other; nothing the
//! worker typed is dropped.

use crate::clock::{MAX_FUTURE_MS, Stamp};
use crate::record::{RecordState, Writer};
use crate::version::VersionVector;

/// How far ahead of the corrected time a handset's own stamp may run before it is stamped again:
/// past this, an edit made a little later elsewhere would lose to it in a field merge.
pub const CLOCK_SLACK_MS: u64 = 5 * 60 * 1000;

/// The next version of `state` with every stamp of `w.device` that runs more than
/// [`CLOCK_SLACK_MS`] ahead of `w.now_ms` (the corrected time) written again at the writer's
/// clock; `None` when no stamp runs ahead, or when only a creation stamp that the server may
/// already hold does (a record is created once; the server took it within its one-day bound).
///
/// A creation stamp more than a day ahead was refused by the server every time it was pushed
/// (the server refuses versions stamped a day past its clock), so the record is not on the
/// server and is created again, under the same id, at the corrected time.
pub fn restamp_ahead(state: &RecordState, w: &mut Writer<'_>) -> Option<RecordState> {
    let me = w.device;
    let limit = w.now_ms.saturating_add(CLOCK_SLACK_MS);
    let ahead = |s: &Stamp| s.device == me && s.hlc.ms > limit;
    let unsent = state.origin.device == me && state.origin.hlc.ms > w.now_ms.saturating_add(MAX_FUTURE_MS);
    let fields: Vec<String> = state.fields.keys().filter(|f| ahead(state.stamp_of(f))).cloned().collect();
    if !unsent && (fields.is_empty() || state.kind.append_only()) {
        return None;
    }
    let mut next = state.clone();
    let n = next.vv.increment(me);
    let stamp = Stamp { hlc: w.clock.tick(w.now_ms), device: me, n };
    if unsent {
        // Nobody else can hold a record the server never took: one fresh write of this device.
        next.vv = VersionVector::single(me, n);
        next.origin = stamp;
        next.stamps.clear();
    } else {
        for f in fields {
            next.stamps.insert(f, stamp);
        }
    }
    Some(next)
}

/// A pending local version `local`, written under an identity this handset gives up, as a new
/// write of `w.device` on top of the server's version `server`:
/// - the server does not hold the record: it is created again, with the same id and content,
///   as the new identity's write;
/// - an append-only record the server holds: `None` (the server's is the one; it was written once);
/// - otherwise every field whose local value is newer (by clock) than the server's and differs
///   from it is written again; `None` when there is none (the server already has everything).
///
/// Fields are judged by their clock readings because the old identity's write numbers cannot be
/// trusted: a restored copy numbers its writes again from where the copy stood.
pub fn rebase(local: &RecordState, server: Option<&RecordState>, w: &mut Writer<'_>) -> Option<RecordState> {
    let me = w.device;
    let Some(server) = server else {
        let origin = Stamp { hlc: w.clock.tick(w.now_ms), device: me, n: 1 };
        return Some(RecordState {
            id: local.id,
            kind: local.kind,
            vv: VersionVector::single(me, 1),
            origin,
            stamps: Default::default(),
            fields: local.fields.clone(),
        });
    };
    if local.kind.append_only() {
        return None;
    }
    let newer: Vec<&String> = local
        .fields
        .iter()
        .filter(|(f, v)| {
            server.fields.get(*f) != Some(*v)
                && (!server.fields.contains_key(*f) || local.stamp_of(f).hlc > server.stamp_of(f).hlc)
        })
        .map(|(f, _)| f)
        .collect();
    if newer.is_empty() {
        return None;
    }
    let mut next = server.clone();
    let n = next.vv.increment(me);
    let stamp = Stamp { hlc: w.clock.tick(w.now_ms), device: me, n };
    for f in newer {
        next.fields.insert(f.clone(), local.fields[f].clone());
        next.stamps.insert(f.clone(), stamp);
    }
    Some(next)
}

#[cfg(test)]
mod tests;
