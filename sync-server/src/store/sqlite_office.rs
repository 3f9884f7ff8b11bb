//! The office's reads and its new accounts in the SQLite store: the fleet (each device of the
//! accounts in an area, with its last contact), the accounts in an area, and an account made with
//! the next free handle of its township — checked against `authority::may_administer` and audited
//! (refusals too).

use gridwork_domain::area::AreaLevel;
use gridwork_domain::authority::{Actor, may_administer};
use gridwork_domain::wire::office::{FleetRow, NewAccount, OfficeAccount, handle_prefix, scope_fits};
use gridwork_domain::{AreaCode, DeviceId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::audit::{AuditRow, action, append_audit};
use super::sqlite::{parse_area, parse_device, parse_role, role_str, scope_range, sql_int};
use super::{Account, DeviceContact, FleetDevice, StoreError};

/// Notes a contact; see `SyncStore::note_contact`.
pub fn note_contact(c: &Connection, device: DeviceId, v: &DeviceContact) -> Result<(), StoreError> {
    c.prepare_cached(
        "UPDATE devices SET
             version_seen_at_ms = CASE WHEN protocol IS ?1 AND app_version IS ?2 THEN version_seen_at_ms ELSE ?3 END,
             protocol = ?1, app_version = ?2, last_contact_ms = ?3,
             waiting_at_contact = COALESCE(?4, waiting_at_contact)
         WHERE id = ?5",
    )?
    .execute(params![v.protocol, v.app, sql_int(v.at_ms), v.waiting, device.to_string()])?;
    Ok(())
}

fn opt_u32(v: Option<i64>) -> Option<u32> {
    v.map(|n| u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// The devices of the accounts inside `scope`; see `SyncStore::fleet`.
pub fn fleet(c: &Connection, scope: &AreaCode) -> Result<Vec<FleetDevice>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut stmt = c.prepare_cached(
        "SELECT d.id, d.name, a.code, a.name, a.role, a.scope, COALESCE(ar.name, ''), d.enrolled_at_ms,
                d.last_contact_ms, d.waiting_at_contact, d.app_version,
                d.revoked_at_ms IS NOT NULL, a.disabled_at_ms IS NOT NULL
         FROM devices d JOIN accounts a ON a.id = d.account_id LEFT JOIN areas ar ON ar.code = a.scope
         WHERE a.scope >= ?1 AND a.scope < ?2 ORDER BY a.code, d.enrolled_at_ms, d.id",
    )?;
    let rows = stmt.query_map([lo, hi], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
            (r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?),
            (r.get::<_, Option<i64>>(8)?, r.get::<_, Option<i64>>(9)?, r.get::<_, Option<String>>(10)?),
            (r.get::<_, bool>(11)?, r.get::<_, bool>(12)?),
        ))
    })?;
    rows.map(|row| {
        let ((id, device_name, account, person), (role, scope, scope_name, enrolled_ms), (last, waiting, app), flags) =
            row?;
        Ok(FleetDevice {
            row: FleetRow {
                device: parse_device(&id)?,
                device_name,
                account,
                person,
                role: parse_role(&role)?,
                scope: parse_area(&scope)?,
                scope_name,
                enrolled_ms,
                last_contact_ms: last,
                waiting_at_contact: opt_u32(waiting),
                app_version: app,
                days_without_contact: None,
                flags: Vec::new(),
            },
            revoked: flags.0,
            disabled: flags.1,
        })
    })
    .collect()
}

