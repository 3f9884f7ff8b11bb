//! Tables for the fleet's flags, app version order and the new account's checks.

use std::cmp::Ordering;

use super::*;

const DAY: i64 = DAY_MS;
const NOW: i64 = 1_800_000_000_000;

fn contact(last: Option<i64>, waiting: Option<u32>, app: Option<&str>) -> Contact<'_> {
    Contact { last_contact_ms: last, waiting, app_version: app, revoked: false, disabled: false }
}

#[test]
fn flags_table() {
    use FleetFlag::*;
    let cases: Vec<(Contact<'_>, Vec<FleetFlag>)> = vec![
        (contact(Some(NOW - 3_600_000), Some(0), Some("0.5.0")), vec![]),
        (contact(Some(NOW - 3 * DAY), Some(0), Some("0.5.0")), vec![]),
        (contact(Some(NOW - 3 * DAY - 1), Some(0), Some("0.5.0")), vec![Silent]),
        (contact(None, None, None), vec![NeverSynced]),
        (contact(Some(NOW), Some(100), Some("0.5.0")), vec![]),
        (contact(Some(NOW), Some(101), Some("0.5.0")), vec![Backlog]),
        (contact(Some(NOW), Some(0), Some("0.4.9")), vec![OldApp]),
        (contact(Some(NOW), Some(0), None), vec![]),
        (
            Contact { revoked: true, disabled: true, ..contact(Some(NOW - 9 * DAY), Some(500), Some("0.1")) },
            vec![Revoked, Disabled, Silent, Backlog, OldApp],
        ),
    ];
    for (c, want) in cases {
        assert_eq!(fleet_flags(&c, Some("0.5.0"), NOW), want, "{c:?}");
    }
}

#[test]
fn days_without_contact_counts_whole_days() {
    assert_eq!(days_without_contact(None, NOW), None);
    assert_eq!(days_without_contact(Some(NOW - DAY + 1), NOW), Some(0));
    assert_eq!(days_without_contact(Some(NOW - 4 * DAY), NOW), Some(4));
    // A contact stamped after now (clock skew) is today, not a negative count.
    assert_eq!(days_without_contact(Some(NOW + DAY), NOW), Some(0));
}

#[test]
fn versions_compare_by_their_numbers() {
    let cases = [
        ("0.4.10", "0.4.9", Ordering::Greater),
        ("0.5.0", "0.5", Ordering::Equal),
        ("1.2 (android 9)", "1.2", Ordering::Greater),
        ("1.2", "1.10", Ordering::Less),
        ("dev", "0.0.1", Ordering::Less),
        ("99999999999999999999999", "1", Ordering::Greater),
    ];
    for (a, b, want) in cases {
        assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
    }
    assert_eq!(newest_version(["0.4.2", "0.5.0", "0.4.10"]), Some("0.5.0"));
    assert_eq!(newest_version(std::iter::empty()), None);
}

#[test]
fn new_accounts_are_checked() {
    let ok = NewAccount {
        name: "张伟".into(),
        phone: "13800001111".into(),
        role: Role::GridWorker,
        scope: AreaCode::parse("150621001001001").unwrap(),
    };
    assert_eq!(ok.check(), Ok(()));
    let codes = |a: NewAccount| a.check().unwrap_err().into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>();
    let f = |s: &str, c: &str| (s.to_owned(), c.to_owned());
    assert_eq!(codes(NewAccount { name: " ".into(), ..ok.clone() }), vec![f("name", "required")]);
    assert_eq!(codes(NewAccount { name: "张".repeat(41), ..ok.clone() }), vec![f("name", "too_long")]);
    assert_eq!(codes(NewAccount { name: "a\u{0}b".into(), ..ok.clone() }), vec![f("name", "invalid")]);
    assert_eq!(codes(NewAccount { phone: "12345".into(), ..ok.clone() }), vec![f("phone", "phone")]);
    assert_eq!(NewAccount { name: "  张伟 ".into(), phone: " 13800001111 ".into(), ..ok.clone() }.trimmed(), ok);
}

#[test]
fn scopes_fit_roles_and_name_the_handle() {
    use AreaLevel::*;
    let fits = [
        (Role::GridWorker, Grid, true),
        (Role::GridWorker, MicroGrid, true),
        (Role::GridWorker, Village, false),
        (Role::GridLeader, Grid, true),
        (Role::GridLeader, MicroGrid, false),
        (Role::Supervisor, Township, true),
        (Role::Supervisor, Grid, false),
        (Role::Admin, Banner, true),
        (Role::Admin, Township, false),
    ];
    for (role, level, want) in fits {
        assert_eq!(scope_fits(role, level), want, "{role:?} {level:?}");
    }
    let area = |s: &str| AreaCode::parse(s).unwrap();
    assert_eq!(handle_prefix(Role::GridWorker, &area("150621001002003")), "150621001-W-");
    assert_eq!(handle_prefix(Role::Supervisor, &area("150621004")), "150621004-S-");
    assert_eq!(handle_prefix(Role::Admin, &area("150621")), "150621-A-");
}
