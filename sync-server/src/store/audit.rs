//! The audit log: rows appended inside the transaction of what they record, read back in order for
//! the CSV export. Rows hold ids, handles and codes only, never names, phones or addresses.

use std::collections::HashMap;

use gridwork_domain::authority::Action;
use gridwork_domain::{DeviceId, RecordId, RecordKind};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::sqlite::sql_int;
use crate::push_logic::Decision;

/// The actions the log records.
pub mod action {
    /// An enrollment attempt with a one-time code (result `ok` or why it was refused).
    pub const ENROLL: &str = "enroll";
    /// A one-time code made for an account.
    pub const CODE_CREATE: &str = "code_create";
    /// An account made by the office.
    pub const ACCOUNT_CREATE: &str = "account_create";
    /// A device withdrawn.
    pub const DEVICE_REVOKE: &str = "device_revoke";
    /// An account disabled (all its devices refused from then on).
    pub const ACCOUNT_DISABLE: &str = "account_disable";
    /// A contact-card serial block asked for (result `ok` or `serial_quota`).
    pub const SERIAL_BLOCK: &str = "serial_block";
    /// A pushed record version (result: its push status or reject code).
    pub const PUSH: &str = "push";
    /// A device taking a new identity after its store was found to be a restored or cloned copy
    /// (`device` is the new one; `record_id` holds the id of the one it follows).
    pub const REENROLL: &str = "reenroll";
    /// Versions handed back, with receipts, to a server that lost them.
    pub const RESTORE: &str = "restore";
}

/// One row to append.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditRow<'a> {
    pub at_ms: u64,
    /// The device that acted or was acted on.
    pub device: Option<DeviceId>,
    /// The account concerned, by handle (`DEMO-W-0001`). Left `None` with a `device`, it is filled
    /// in from the device's account.
    pub account: Option<&'a str>,
    /// Who acted, by handle, for office actions (codes, revocations).
    pub actor: Option<&'a str>,
    /// One of [`action`].
    pub action: &'a str,
    pub record_id: Option<RecordId>,
    /// The record's kind (`household`, …) when a record is concerned.
    pub record_kind: Option<&'a str>,
    /// `ok`, a push status, or the code of the refusal.
    pub result: &'a str,
    /// For a push batch: a line per record (see [`push_row`]).
    pub detail: Option<&'a str>,
}