/// The accounts inside `scope`; see `SyncStore::office_accounts`.
pub fn office_accounts(c: &Connection, scope: &AreaCode) -> Result<Vec<OfficeAccount>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let mut stmt = c.prepare_cached(
        "SELECT a.code, a.name, a.phone, a.role, a.scope, COALESCE(ar.name, ''), a.disabled_at_ms IS NOT NULL
         FROM accounts a LEFT JOIN areas ar ON ar.code = a.scope
         WHERE a.scope >= ?1 AND a.scope < ?2 ORDER BY a.code",
    )?;
    let rows = stmt.query_map([lo, hi], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
            (r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, bool>(6)?),
        ))
    })?;
    rows.map(|row| {
        let ((handle, name, phone), (role, scope, scope_name, disabled)) = row?;
        Ok(OfficeAccount {
            handle,
            name,
            phone,
            role: parse_role(&role)?,
            scope: parse_area(&scope)?,
            scope_name,
            disabled,
            devices: Vec::new(),
        })
    })
    .collect()
}

/// The handle of the account `device` belongs to.
pub fn account_of(c: &Connection, device: DeviceId) -> Result<String, StoreError> {
    c.prepare_cached("SELECT a.code FROM devices d JOIN accounts a ON a.id = d.account_id WHERE d.id = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("device {device}")))
}

/// Makes an account; see `SyncStore::create_account`.
pub fn create_account(c: &mut Connection, new: &NewAccount, by: &str, now_ms: u64) -> Result<Account, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let actor: Option<(String, String, bool)> = tx
        .query_row("SELECT role, scope, disabled_at_ms IS NOT NULL FROM accounts WHERE code = ?1", [by], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (role, scope, disabled) = actor.ok_or_else(|| StoreError::NotFound(format!("account {by}")))?;
    let (actor_role, actor_scope) = (parse_role(&role)?, parse_area(&scope)?);
    fn refuse<'a>(by: &'a str, now_ms: u64, result: &'a str) -> AuditRow<'a> {
        AuditRow { at_ms: now_ms, actor: Some(by), action: action::ACCOUNT_CREATE, result, ..Default::default() }
    }
    if disabled || !may_administer(&Actor { role: actor_role, scope: &actor_scope }, new.role, &new.scope) {
        append_audit(&tx, &[refuse(by, now_ms, "forbidden")])?;
        tx.commit()?;
        return Err(StoreError::Forbidden(format!("{by} may not make an account of that role in {}", new.scope)));
    }
    let level: Option<String> =
        tx.query_row("SELECT level FROM areas WHERE code = ?1", [new.scope.as_str()], |r| r.get(0)).optional()?;
    let refusal = match level {
        None => Some(("unknown_area", format!("there is no area {}", new.scope))),
        Some(_) if !AreaLevel::of(&new.scope).is_some_and(|l| scope_fits(new.role, l)) => {
            Some(("scope_role", format!("an account of that role cannot work in the area {}", new.scope)))
        }
        Some(_) => None,
    };
    if let Some((code, message)) = refusal {
        append_audit(&tx, &[refuse(by, now_ms, code)])?;
        tx.commit()?;
        return Err(StoreError::Conflict { code, message });
    }
    let prefix = handle_prefix(new.role, &new.scope);
    // The largest number by value (past 9999 the handles no longer sort by their text).
    let last: Option<i64> = tx.query_row(
        "SELECT MAX(CAST(substr(code, ?3) AS INTEGER)) FROM accounts WHERE code >= ?1 AND code < ?2",
        params![prefix, format!("{prefix}~"), prefix.len() as i64 + 1],
        |r| r.get(0),
    )?;
    let next = last.unwrap_or(0) + 1;
    let handle = format!("{prefix}{next:04}");
    tx.execute(
        "INSERT INTO accounts (code, name, phone, role, scope) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![handle, new.name, new.phone, role_str(new.role)?, new.scope.as_str()],
    )?;
    append_audit(&tx, &[AuditRow { account: Some(&handle), ..refuse(by, now_ms, "ok") }])?;
    tx.commit()?;
    Ok(Account {
        code: handle,
        name: new.name.clone(),
        phone: new.phone.clone(),
        role: new.role,
        scope: new.scope.clone(),
    })
}

/// Adds demo handsets; see `SyncStore::seed_devices`.
pub fn seed_devices(c: &mut Connection, devices: &[crate::demo_fleet::DemoDevice]) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO devices (id, account_id, token_hash, name, enrolled_at_ms, protocol, app_version,
                                  version_seen_at_ms, last_contact_ms, waiting_at_contact)
             SELECT ?1, id, ?2, ?3, ?4, CASE WHEN ?5 IS NULL THEN NULL ELSE 1 END, ?6, ?5, ?5, ?7
             FROM accounts WHERE code = ?8",
        )?;
        for d in devices {
            let n = insert.execute(params![
                d.id.to_string(),
                d.token_hash,
                d.name,
                d.enrolled_ms,
                d.last_contact_ms,
                d.app_version,
                d.waiting,
                d.account
            ])?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("account {}", d.account)));
            }
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridwork_domain::wire::Role;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut c).unwrap();
        c.execute_batch(
            "INSERT INTO areas (code, name, level, parent, body) VALUES
                 ('150621', 'B', 'banner', NULL, '{}'), ('150621001', 'T1', 'township', '150621', '{}'),
                 ('150621002', 'T2', 'township', '150621', '{}'),
                 ('150621001001', 'V', 'village', '150621001', '{}'),
                 ('150621001001001', 'G', 'grid', '150621001001', '{}');
             INSERT INTO accounts (code, name, phone, role, scope) VALUES
                 ('S1', 'sup', '13800000001', 'supervisor', '150621001'),
                 ('S2', 'sup2', '13800000002', 'supervisor', '150621002'),
                 ('W1', 'w', '13800000003', 'grid_worker', '150621001001001');",
        )
        .unwrap();
        c
    }

    fn new(role: Role, scope: &str) -> NewAccount {
        NewAccount { name: "赵六".into(), phone: "13900000000".into(), role, scope: AreaCode::parse(scope).unwrap() }
    }

    fn audit(c: &Connection) -> Vec<(Option<String>, String, String)> {
        c.prepare("SELECT account, actor, result FROM audit_log WHERE action = 'account_create' ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn accounts_get_the_next_handle_of_their_township() {
        let mut c = db();
        let a = create_account(&mut c, &new(Role::GridWorker, "150621001001001"), "S1", 5).unwrap();
        let b = create_account(&mut c, &new(Role::GridWorker, "150621001001001"), "S1", 6).unwrap();
        let l = create_account(&mut c, &new(Role::GridLeader, "150621001001001"), "S1", 7).unwrap();
        assert_eq!(
            (a.code.as_str(), b.code.as_str(), l.code.as_str()),
            ("150621001-W-0001", "150621001-W-0002", "150621001-L-0001")
        );
        assert_eq!(audit(&c).len(), 3);
    }

    #[test]
    fn refusals_are_coded_and_audited() {
        let mut c = db();
        let cases: [(&str, Role, &str, &str); 5] = [
            ("S2", Role::GridWorker, "150621001001001", "forbidden"),
            ("S1", Role::Supervisor, "150621001", "forbidden"),
            ("W1", Role::GridWorker, "150621001001001", "forbidden"),
            ("S1", Role::GridWorker, "150621001001009", "unknown_area"),
            ("S1", Role::GridLeader, "150621001001", "scope_role"),
        ];
        for (by, role, scope, want) in cases {
            let err = create_account(&mut c, &new(role, scope), by, 1).unwrap_err();
            let code = match err {
                StoreError::Forbidden(_) => "forbidden",
                StoreError::Conflict { code, .. } => code,
                other => panic!("{other:?}"),
            };
            assert_eq!(code, want, "{by} {role:?} {scope}");
        }
        let results: Vec<String> = audit(&c).into_iter().map(|(_, _, r)| r).collect();
        assert_eq!(results, ["forbidden", "forbidden", "forbidden", "unknown_area", "scope_role"]);
        let n: i64 = c.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 3, "nothing made");
    }
}
