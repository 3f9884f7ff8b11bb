//! Numbered schema migrations (sync-server/migrations/NNNN_name.sql), each applied in one
//! transaction together with its bookkeeping row.

use rusqlite::{Connection, params};

/// Every migration in order: (number, name, SQL).
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "scope_seq", include_str!("../../migrations/0002_scope_seq.sql")),
    (3, "pushed_by", include_str!("../../migrations/0003_pushed_by.sql")),
    (4, "seq_key", include_str!("../../migrations/0004_seq_key.sql")),
    (5, "last_conflict", include_str!("../../migrations/0005_last_conflict.sql")),
    (6, "case_events", include_str!("../../migrations/0006_case_events.sql")),
    (7, "enrollment_codes", include_str!("../../migrations/0007_enrollment_codes.sql")),
    (8, "audit_log", include_str!("../../migrations/0008_audit_log.sql")),
    (9, "card_serials", include_str!("../../migrations/0009_card_serials.sql")),
    (10, "audit_detail", include_str!("../../migrations/0010_audit_detail.sql")),
    (11, "attention", include_str!("../../migrations/0011_attention.sql")),
    (12, "history", include_str!("../../migrations/0012_history.sql")),
    (13, "device_version", include_str!("../../migrations/0013_device_version.sql")),
    (14, "device_contact", include_str!("../../migrations/0014_device_contact.sql")),
];

/// Applies the migrations the database has not seen yet; returns how many ran.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<usize> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;",
    )?;
    let mut ran = 0;
    for (version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)", [version], |r| r.get(0))?;
        if !done {
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", params![version, name])?;
            ran += 1;
        }
        tx.commit()?;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_run_once() {
        for (i, (v, _, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
        }
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(n as usize, MIGRATIONS.len());
    }

    #[test]
    fn the_change_number_becomes_the_key_and_every_record_stays() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;")
            .unwrap();
        for (version, name, sql) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", params![version, name])
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO records (id, kind, micro_grid, state, seq, pushed_by) VALUES
                 ('b', 'visit', '150621001001001001', '{}', 7, 'dev-1'),
                 ('a', 'household', '150621001001001002', '{}', 3, NULL);",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() - 3);
        let rows: Vec<(i64, String, Option<String>)> = conn
            .prepare("SELECT rowid, id, pushed_by FROM records ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, vec![(3, "a".into(), None), (7, "b".into(), Some("dev-1".into()))]);
        let dup = conn.execute(
            "INSERT INTO records (seq, id, kind, micro_grid, state) VALUES (9, 'a', 'household', 'x', '{}')",
            [],
        );
        assert!(dup.is_err(), "ids stay unique");
    }
}
