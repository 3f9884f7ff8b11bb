//! Many devices pushing at once: every change gets its own number, nothing is lost, and one batch
//! sent several times at once is applied once.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::{TestServer, household, statuses};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_lose_nothing_and_number_every_change_once() {
    let s = Arc::new(TestServer::demo().await);
    let admin = s.enroll(&s.code("DEMO-A", 1)).await;
    let seeded = s.pull_all(&admin).await.changes.len();
    let mut tasks = Vec::new();
    for n in 1..=8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut h = s.enroll(&s.code("DEMO-W", n)).await;
            let mut ids = Vec::new();
            for batch in 0..5 {
                let recs: Vec<_> = (0..20)
                    .map(|i| h.create(&household(h.micro_grid(1 + i % 3), &format!("户{n}-{batch}-{i}"))))
                    .collect();
                ids.extend(recs.iter().map(|r| r.id));
                let (status, v) = s.push_raw(&h, Uuid::now_v7(), &recs).await;
                assert!(status.is_success(), "{v}");
                assert!(statuses(&v).iter().all(|st| st == "accepted"), "{v}");
            }
            ids
        }));
    }
    let mut pushed = HashSet::new();
    for t in tasks {
        pushed.extend(t.await.unwrap());
    }
    let all = s.pull_all(&admin).await;
    assert_eq!(all.changes.len(), seeded + 8 * 5 * 20);
    let seqs: HashSet<u64> = all.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs.len(), all.changes.len(), "every change has its own number");
    let ids: HashSet<_> = all.changes.iter().map(|c| c.state.id).collect();
    assert!(pushed.is_subset(&ids));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_batch_sent_four_times_at_once_is_applied_once() {
    let s = Arc::new(TestServer::demo().await);
    let mut h = s.enroll(&s.code("DEMO-W", 1)).await;
    // A second handset of the grid sees what was stored (the pusher's own pull leaves it out).
    let peer = s.enroll(&s.code("DEMO-W", 1)).await;
    let before = s.pull_all(&peer).await;
    let recs: Vec<_> = (0..50).map(|i| h.create(&household(h.micro_grid(1), &format!("户{i}")))).collect();
    let recs = Arc::new(recs);
    let h = Arc::new(h);
    let batch = Uuid::now_v7();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (s, h, recs) = (s.clone(), h.clone(), recs.clone());
        tasks.push(tokio::spawn(async move { s.push_raw(&h, batch, &recs).await }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        let (status, v) = t.await.unwrap();
        assert!(status.is_success(), "{v}");
        answers.push(v);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "every send gets the same answer");
    assert!(statuses(&answers[0]).iter().all(|st| st == "accepted"));
    let after = s.pull_all(&peer).await;
    assert_eq!(after.changes.len(), before.changes.len() + 50);
}
