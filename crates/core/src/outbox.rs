//! The outbox (待同步): which local changes wait for the server, and the bookkeeping of pushing
//! them — an acknowledgement clears an entry only if no newer local edit came in meanwhile.

use gridwork_domain::RecordId;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::engine::Engine;
use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OutboxRow {
    pub record_id: RecordId,
    pub kind: String,
    /// Local edits folded into this entry.
    pub rev: i64,
    pub queued_ms: i64,
    pub attempts: i64,
    /// `pending`, or `rejected` (the server refused it; `reject_code` and `last_error` say why).
    pub status: String,
    /// The server's message when rejected, otherwise why the last push attempt failed.
    pub last_error: Option<String>,
    /// The server's reject code (`validation`, `forbidden`, …), only while rejected: the app and
    /// the CLI turn it into words and what to do.
    pub reject_code: Option<String>,
    /// Which household or report the change is about, in the record's own words (a household's
    /// head and address, a report's description).
    pub subject: Option<String>,
    /// The household to open to edit it (a household, or the household of a visit or a card).
    pub household_id: Option<RecordId>,
    /// The case to open to edit it (a report, or the case of a step).
    pub dispute_id: Option<RecordId>,
}

/// One entry taken for a push: the record, the revision its entry had, where it stands in the
/// outbox's order, and the record's stored JSON text (sent as is).
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub id: RecordId,
    pub rev: i64,
    pub queued_ms: i64,
    pub text: String,
}

/// Where a walk through the pending entries stands: after this `(queued_ms, record id)`.
pub(crate) type OutboxKey = (i64, String);

impl Engine {
    /// Everything waiting, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.record_id, o.kind, o.rev, o.queued_ms, o.attempts, o.status, o.last_error,
                    CASE WHEN o.status = 'rejected' THEN o.reject_code END,
                    coalesce(hh.head_name || ' · ' || hh.address || hh.door_number, substr(dd.description, 1, 40)),
                    hh.id, dd.id
             FROM outbox o
             LEFT JOIN households h ON h.id = o.record_id
             LEFT JOIN visits v ON v.id = o.record_id
             LEFT JOIN cards c ON c.id = o.record_id
             LEFT JOIN dispute_events e ON e.id = o.record_id
             LEFT JOIN households hh ON hh.id = coalesce(h.id, v.household, c.household)
             LEFT JOIN disputes dd ON dd.id = coalesce(e.dispute, o.record_id)
             ORDER BY o.queued_ms, o.record_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let head = (r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
            Ok((head, r.get(7)?, r.get(8)?, r.get::<_, Option<String>>(9)?, r.get::<_, Option<String>>(10)?))
        })?;
        rows.map(|row| {
            let ((id, kind, rev, queued_ms, attempts, status, last_error), reject_code, subject, household, dispute) =
                row?;
            Ok(OutboxRow {
                record_id: id.parse()?,
                kind,
                rev,
                queued_ms,
                attempts,
                status,
                last_error,
                reject_code,
                subject,
                household_id: household.map(|h| h.parse()).transpose()?,
                dispute_id: dispute.map(|d| d.parse()).transpose()?,
            })
        })
        .collect()
    }

    /// How many changes wait to be pushed (rejected ones not counted).
    pub fn pending_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM outbox WHERE status = 'pending'", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// Up to `limit` pending entries after `after` (from the start when `None`), oldest first, with
/// their records' texts: one walk of the pending index, so batches can be taken while earlier
/// ones are still on their way.
pub(crate) fn take_pending(conn: &Connection, after: Option<&OutboxKey>, limit: u32) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.record_id, o.rev, o.queued_ms, r.state FROM outbox o JOIN records r ON r.id = o.record_id
         WHERE o.status = 'pending' AND (o.queued_ms, o.record_id) > (?1, ?2)
         ORDER BY o.queued_ms, o.record_id LIMIT ?3",
    )?;
    let (ms, id) = after.map_or((i64::MIN, ""), |(ms, id)| (*ms, id.as_str()));
    let rows = stmt.query_map(params![ms, id, limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
    })?;
    rows.map(|row| {
        let (id, rev, queued_ms, text) = row?;
        Ok(Pending { id: id.parse()?, rev, queued_ms, text })
    })
    .collect()
}

/// Clears an entry the server acknowledged, unless it was edited again since `rev`; `true` when
/// it was cleared (so the record still holds the version the server answered for).
pub(crate) fn acknowledge(conn: &Connection, id: RecordId, rev: i64) -> Result<bool> {
    let cleared = conn
        .prepare_cached("DELETE FROM outbox WHERE record_id = ?1 AND rev = ?2")?
        .execute(params![id.to_string(), rev])?;
    Ok(cleared > 0)
}

/// Keeps the server's receipt of the version a record holds.
pub(crate) fn keep_receipt(conn: &Connection, id: RecordId, receipt: &str) -> Result<()> {
    conn.prepare_cached("UPDATE records SET receipt = ?2 WHERE id = ?1")?.execute(params![id.to_string(), receipt])?;
    Ok(())
}

/// Marks an entry the server refused with `code` and `message`; it stays visible and is not
/// pushed again until edited.
pub(crate) fn reject(conn: &Connection, id: RecordId, rev: i64, code: &str, message: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = 'rejected', reject_code = ?3, last_error = ?4 WHERE record_id = ?1 AND rev = ?2",
    )?
    .execute(params![id.to_string(), rev, code, message])?;
    Ok(())
}

/// Counts a push attempt that got no answer.
pub(crate) fn count_attempt(conn: &Connection, ids: &[RecordId], error: &str) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE record_id = ?1")?;
    for id in ids {
        stmt.execute(params![id.to_string(), error])?;
    }
    Ok(())
}
