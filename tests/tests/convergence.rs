//! N devices edit offline and sync in random orders through the real server: every replica ends
//! identical to the server, and no write is lost.

use chrono::Utc;
use gridwork_domain::*;
use gridwork_tests::{Device, ServerProc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn devices_syncing_in_random_orders_converge_with_no_write_lost() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProc::start_demo(&dir.path().join("server.db"));
    let url = server.url();
    // Two workers' handsets, the grid leader's and the township supervisor's.
    let mut devices = vec![
        Device::enroll(dir.path(), "w1", &url, "DEMO-W-0001"),
        Device::enroll(dir.path(), "w2", &url, "DEMO-W-0001"),
        Device::enroll(dir.path(), "leader", &url, "DEMO-L-0001"),
        Device::enroll(dir.path(), "supervisor", &url, "DEMO-S-0001"),
    ];
    for d in &mut devices {
        d.sync().unwrap();
    }
    let grid = devices[0].scope();
    let households: Vec<RecordId> =
        devices[0].records_in(&grid).values().filter(|s| s.kind == RecordKind::Household).map(|s| s.id).collect();
    assert!(households.len() >= 10, "the demo grid has households");

    let mut rng = ChaCha8Rng::seed_from_u64(0x9e11);
    let mut written: Vec<(RecordId, DeviceId, u64)> = Vec::new();
    for step in 0..120 {
        let i = rng.random_range(0..devices.len());
        let d = &mut devices[i];
        let device = d.engine.device_id().unwrap();
        match rng.random_range(0..10) {
            0..=3 => {
                let id = households[rng.random_range(0..households.len())];
                let mut h = d.engine.household(id).unwrap();
                match rng.random_range(0..3) {
                    0 => h.phone = Some(format!("139{:08}", rng.random_range(0..100_000_000u32))),
                    1 => h.notes = format!("第{step}步 by {i}"),
                    _ => h.door_number = format!("{}号", rng.random_range(1..99)),
                }
                if d.engine.edit_household(id, &h).unwrap() {
                    let state = d.records_in(&grid)[&id].clone();
                    written.push((id, device, state.vv.get(device)));
                }
            }
            4..=5 => {
                let id = households[rng.random_range(0..households.len())];
                let r = d.engine.record_visit(&d.visit(id)).unwrap();
                written.push((r.id, device, 1));
            }
            6 => {
                let dispute = Dispute {
                    micro_grid: d.engine.household(households[0]).unwrap().micro_grid,
                    reporter: d.engine.profile().unwrap().user_name.clone(),
                    reported_at: Utc::now(),
                    category: DisputeCategory::Neighbour,
                    parties: vec![],
                    description: format!("第{step}步的纠纷"),
                    amount_yuan: None,
                    urgency: Urgency::Normal,
                    location: None,
                };
                written.push((d.engine.file_dispute(&dispute).unwrap(), device, 1));
            }
            _ => {
                d.sync().unwrap();
            }
        }
    }
    // Everyone syncs twice: the second round brings what others pushed during the first.
    for _ in 0..2 {
        for d in &mut devices {
            let r = d.sync().unwrap();
            assert_eq!(r.rejected, 0);
        }
    }
    let fresh = {
        let mut f = Device::enroll(dir.path(), "fresh", &url, "DEMO-A-0001");
        f.sync().unwrap();
        f
    };
    let server_view = fresh.records_in(&grid);
    for d in &devices {
        assert_eq!(
            d.records_in(&grid),
            server_view,
            "{} differs from the server",
            d.engine.profile().unwrap().device_name
        );
        assert_eq!(d.engine.pending_count().unwrap(), 0);
    }
    for (id, device, n) in &written {
        let s = server_view.get(id).unwrap_or_else(|| panic!("record {id} lost"));
        assert!(s.vv.get(*device) >= *n, "write {n} of {device} to {id} lost");
    }
}
