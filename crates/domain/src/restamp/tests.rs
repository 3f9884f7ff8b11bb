use super::*;
use crate::attribution::check_attribution;
use crate::clock::HlcClock;
use crate::household::Household;
use crate::ids::{AreaCode, DeviceId, RecordId};
use crate::version::Causality;
use crate::visit::Visit;

const DAY: u64 = 24 * 60 * 60 * 1000;
const NOW: u64 = 1_800_000_000_000;

fn household() -> Household {
    Household::new(AreaCode::parse("150621001001001001").unwrap(), "张伟", "锦园社区", "1号")
}

fn w(device: DeviceId, clock: &mut HlcClock, now_ms: u64) -> Writer<'_> {
    Writer { device, clock, now_ms }
}

/// A record created by `creator` at `created`, then its phone edited by `me` at `edited`.
fn edited(creator: DeviceId, me: DeviceId, created: u64, edited: u64) -> RecordState {
    let mut c = HlcClock::default();
    let v1 = RecordState::create(RecordId::new(), &household(), &mut w(creator, &mut c, created)).unwrap();
    let mut h = household();
    h.phone = Some("13900001111".into());
    let mut mine = HlcClock::default();
    v1.edit(&h, &mut w(me, &mut mine, edited)).unwrap().unwrap()
}

#[test]
fn table_of_restamps() {
    let (me, other) = (DeviceId::new(), DeviceId::new());
    // (what, state, expect a new version, expect the creation stamp rewritten)
    let mut c = HlcClock::default();
    let fresh_ahead = RecordState::create(RecordId::new(), &household(), &mut w(me, &mut c, NOW + 3 * DAY)).unwrap();
    let mut c = HlcClock::default();
    let fresh_hour = RecordState::create(RecordId::new(), &household(), &mut w(me, &mut c, NOW + 3_600_000)).unwrap();
    let hh = household();
    let visit = Visit::routine(RecordId::new(), hh.micro_grid.clone(), "张伟", chrono::Utc::now(), "走访");
    let mut c = HlcClock::default();
    let visit_ahead = RecordState::create(RecordId::new(), &visit, &mut w(me, &mut c, NOW + 3 * DAY)).unwrap();
    let mut c = HlcClock::default();
    let visit_hour = RecordState::create(RecordId::new(), &visit, &mut w(me, &mut c, NOW + 3_600_000)).unwrap();
    let cases: Vec<(&str, RecordState, bool, bool)> = vec![
        ("my edit three days ahead of another's record", edited(other, me, NOW, NOW + 3 * DAY), true, false),
        ("my edit a minute ahead", edited(other, me, NOW, NOW + 60_000), false, false),
        ("my edit a year behind", edited(other, me, NOW, NOW - 365 * DAY), false, false),
        ("another's edit ahead is not mine to restamp", edited(me, other, NOW, NOW + 3 * DAY), false, false),
        ("my record created three days ahead", fresh_ahead, true, true),
        ("my record created an hour ahead (the server may hold it)", fresh_hour, true, false),
        ("my visit three days ahead", visit_ahead, true, true),
        ("my visit an hour ahead (written once, the server may hold it)", visit_hour, false, false),
    ];
    for (what, state, changes, recreated) in cases {
        let mut clock = HlcClock::default();
        let next = restamp_ahead(&state, &mut w(me, &mut clock, NOW));
        assert_eq!(next.is_some(), changes, "{what}");
        let Some(next) = next else { continue };
        assert_eq!(next.fields, state.fields, "{what}: the content is kept");
        assert_eq!(next.origin != state.origin, recreated, "{what}");
        let ahead = |s: &Stamp| s.device == me && s.hlc.ms > NOW + CLOCK_SLACK_MS;
        assert!(!next.fields.keys().any(|f| ahead(next.stamp_of(f))), "{what}: no field of mine runs ahead");
        if recreated {
            assert_eq!(next.vv.iter().count(), 1, "{what}: one write of this device");
            assert!(next.stamps.is_empty());
        } else {
            assert_eq!(state.vv.compare(&next.vv), Causality::Older, "{what}: a new version of the same record");
        }
        crate::merge::merge(&state, &next).unwrap();
    }
}

#[test]
fn rebase_keeps_what_the_worker_typed_after_the_copy() {
    let (old, new, other) = (DeviceId::new(), DeviceId::new(), DeviceId::new());
    let mut c = HlcClock::default();
    let v1 = RecordState::create(RecordId::new(), &household(), &mut w(old, &mut c, NOW)).unwrap();
    // On the server: the original phone renamed the head (write 2), another device set notes.
    let mut h = household();
    h.head_name = "王秀英".into();
    let server2 = v1.edit(&h, &mut w(old, &mut c, NOW + 1_000)).unwrap().unwrap();
    h.notes = "低保户".into();
    let server = server2.edit(&h, &mut w(other, &mut c, NOW + 2_000)).unwrap().unwrap();
    // The restored copy (at v1) sets the phone later, reusing write number 2.
    let mut copy_clock = HlcClock::resume(v1.origin.hlc);
    let mut mine = household();
    mine.phone = Some("13900001111".into());
    let local = v1.edit(&mine, &mut w(old, &mut copy_clock, NOW + 5_000)).unwrap().unwrap();

    let mut clock = HlcClock::default();
    let next = rebase(&local, Some(&server), &mut w(new, &mut clock, NOW + 6_000)).unwrap();
    let got: Household = next.decode().unwrap();
    assert_eq!(got.phone.as_deref(), Some("13900001111"), "the worker's new phone number is kept");
    assert_eq!(got.head_name, "王秀英", "the server's later rename is not undone by the copy's old value");
    assert_eq!(got.notes, "低保户");
    assert_eq!(server.vv.compare(&next.vv), Causality::Older, "the new version includes the server's");
    check_attribution(new, Some(&server), &next).unwrap();
    crate::dots::check_dots(new, &server, &next).unwrap();

    // Nothing newer: the server's version stands as it is.
    let mut clock = HlcClock::default();
    assert!(rebase(&v1, Some(&server), &mut w(new, &mut clock, NOW + 6_000)).is_none());
}

#[test]
fn rebase_creates_again_what_the_server_lacks_and_keeps_held_visits() {
    let (old, new) = (DeviceId::new(), DeviceId::new());
    let hh = household();
    let visit = Visit::routine(RecordId::new(), hh.micro_grid.clone(), "张伟", chrono::Utc::now(), "走访");
    let mut c = HlcClock::default();
    let local = RecordState::create(RecordId::new(), &visit, &mut w(old, &mut c, NOW)).unwrap();
    let mut clock = HlcClock::default();
    let again = rebase(&local, None, &mut w(new, &mut clock, NOW + 1)).unwrap();
    assert_eq!((again.id, &again.fields), (local.id, &local.fields));
    check_attribution(new, None, &again).unwrap();
    assert!(rebase(&local, Some(&local), &mut w(new, &mut clock, NOW + 2)).is_none(), "a held visit stands");
}
