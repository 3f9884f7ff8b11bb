//! Merging two versions of one record: the later stamp wins field by field (device id breaks
//! ties), version vectors join, and fields that two devices changed concurrently to different
//! values come back as conflicts for a person to review.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

use crate::clock::Stamp;
use crate::error::DomainError;
use crate::ids::RecordId;
use crate::record::{RecordKind, RecordState};
use crate::version::Causality;

/// Two concurrent writes of one field with different values: the merge kept `winner`, and a person
/// may want to look at `loser`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldConflict {
    pub record_id: RecordId,
    pub kind: RecordKind,
    pub field: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub winner: Value,
    pub winner_stamp: Stamp,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub loser: Value,
    pub loser_stamp: Stamp,
}

/// What a merge produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeOutcome {
    pub state: RecordState,
    /// How the left side related to the right one before the merge.
    pub causality: Causality,
    pub conflicts: Vec<FieldConflict>,
}

/// Merges `a` and `b`, two versions of the same record. The result is a join: commutative,
/// associative and idempotent, so replicas that have seen the same versions hold the same record
/// whatever order the versions arrived in.
pub fn merge(a: &RecordState, b: &RecordState) -> Result<MergeOutcome, DomainError> {
    if a.id != b.id || a.kind != b.kind {
        return Err(DomainError::Mismatch(a.id.to_string()));
    }
    let causality = a.vv.compare(&b.vv);
    let mut state = a.clone();
    state.vv.join(&b.vv);
    state.origin = a.origin.min(b.origin);
    state.stamps.clear();
    let mut conflicts = Vec::new();
    let names: BTreeSet<&String> = a.fields.keys().chain(b.fields.keys()).collect();
    for name in names {
        let (va, sa) = side(a, name);
        let (vb, sb) = side(b, name);
        let a_wins = match sa.cmp(sb) {
            std::cmp::Ordering::Equal => value_rank(va) >= value_rank(vb),
            o => o.is_gt(),
        };
        let (winner, ws, loser, ls) = if a_wins { (va, sa, vb, sb) } else { (vb, sb, va, sa) };
        // A true conflict: neither write had seen the other, and they disagree.
        if va != vb && !b.vv.covers(sa) && !a.vv.covers(sb) {
            conflicts.push(FieldConflict {
                record_id: a.id,
                kind: a.kind,
                field: name.clone(),
                winner: winner.clone(),
                winner_stamp: *ws,
                loser: loser.clone(),
                loser_stamp: *ls,
            });
        }
        state.fields.insert(name.clone(), winner.clone());
        if *ws != state.origin {
            state.stamps.insert(name.clone(), *ws);
        }
    }
    Ok(MergeOutcome { state, causality, conflicts })
}

const NULL: Value = Value::Null;

fn side<'a>(s: &'a RecordState, name: &str) -> (&'a Value, &'a Stamp) {
    (s.fields.get(name).unwrap_or(&NULL), s.stamp_of(name))
}

/// Breaks the tie of two different values under one stamp (only possible for corrupt input)
/// the same way on every replica.
fn value_rank(v: &Value) -> String {
    v.to_string()
}

#[cfg(test)]
mod tests;