/// Appends `rows` on `c`, which should be inside the transaction whose effects they record, so the
/// log holds a row exactly when the change committed. The push calls it with one row per record;
/// a device's account handle is looked up once per call.
pub fn append_audit(c: &Connection, rows: &[AuditRow<'_>]) -> Result<(), StoreError> {
    let mut handles: HashMap<DeviceId, Option<String>> = HashMap::new();
    let mut insert = c.prepare_cached(
        "INSERT INTO audit_log (at_ms, device_id, account, actor, action, record_id, record_kind, result, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for row in rows {
        let account = match (row.account, row.device) {
            (Some(a), _) => Some(a.to_owned()),
            (None, Some(d)) => match handles.get(&d) {
                Some(h) => h.clone(),
                None => {
                    let h = device_account(c, d)?;
                    handles.insert(d, h.clone());
                    h
                }
            },
            (None, None) => None,
        };
        insert.execute(params![
            sql_int(row.at_ms),
            row.device.map(|d| d.to_string()),
            account,
            row.actor,
            row.action,
            row.record_id.map(|r| r.to_string()),
            row.record_kind,
            row.result,
            row.detail,
        ])?;
    }
    Ok(())
}

/// The lines of a push batch's audit row, one per record in the order sent: its id (empty when
/// unreadable), kind, action (`household_edit`, `close`, …; `push` when unread or already known) and what became
/// of it (`accepted`, `merged`, `already_known` or the reject code), separated by tabs. One row per
/// batch keeps the audit off the push's path: a thousand rows cost the writer a tenth of its time.
pub fn push_detail(plan: &[(RecordId, Decision)], read: &[Option<(RecordKind, Action)>]) -> String {
    let mut out = String::with_capacity(plan.len() * 80);
    for ((id, decision), read) in plan.iter().zip(read.iter().chain(std::iter::repeat(&None))) {
        let result = match decision {
            Decision::Accept { .. } => "accepted",
            Decision::Merge { .. } => "merged",
            Decision::AlreadyKnown => "already_known",
            Decision::Reject { code, .. } => code.as_str(),
        };
        let (kind, action) = read.map_or(("", "push"), |(k, a)| (k.as_str(), a.as_str()));
        // Sent again, or older than the server's: no action was taken.
        let action = if matches!(decision, Decision::AlreadyKnown) { "push" } else { action };
        let id = if id.0.is_nil() { String::new() } else { id.to_string() };
        out.push_str(&format!("{id}\t{kind}\t{action}\t{result}\n"));
    }
    out
}

/// The handle of the account a device belongs to.
fn device_account(c: &Connection, device: DeviceId) -> Result<Option<String>, StoreError> {
    Ok(c.prepare_cached("SELECT a.code FROM devices d JOIN accounts a ON a.id = d.account_id WHERE d.id = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?)
}

/// A stored row, as exported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: u64,
    pub at_ms: u64,
    pub device: Option<String>,
    pub account: Option<String>,
    pub actor: Option<String>,
    pub action: String,
    pub record_id: Option<String>,
    pub record_kind: Option<String>,
    pub result: String,
}

/// Up to `limit` rows with an id after `after`, oldest first.
pub fn read_audit(c: &Connection, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT id, at_ms, device_id, account, actor, action, record_id, record_kind, result, detail FROM audit_log
         WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![sql_int(after), limit], |r| {
        let entry = AuditEntry {
            id: r.get::<_, i64>(0)? as u64,
            at_ms: r.get::<_, i64>(1)? as u64,
            device: r.get(2)?,
            account: r.get(3)?,
            actor: r.get(4)?,
            action: r.get(5)?,
            record_id: r.get(6)?,
            record_kind: r.get(7)?,
            result: r.get(8)?,
        };
        Ok((entry, r.get::<_, Option<String>>(9)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        match row? {
            (entry, None) => out.push(entry),
            // A push batch: an entry per record.
            (entry, Some(detail)) => out.extend(detail.lines().map(|line| {
                let mut part = line.split('\t');
                let mut next = || part.next().filter(|s| !s.is_empty()).map(str::to_owned);
                let (record_id, record_kind, action, result) = (next(), next(), next(), next());
                AuditEntry {
                    record_id,
                    record_kind,
                    action: action.unwrap_or_else(|| entry.action.clone()),
                    result: result.unwrap_or_default(),
                    ..entry.clone()
                }
            })),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut c).unwrap();
        c
    }

    #[test]
    fn rows_append_and_read_back_in_order() {
        let c = db();
        let rows = [
            AuditRow {
                at_ms: 5,
                account: Some("DEMO-A-0001"),
                action: action::CODE_CREATE,
                result: "ok",
                ..Default::default()
            },
            AuditRow { at_ms: 6, action: action::ENROLL, result: "unknown_code", ..Default::default() },
        ];
        append_audit(&c, &rows).unwrap();
        let back = read_audit(&c, 0, 10).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            (back[0].at_ms, back[0].account.as_deref(), back[0].action.as_str()),
            (5, Some("DEMO-A-0001"), "code_create")
        );
        assert_eq!((back[1].account.as_deref(), back[1].result.as_str()), (None, "unknown_code"));
        assert_eq!(read_audit(&c, back[0].id, 10).unwrap().len(), 1);
    }

    #[test]
    fn many_rows_keep_their_order() {
        let c = db();
        let rows: Vec<AuditRow<'_>> = (0..150)
            .map(|i| AuditRow { at_ms: i, action: action::PUSH, result: "accepted", ..Default::default() })
            .collect();
        append_audit(&c, &rows).unwrap();
        let back = read_audit(&c, 0, 1000).unwrap();
        assert_eq!(back.iter().map(|e| e.at_ms).collect::<Vec<_>>(), (0..150).collect::<Vec<_>>());
    }

    #[test]
    fn the_log_refuses_updates_and_deletes() {
        let c = db();
        append_audit(&c, &[AuditRow { at_ms: 1, action: action::ENROLL, result: "ok", ..Default::default() }]).unwrap();
        let update = c.execute("UPDATE audit_log SET result = 'forged'", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = c.execute("DELETE FROM audit_log", []);
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        assert_eq!(read_audit(&c, 0, 10).unwrap()[0].result, "ok");
    }
}
