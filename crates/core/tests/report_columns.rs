//! The report columns beside each dispute (migration 0007): kept from the case's fold as steps
//! arrive, and back-filled for the cases a store held before the columns existed.

mod report_common;

use report_common::{fixture, independent as ind};

const COLUMNS: &str = "ALTER TABLE disputes DROP COLUMN closed_ms; ALTER TABLE disputes DROP COLUMN closed_level;
    ALTER TABLE disputes DROP COLUMN village_handler; ALTER TABLE disputes DROP COLUMN rating;
    ALTER TABLE disputes DROP COLUMN max_level;";

/// A dispute's id and report columns: closed_ms, closed_level, village_handler, rating, max_level.
type Columns = (String, Option<i64>, Option<String>, Option<String>, Option<i64>, String);

/// Each dispute's columns as the engine keeps them, by id.
fn columns(conn: &rusqlite::Connection) -> Vec<Columns> {
    let mut stmt = conn
        .prepare("SELECT id, closed_ms, closed_level, village_handler, rating, max_level FROM disputes ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_columns_follow_the_events_and_are_back_filled_when_a_store_opens() {
    let f = fixture();
    let path = f.dir.path().join("office.db");
    let before = columns(f.engine.connection());
    // The columns agree with the events read straight from the records.
    let ic = ind::open(&path);
    let mut stmt = ic.prepare("SELECT id, closed, CASE WHEN closed IS NULL THEN NULL ELSE level END, handler, rating, level FROM ic ORDER BY id").unwrap();
    let expected: Vec<Columns> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(before, expected);
    assert!(before.iter().any(|c| c.2.as_deref() == Some("township")) && before.iter().any(|c| c.3.is_some()));
    // Back to a store from before the columns: opening it fills them again.
    f.engine
        .connection()
        .execute_batch(&format!(
            "DROP INDEX disputes_closed; DROP INDEX disputes_stage_since; DROP INDEX cards_issued; {COLUMNS}
             DELETE FROM schema_migrations WHERE version = 7;"
        ))
        .unwrap();
    drop(f.engine);
    let again = report_common::unlock(&path);
    assert_eq!(columns(again.connection()), before);
}
