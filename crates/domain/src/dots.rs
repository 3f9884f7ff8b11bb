//! Telling a write a device made once from a different write under the same number. A device's
//! writes to a record are numbered 1, 2, 3 … (its dots); a store restored from an older copy, or
//! cloned onto a second phone, numbers its next writes again from where the copy stood, so the
//! server can receive dot (device, 5) twice with different content. Judged naively the second
//! looks old and is dropped in silence; these checks find it wherever the server still shows the
//! first one, so the server can refuse it with its own code and the handset can mend itself.

use std::collections::BTreeMap;

use crate::clock::Hlc;
use crate::ids::DeviceId;
use crate::record::RecordState;
use crate::version::Causality;

/// A pushed version reuses one of the pusher's write numbers for different content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "write {n} of this device to record {record} differs from the write {n} the server holds: this phone's store was restored from an older copy or copied to another phone"
)]
pub struct DotReused {
    pub record: String,
    pub n: u64,
}

/// Checks that every write of `pusher` that `pushed` carries and the server already counts
/// (`server` holds it) is the same write: same clock reading, and writing the fields the
/// server's version shows it wrote. Writes the server does not count yet are new, and writes it
/// shows no trace of any more (overwritten since by others) cannot be told apart and pass.
pub fn check_dots(pusher: DeviceId, server: &RecordState, pushed: &RecordState) -> Result<(), DotReused> {
    let held = server.vv.get(pusher);
    let reused = |n| DotReused { record: pushed.id.to_string(), n };
    if held == 0 || pushed.vv.get(pusher) == 0 {
        return Ok(());
    }
    // An equal version must be the same version.
    if server.vv.compare(&pushed.vv) == Causality::Equal && server != pushed {
        return Err(reused(pushed.vv.get(pusher)));
    }
    // The clock reading of each of the pusher's writes the server's version still shows.
    let mut seen: BTreeMap<u64, Hlc> = BTreeMap::new();
    for s in std::iter::once(&server.origin).chain(server.stamps.values()) {
        if s.device == pusher {
            seen.insert(s.n, s.hlc);
        }
    }
    if pushed.origin.device == pusher
        && pushed.origin.n <= held
        && seen.get(&pushed.origin.n).is_some_and(|h| *h != pushed.origin.hlc)
    {
        return Err(reused(pushed.origin.n));
    }
    for field in pushed.fields.keys() {
        let p = pushed.stamp_of(field);
        if p.device != pusher || p.n > held {
            continue;
        }
        if seen.get(&p.n).is_some_and(|h| *h != p.hlc) {
            return Err(reused(p.n));
        }
        // The server counts this write but shows an older write of the pusher on this field, so
        // the write it counts did not touch it.
        let s = server.stamp_of(field);
        if s.device == pusher && s.n < p.n {
            return Err(reused(p.n));
        }
        if s.device == pusher && s.n == p.n && server.fields.get(field) != pushed.fields.get(field) {
            return Err(reused(p.n));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::HlcClock;
    use crate::household::Household;
    use crate::ids::RecordId;
    use crate::record::Writer;

    fn writer(device: DeviceId, clock: &mut HlcClock, now_ms: u64) -> Writer<'_> {
        Writer { device, clock, now_ms }
    }

    fn base() -> (DeviceId, HlcClock, RecordState, Household) {
        let me = DeviceId::new();
        let mut clock = HlcClock::default();
        let h = Household::new(crate::ids::AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "1号");
        let s = RecordState::create(RecordId::new(), &h, &mut writer(me, &mut clock, 1_000)).unwrap();
        (me, clock, s, h)
    }

    #[test]
    fn table_of_pushed_versions_against_the_server() {
        let (me, mut clock, v1, h) = base();
        let other = DeviceId::new();
        // The server took write 2 (a new head name); a restored copy of v1 writes its own 2 (a new phone).
        let mut h_name = h.clone();
        h_name.head_name = "王秀英".into();
        let v2 = v1.edit(&h_name, &mut writer(me, &mut clock, 2_000)).unwrap().unwrap();
        let mut copy_clock = HlcClock::resume(v1.origin.hlc);
        let mut h_phone = h.clone();
        h_phone.phone = Some("13900001111".into());
        let copy2 = v1.edit(&h_phone, &mut writer(me, &mut copy_clock, 3_000)).unwrap().unwrap();
        // Another device sets the notes after the server's write 2.
        let mut h_notes = h_name.clone();
        h_notes.notes = "低保户".into();
        let v3 = v2.edit(&h_notes, &mut writer(other, &mut clock, 4_000)).unwrap().unwrap();
        let mut forged_hlc = v2.clone();
        forged_hlc.stamps.values_mut().for_each(|s| s.hlc = Hlc::new(9_999, 0));
        let cases: Vec<(&str, &RecordState, &RecordState, bool)> = vec![
            ("the same version again", &v2, &v2, true),
            ("an older version of mine", &v2, &v1, true),
            ("a newer version of mine", &v1, &v2, true),
            ("my write 2 again with other content", &v2, &copy2, false),
            ("my write 2 with another clock reading", &v2, &forged_hlc, false),
            ("my write 2 again after another device wrote", &v3, &copy2, false),
            ("the other device's version back", &v3, &v3, true),
        ];
        for (what, server, pushed, ok) in cases {
            assert_eq!(check_dots(me, server, pushed).is_ok(), ok, "{what}");
        }
    }

    #[test]
    fn a_write_the_server_shows_no_trace_of_passes() {
        let (me, mut clock, v1, h) = base();
        let other = DeviceId::new();
        let mut h2 = h.clone();
        h2.head_name = "王秀英".into();
        let mine = v1.edit(&h2, &mut writer(me, &mut clock, 2_000)).unwrap().unwrap();
        let mut h3 = h2.clone();
        h3.head_name = "李明".into();
        let theirs = mine.edit(&h3, &mut writer(other, &mut clock, 3_000)).unwrap().unwrap();
        // Field head_name now shows the other device's stamp: my write 2 is older and passes.
        assert!(check_dots(me, &theirs, &mine).is_ok());
    }
}
