//! Pull: pages with a cursor and a `more` flag, only the device's scope, and new changes after
//! the cursor.

mod common;

use std::collections::HashSet;

use common::{TestServer, household};

#[tokio::test]
async fn pages_follow_the_cursor_until_no_more() {
    let s = TestServer::demo().await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let all = s.pull(&w, 0, 5000).await;
    assert!(!all.more);
    let total = all.changes.len();
    assert!(total > 20, "the demo grid holds households ({total})");
    let mut got = Vec::new();
    let mut cursor = 0;
    let mut pages = 0;
    loop {
        let page = s.pull(&w, cursor, 10).await;
        assert!(page.changes.len() <= 10);
        assert!(page.changes.iter().all(|c| c.seq > cursor), "only changes after the cursor");
        assert!(page.changes.windows(2).all(|p| p[0].seq < p[1].seq), "in seq order");
        if let Some(last) = page.changes.last() {
            assert_eq!(page.next, last.seq);
        } else {
            assert_eq!(page.next, cursor);
        }
        got.extend(page.changes);
        cursor = page.next;
        pages += 1;
        if !page.more {
            break;
        }
        assert!(pages < 100);
    }
    assert_eq!(pages, total.div_ceil(10));
    assert_eq!(got, all.changes);
    // The grid's feed (merged per micro-grid) is the township's feed (walked in change order)
    // with the rest of the township left out.
    let township = s.enroll(&s.code("DEMO-S", 1)).await;
    assert!(w.enrolled.scope.is_within(&township.enrolled.scope));
    let wide: Vec<_> = s
        .pull_all(&township)
        .await
        .changes
        .into_iter()
        .filter(|c| c.state.micro_grid().unwrap().is_within(&w.enrolled.scope))
        .collect();
    assert_eq!(wide, all.changes);
    // Nothing new: an empty page with the cursor unchanged.
    let empty = s.pull(&w, cursor, 10).await;
    assert!(empty.changes.is_empty() && !empty.more);
    assert_eq!(empty.next, cursor);
}

#[tokio::test]
async fn a_device_sees_only_its_scope_and_new_changes_after_its_cursor() {
    let s = TestServer::demo().await;
    let mut a = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut b = s.enroll(&s.code("DEMO-W", 2)).await;
    let supervisor = s.enroll(&s.code("DEMO-S", 1)).await;
    let seen_a = s.pull_all(&a).await;
    let seen_b = s.pull_all(&b).await;
    for c in &seen_a.changes {
        assert!(c.state.micro_grid().unwrap().is_within(&a.enrolled.scope));
    }
    let ids_a: HashSet<_> = seen_a.changes.iter().map(|c| c.state.id).collect();
    assert!(seen_b.changes.iter().all(|c| !ids_a.contains(&c.state.id)), "grids A and B share nothing");
    // B writes; A pulls after its cursor and sees nothing of it; the township supervisor sees it.
    let rec = b.create(&household(b.micro_grid(2), "钱七"));
    s.push(&b, std::slice::from_ref(&rec)).await;
    let a_next = s.pull(&a, seen_a.next, 500).await;
    assert!(a_next.changes.is_empty(), "{:?}", a_next.changes);
    assert!(s.pull_all(&supervisor).await.changes.iter().any(|c| c.state.id == rec.id));
    // A writes; another handset of A's grid pulling after the cursor gets exactly that change.
    let a2 = s.enroll(&s.code("DEMO-W", 1)).await;
    let mine = a.create(&household(a.micro_grid(1), "孙八"));
    s.push(&a, std::slice::from_ref(&mine)).await;
    let page = s.pull(&a2, seen_a.next, 500).await;
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].state, mine);
    assert!(page.changes[0].seq > seen_a.next);
}

#[tokio::test]
async fn a_device_does_not_pull_back_what_it_pushed_but_the_cursor_moves_past_it() {
    let s = TestServer::demo().await;
    let mut a = s.enroll(&s.code("DEMO-W", 1)).await;
    let b = s.enroll(&s.code("DEMO-W", 1)).await;
    let start = s.pull_all(&a).await.next;
    let mine = a.create(&household(a.micro_grid(1), "孙七"));
    s.push(&a, std::slice::from_ref(&mine)).await;
    let own = s.pull(&a, start, 10).await;
    assert!(own.changes.is_empty(), "a does not get its own version back");
    assert!(own.next > start, "but its cursor moves past it");
    let peer = s.pull(&b, start, 10).await;
    assert_eq!(peer.changes.iter().map(|c| c.state.id).collect::<Vec<_>>(), [mine.id]);
}
