//! A contradiction for the case screen: a second handset of the grid leader, which has seen the
//! case's first failed attempt, records the second and third as failed and escalates the case to
//! the township while the app (not synced since) records the second attempt as a success. Both steps reach the server; every replica folds the
//! same case and flags the step that no longer fits, for a leader at the case's level to settle.

use gridwork_core::Engine;
use gridwork_core::sync::{SyncClient, enroll, sync};
use gridwork_domain::{AttemptOutcome, DisputeAction, MediationLevel};

/// Records two more failed village attempts on the case whose description is `description` and
/// escalates it to the township (the level's three attempts come first), from another handset
/// of the leader enrolled with `code` through the server at `url` (a blocking client, so on a
/// blocking thread).
pub async fn escalate_elsewhere(url: &str, code: String, description: &str) {
    let url = url.to_owned();
    let description = description.to_owned();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open_unencrypted(&dir.path().join("leader-2.db")).unwrap();
        enroll(&mut e, &url, &code, "网格长的第二部手机").unwrap();
        run(&mut e);
        let case =
            e.disputes_in("", 1000).unwrap().into_iter().find(|d| d.description == description).expect("the case");
        for number in [2, 3] {
            let failed = DisputeAction::MediationAttempt {
                level: MediationLevel::Village,
                number,
                outcome: AttemptOutcome::Failed,
                mediator: "村人民调解委员会".into(),
                agreement: String::new(),
            };
            e.append_event(case.id, failed, "另一部手机：劝调未成").unwrap();
        }
        e.append_event(case.id, DisputeAction::Escalated { to: MediationLevel::Township }, "另一部手机：上报乡镇联调")
            .unwrap();
        run(&mut e);
    })
    .await
    .unwrap();
}

fn run(e: &mut Engine) {
    let client = SyncClient::for_profile(e.profile().unwrap()).unwrap();
    sync(e, &client, &mut |_| {}).unwrap();
}
