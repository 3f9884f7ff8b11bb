//! The demo history's shapes: every record valid, every case a legal fold, and the proportions
//! the office expects to see (village resolution near the 95% target, about 70% of village
//! closures by the party secretary, most households visited within their interval).

use chrono::{TimeZone, Utc};
use std::collections::HashMap;

use super::*;
use crate::demo::{DemoSize, generate};
use crate::dispute::{MediationLevel, VillageHandler};
use crate::record::Record;
use crate::workflow::{CaseStage, fold};

fn sample() -> (DemoBanner, DemoHistory, i64) {
    let banner = generate(11, &DemoSize::office());
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 4, 0, 0).unwrap();
    let h = history(11, &banner, 4, 6, now);
    (banner, h, now.timestamp_millis())
}

#[test]
fn every_record_is_valid_and_every_case_folds() {
    let (_, h, now) = sample();
    for (_, v) in &h.visits {
        v.validate().unwrap();
        assert!(v.visited_at.timestamp_millis() < now);
    }
    for (_, c) in &h.cards {
        c.validate().unwrap();
    }
    for (_, x) in &h.highlights {
        x.validate().unwrap();
    }
    let mut serials: Vec<_> = h.cards.iter().map(|(_, c)| c.serial.as_str().to_owned()).collect();
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), h.cards.len(), "card serials are unique");
    for c in &h.cases {
        c.dispute.validate().unwrap();
        fold(&c.events).unwrap_or_else(|e| panic!("{e}: {:?}", c.events.iter().map(|e| &e.action).collect::<Vec<_>>()));
        assert!(c.events.iter().all(|e| e.at.timestamp_millis() < now));
    }
}

#[test]
fn the_shapes_the_office_expects() {
    let (banner, h, now) = sample();
    let states: Vec<_> = h.cases.iter().map(|c| fold(&c.events).unwrap()).collect();
    let closed: Vec<_> = states.iter().filter(|s| matches!(s.stage, CaseStage::Closed | CaseStage::Rated)).collect();
    assert!(closed.len() * 2 > states.len(), "most cases are closed: {} of {}", closed.len(), states.len());
    let in_village = closed.iter().filter(|s| s.closed_level == Some(MediationLevel::Village)).count();
    let share = in_village as f64 / closed.len() as f64;
    assert!((0.85..0.99).contains(&share), "resolved in the village: {share}");
    assert!(closed.iter().any(|s| s.closed_level == Some(MediationLevel::Township)));
    let by: HashMap<_, usize> = closed.iter().filter_map(|s| s.village_handler).fold(HashMap::new(), |mut m, v| {
        *m.entry(v).or_default() += 1;
        m
    });
    let secretary = by[&VillageHandler::Secretary] as f64
        / (by[&VillageHandler::Secretary] + by[&VillageHandler::Committee]) as f64;
    assert!((0.55..0.85).contains(&secretary), "secretary share {secretary}");
    for stage in [CaseStage::Reported, CaseStage::Open, CaseStage::Dispatched, CaseStage::Mediating] {
        assert!(states.iter().any(|s| s.stage == stage), "some case waits at {stage}");
    }
    // Most households were visited within their interval; some never were.
    let mut last: HashMap<_, i64> = HashMap::new();
    for (_, v) in &h.visits {
        let e = last.entry(v.household).or_default();
        *e = (*e).max(v.visited_at.timestamp_millis());
    }
    let within = banner
        .households
        .iter()
        .filter(|(id, home)| last.get(id).is_some_and(|t| now - t <= i64::from(home.visit_interval_days()) * DAY_MS))
        .count();
    let coverage = within as f64 / banner.households.len() as f64;
    assert!((0.6..0.95).contains(&coverage), "coverage {coverage}");
    assert!(last.len() < banner.households.len(), "some households were never visited");
    assert!(!h.highlights.is_empty() && h.highlights.iter().any(|(_, x)| x.points < 0));
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let (banner, h, now) = sample();
    let again = history(11, &banner, 4, 6, Utc.timestamp_millis_opt(now).unwrap());
    assert_eq!(h, again);
}
