//! A real conflict for the conflicts screen: two more handsets of the worker change the phone of
//! the household the app just visited while neither has seen the other's change; the server keeps
//! both values, and the app shows the conflict because it visited that household.

use gridwork_core::Engine;
use gridwork_core::households::HouseholdQuery;
use gridwork_core::sync::{SyncClient, enroll, sync};

/// Makes the conflict on the household of `head_name` through the server at `url`, the two
/// handsets enrolling with `codes` (blocking clients, so on a blocking thread).
pub async fn make_one(url: &str, codes: [String; 2], head_name: &str) {
    let url = url.to_owned();
    let head_name = head_name.to_owned();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let mut devices: Vec<Engine> = codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let mut e = Engine::open_unencrypted(&dir.path().join(format!("d{i}.db"))).unwrap();
                enroll(&mut e, &url, code, &format!("device {i}")).unwrap();
                e
            })
            .collect();
        for e in &mut devices {
            run(e);
        }
        let id = devices[0].list_households(&HouseholdQuery { area: None, text: &head_name, limit: 1 }).unwrap()[0].id;
        for (e, phone) in devices.iter_mut().zip(["13900000001", "13900000002"]) {
            let mut h = e.household(id).unwrap();
            h.phone = Some(phone.into());
            assert!(e.edit_household(id, &h).unwrap());
        }
        for e in &mut devices {
            run(e);
        }
    })
    .await
    .unwrap();
}

fn run(e: &mut Engine) {
    let client = SyncClient::for_profile(e.profile().unwrap()).unwrap();
    sync(e, &client, &mut |_| {}).unwrap();
}
