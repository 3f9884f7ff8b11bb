//! The township office end to end against the real server: a supervisor's handset makes an
//! account, issues a one-time code whose link a new handset reads and enrolls with, sees the new
//! handset in the fleet (with the changes it had waiting), revokes it — and the new handset is
//! wiped at its next sync. A worker's handset is refused; the fleet fetched once stays readable
//! (stale) when the server is gone.

use gridwork_core::office;
use gridwork_core::sync::{SyncClient, enroll};
use gridwork_core::{CoreError, Engine};
use gridwork_domain::AreaLevel;
use gridwork_domain::wire::Role;
use gridwork_domain::wire::office::{FleetFlag, NewAccount};
use gridwork_tests::{Device, ServerProc};
use std::sync::Mutex;

#[test]
fn the_office_makes_an_account_enrolls_its_handset_sees_it_and_revokes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    let mut office_phone = Device::enroll(dir.path(), "office", &url, "DEMO-S-0001");
    let township = office_phone.engine.profile().unwrap().scope.clone();
    let grid = office_phone
        .engine
        .areas(township.as_str())
        .unwrap()
        .into_iter()
        .find(|a| a.level == AreaLevel::Grid)
        .expect("a grid in the township")
        .code;
    let (e, c) = (&Mutex::new(&mut office_phone.engine), &office_phone.client);

    let bad = NewAccount { name: " ".into(), phone: "12".into(), role: Role::GridWorker, scope: grid.clone() };
    match office::create_account(e, c, &bad) {
        Err(CoreError::Validation(fields)) => assert_eq!(fields.len(), 2, "{fields:?}"),
        other => panic!("{other:?}"),
    }
    let new = NewAccount { name: "孙丽".into(), phone: "13712345678".into(), role: Role::GridWorker, scope: grid };
    let account = office::create_account(e, c, &new).unwrap();
    assert_eq!(account.handle, format!("{township}-W-0001"));
    let issued = office::issue_code(e, c, &account.handle, 2).unwrap();
    assert!(issued.link.starts_with("gridwork:enroll?server=http%3A%2F%2F127.0.0.1%3A"), "{}", issued.link);

    // The new handset reads the link (as the first-run screen does after a scan) and enrolls.
    let link = office::read_enroll_link(&issued.link).unwrap();
    assert_eq!((link.server.as_str(), link.code.as_str()), (url.as_str(), issued.code.as_str()));
    let mut new_phone = Engine::open(&dir.path().join("new.db"), &gridwork_core::StoreKey::random()).unwrap();
    enroll(&mut new_phone, &link.server, &link.code, "孙丽的手机").unwrap();
    let scope = new_phone.profile().unwrap().scope.clone();
    let hh = gridwork_domain::Household::new(scope.child(1), "周建国", "吉格斯太镇", "1号");
    new_phone.create_household(&hh).unwrap();
    let client = SyncClient::for_profile(new_phone.profile().unwrap()).unwrap();
    let mut new_device = Device { engine: new_phone, client };
    // It syncs once with one change waiting; the office then sees it.
    new_device.sync().unwrap();
    let fleet = office::fleet(&Mutex::new(&mut office_phone.engine), &office_phone.client).unwrap();
    assert!(!fleet.stale);
    let row = fleet.rows.iter().find(|r| r.account == account.handle).expect("the new handset is listed");
    assert_eq!((row.person.as_str(), row.device_name.as_str()), ("孙丽", "孙丽的手机"));
    assert_eq!(row.app_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert!(row.last_contact_ms.is_some() && row.flags.is_empty(), "{row:?}");
    assert!(matches!(row.waiting_at_contact, Some(0 | 1)), "{row:?}");

    // Revoked: the office sees it so; the handset is wiped at its next sync.
    let device = row.device;
    let after = office::revoke_device(&Mutex::new(&mut office_phone.engine), &office_phone.client, device).unwrap();
    assert_eq!(after.devices[0].flags, vec![FleetFlag::Revoked]);
    match new_device.sync() {
        Err(CoreError::Revoked(_)) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(new_device.engine.profile(), Err(CoreError::NotInitialized)), "wiped");

    // A worker's handset may not look at the fleet or make accounts.
    let mut worker = Device::enroll(dir.path(), "worker", &url, "DEMO-W-0001");
    match office::fleet(&Mutex::new(&mut worker.engine), &worker.client) {
        Err(CoreError::Forbidden(r)) => assert_eq!(r.code, "forbidden"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(office::accounts(&Mutex::new(&mut worker.engine), &worker.client), Err(CoreError::Forbidden(_))));

    // The server gone: the office still reads the fleet it fetched, marked stale.
    server.kill();
    let kept = office::fleet(&Mutex::new(&mut office_phone.engine), &office_phone.client).unwrap();
    assert!(kept.stale);
    assert_eq!((kept.as_of_ms, &kept.rows), (fleet.as_of_ms, &fleet.rows), "the last fetch, as it was");
    assert!(matches!(
        office::accounts(&Mutex::new(&mut office_phone.engine), &office_phone.client),
        Err(CoreError::Offline(_))
    ));
}
