//! A failure in the middle of a multi-record operation leaves neither a partial record nor an
//! orphaned outbox entry. Failures are injected with SQLite triggers, not test hooks in the code.

mod common;
use common::*;
use gridwork_core::CoreError;

#[test]
fn filing_a_dispute_that_fails_at_its_event_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    e.connection()
        .execute_batch(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON dispute_events BEGIN SELECT RAISE(ABORT, 'injected'); END",
        )
        .unwrap();
    let err = e.file_dispute(&dispute()).unwrap_err();
    assert!(matches!(err, CoreError::Storage(_)), "{err}");
    for table in ["records", "outbox", "disputes", "dispute_events"] {
        assert_eq!(count(&e, table), 0, "{table}");
    }
    e.connection().execute_batch("DROP TRIGGER boom").unwrap();
    e.file_dispute(&dispute()).unwrap();
    assert_eq!((count(&e, "records"), count(&e, "outbox")), (2, 2));
}

#[test]
fn a_batch_of_visits_that_fails_at_the_third_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let h = e.create_household(&household("张伟")).unwrap();
    e.connection()
        .execute_batch(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON visits WHEN (SELECT count(*) FROM visits) >= 2
             BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END",
        )
        .unwrap();
    let visits: Vec<_> = (0..5).map(|_| visit(h, None)).collect();
    assert!(e.record_visits(&visits).is_err());
    assert_eq!(count(&e, "visits"), 0);
    assert_eq!(count(&e, "records"), 1, "only the household");
    assert_eq!(count(&e, "outbox"), 1, "only the household's entry");
    let hlc_before: String =
        e.connection().query_row("SELECT value FROM meta WHERE key='hlc'", [], |r| r.get(0)).unwrap();
    assert!(!hlc_before.is_empty());
}

#[test]
fn invalid_input_is_refused_whole_with_every_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(&dir, "a.db");
    let mut h = household("");
    h.phone = Some("12345".into());
    h.location = Some(gridwork_domain::GeoPoint::new(95.0, 110.0));
    let CoreError::Validation(errors) = e.create_household(&h).unwrap_err() else { panic!("not a validation error") };
    let fields: Vec<_> = errors.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["head_name", "phone", "location.lat"]);
    assert_eq!(count(&e, "records") + count(&e, "outbox"), 0);
}
