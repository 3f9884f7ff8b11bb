//! The serial-block quota: a device gets a new contact-card serial block only once 80% of its
//! current block is on cards the server holds from it; drawing blocks in a loop is refused (asked
//! again right after a grant, as after a lost answer, the same block comes back).

mod common;

use axum::http::{Method, StatusCode};
use chrono::Utc;
use common::{Handset, TestServer};
use gridwork_domain::wire::PushStatus;
use gridwork_domain::{CardStatus, ContactCard, RecordId, RecordState, SerialBlock};

/// `n` cards with the next serials of the handset's block.
fn cards(h: &mut Handset, block: &mut SerialBlock, n: usize) -> Vec<RecordState> {
    let micro_grid = h.micro_grid(1);
    (0..n)
        .map(|_| {
            let card = ContactCard {
                household: RecordId::new(),
                micro_grid: micro_grid.clone(),
                serial: block.issue().expect("serials left"),
                issuer: h.enrolled.user_name.clone(),
                issuer_phone: h.enrolled.user_phone.clone(),
                issued_at: Utc::now(),
                recipient: "户主".into(),
                status: CardStatus::Active,
            };
            RecordState::create(RecordId::new(), &card, &mut h.writer()).unwrap()
        })
        .collect()
}

async fn draw(s: &TestServer, h: &Handset) -> (StatusCode, serde_json::Value) {
    s.call(Method::POST, "/api/v1/serial-blocks", Some(h.token()), None).await
}

#[tokio::test]
async fn drawing_blocks_in_a_loop_is_refused() {
    let s = TestServer::demo().await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    for _ in 0..5 {
        let (status, v) = draw(&s, &w).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("serial_quota")), "{v}");
    }
}

#[tokio::test]
async fn a_mostly_used_block_earns_the_next_one_and_only_one() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut block = w.enrolled.serial_block;
    let first = cards(&mut w, &mut block, 799);
    let answer = s.push(&w, &first).await;
    assert!(answer.results.iter().all(|r| r.status == PushStatus::Accepted), "{answer:?}");
    let (status, v) = draw(&s, &w).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("serial_quota")), "799 of 1000 is not enough");
    let last = cards(&mut w, &mut block, 1);
    s.push(&w, &last).await;
    let (status, v) = draw(&s, &w).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let next: SerialBlock = serde_json::from_value(v).unwrap();
    assert_ne!(next.block, block.block);
    assert_eq!(next.used, 0);
    // Asked again (as after a lost answer), the same block comes back: no new one.
    for _ in 0..3 {
        let (status, v) = draw(&s, &w).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(serde_json::from_value::<SerialBlock>(v).unwrap(), next);
    }
    // Once a card of it is on the server, it is the block in use, and not yet mostly used.
    let mut in_use = next;
    let one = cards(&mut w, &mut in_use, 1);
    s.push(&w, &one).await;
    let (status, v) = draw(&s, &w).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("serial_quota")), "{v}");
    // Cards another device pushed with this device's serials do not count for it.
    let mut other = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut stolen = in_use;
    let forged = cards(&mut other, &mut stolen, 800);
    s.push(&other, &forged).await;
    let (status, _) = draw(&s, &w).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
