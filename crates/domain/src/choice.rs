//! A person's choice in a conflict: the kept value of a field written again as a new local
//! version, stamped after both concurrent writes and causally after both (the version vector
//! already joins them), so every replica takes it over either of them — even when the kept value
//! is the one the merge already shows: the choice must still travel for the others to learn it.

use serde_json::Value;

use crate::error::{DomainError, ValidationError};
use crate::record::{RecordState, Writer};

/// The next version of `state` with `field` set to `value` under a new stamp of `w`'s device.
/// Refused for append-only kinds (written once) and for a field the record does not have.
pub fn choose_value(
    state: &RecordState,
    field: &str,
    value: Value,
    w: &mut Writer<'_>,
) -> Result<RecordState, DomainError> {
    if state.kind.append_only() {
        return Err(ValidationError::new("kind", format!("a {} cannot be changed once written", state.kind)).into());
    }
    if !state.fields.contains_key(field) {
        return Err(ValidationError::new("field", format!("a {} has no field '{field}'", state.kind)).into());
    }
    // The new stamp must order after every stamp the record holds (the clock has normally seen
    // them when the versions came in; a stamp too far ahead is not taken in).
    let _ = w.clock.observe(state.latest_stamp().hlc, w.now_ms);
    let mut next = state.clone();
    let n = next.vv.increment(w.device);
    let stamp = crate::clock::Stamp { hlc: w.clock.tick(w.now_ms), device: w.device, n };
    next.stamps.insert(field.to_owned(), stamp);
    next.fields.insert(field.to_owned(), value);
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::HlcClock;
    use crate::household::Household;
    use crate::ids::{AreaCode, DeviceId, RecordId};
    use crate::merge::merge;
    use crate::record::RecordKind;
    use crate::version::Causality;
    use uuid::Uuid;

    fn dev(n: u128) -> DeviceId {
        DeviceId(Uuid::from_u128(n))
    }

    struct Replica(DeviceId, HlcClock);
    impl Replica {
        fn w(&mut self, now_ms: u64) -> Writer<'_> {
            Writer { device: self.0, clock: &mut self.1, now_ms }
        }
    }

    /// Two replicas that changed the door number concurrently, and the merge both arrive at.
    fn conflict() -> (RecordState, RecordState, RecordState, Replica) {
        let (mut a, mut b) = (Replica(dev(1), HlcClock::default()), Replica(dev(2), HlcClock::default()));
        let h = Household::new(AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "5号");
        let base = RecordState::create(RecordId::new(), &h, &mut a.w(1_000)).unwrap();
        let va = base.edit(&Household { door_number: "8号".into(), ..h.clone() }, &mut a.w(2_000)).unwrap().unwrap();
        let vb = base.edit(&Household { door_number: "18号".into(), ..h }, &mut b.w(3_000)).unwrap().unwrap();
        let merged = merge(&va, &vb).unwrap();
        assert_eq!(merged.conflicts.len(), 1);
        (va, vb, merged.state, a)
    }

    #[test]
    fn the_choice_dominates_both_writes_whichever_value_it_keeps() {
        // (kept value, clock of the chooser behind the conflicting stamps?)
        for (kept, now) in [("8号", 5_000), ("18号", 5_000), ("8号", 10), ("18号", 10)] {
            let (va, vb, merged, mut chooser) = conflict();
            let chosen = choose_value(&merged, "door_number", Value::from(kept), &mut chooser.w(now)).unwrap();
            assert_eq!(chosen.fields["door_number"], kept);
            assert!(chosen.stamp_of("door_number") > merged.stamp_of("door_number"), "{kept} at {now}: a new stamp");
            for (name, side) in [("a", &va), ("b", &vb), ("merged", &merged)] {
                assert_eq!(side.vv.compare(&chosen.vv), Causality::Older, "{kept} at {now}: {name} is older");
                let m = merge(side, &chosen).unwrap();
                assert_eq!(m.state.fields["door_number"], kept, "{kept} at {now} against {name}");
                assert!(m.conflicts.is_empty(), "{kept} at {now} against {name}: {:?}", m.conflicts);
                assert_eq!(merge(&chosen, side).unwrap().state, m.state, "either order");
            }
            // The other fields keep their stamps: the choice is about one field.
            assert_eq!(chosen.stamp_of("head_name"), merged.stamp_of("head_name"));
        }
    }

    #[test]
    fn refuses_what_cannot_be_chosen() {
        let (_, _, merged, mut chooser) = conflict();
        let no_field = choose_value(&merged, "no_such", Value::from(1), &mut chooser.w(5_000));
        assert!(matches!(no_field, Err(DomainError::Invalid(_))), "{no_field:?}");
        let visit = RecordState { kind: RecordKind::Visit, ..merged };
        assert!(choose_value(&visit, "door_number", Value::from("1"), &mut chooser.w(5_000)).is_err());
    }
}
