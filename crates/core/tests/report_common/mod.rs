//! The report tests' store: the small demo banner seen from township 150621001's office, with
//! four months of demo history (`demo_history`: visits, cards, cases, highlights) and hand-made
//! cases for the edges (a township closure, a
//! banner closure, handlers recorded, a reopened case, one across a year boundary, one in the other
//! township), and the independent counts written straight in SQL over the `records` JSON.

#![allow(dead_code)]

pub mod independent;

use chrono::{DateTime, Utc};
use gridwork_core::{Engine, Profile};
use gridwork_domain::demo::{DemoBanner, DemoSize, generate};
use gridwork_domain::demo_cases::DemoCase;
use gridwork_domain::demo_history::history;
use gridwork_domain::dispute::VillageHandler;
use gridwork_domain::wire::Role;
use gridwork_domain::*;

pub const TOWNSHIP: &str = "150621001";
pub const OTHER_TOWNSHIP: &str = "150621002";
/// "Now" of the fixture: 10 December 2026, noon China time.
pub const NOW: &str = "2026-12-10T04:00:00Z";
const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

pub fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

pub fn now_ms() -> i64 {
    ms(NOW)
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    pub banner: DemoBanner,
}

/// The vault of the fixture's store (PIN 246810, cheap Argon2id costs, no keyring): the CLI
/// unlocks it with `GRIDWORK_PIN`.
pub fn vault(path: &std::path::Path) -> gridwork_core::Vault {
    gridwork_core::Vault::at(path).with_kdf(gridwork_core::vault::KdfParams { m_kib: 1024, t: 1, ..Default::default() })
}

/// The fixture's store at `path`, unlocked.
pub fn unlock(path: &std::path::Path) -> Engine {
    vault(path).unlock(&gridwork_core::Pin::new("246810").unwrap(), &gridwork_core::NoKeyring).unwrap()
}

/// A supervisor's engine for the township, without data.
pub fn supervisor(dir: &tempfile::TempDir, scope: &str) -> Engine {
    let mut e = vault(&dir.path().join("office.db"))
        .create(
            &gridwork_core::Pin::new("246810").unwrap(),
            &gridwork_core::NoKeyring,
            &gridwork_domain::policy::DevicePolicy::default(),
        )
        .unwrap();
    let p = Profile::offline("赵督导", "13800138000", Role::Supervisor, AreaCode::parse(scope).unwrap(), 3).unwrap();
    e.set_profile(p).unwrap();
    e
}

/// The fixture store.
pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = supervisor(&dir, TOWNSHIP);
    let banner = generate(7, &DemoSize::small());
    engine.load_demo(&banner).unwrap();
    let now = at(now_ms());
    // Four months of history (visits, cards, cases at every stage, highlights), then the edges.
    engine.load_demo_history(&history(7, &banner, 4, 6, now)).unwrap();
    engine.load_demo_cases(&edge_cases(&banner)).unwrap();
    Fixture { dir, engine, banner }
}

/// A hand-made case: a report at `reported` in micro-grid `mg`, then `steps` at their times.
pub fn case(mg: &AreaCode, category: DisputeCategory, reported: i64, steps: Vec<(i64, DisputeAction)>) -> DemoCase {
    let id = RecordId::new();
    let dispute = Dispute {
        micro_grid: mg.clone(),
        reporter: "王芳".into(),
        reported_at: at(reported),
        category,
        parties: vec![Party { name: "张三".into(), phone: None, household: None }],
        description: "手工构造的案件".into(),
        amount_yuan: None,
        urgency: Urgency::Normal,
        location: None,
    };
    let event = |t: i64, action: DisputeAction| DisputeEvent {
        dispute: id,
        micro_grid: mg.clone(),
        actor: "李网格长".into(),
        at: at(t),
        action,
        note: "已处理".into(),
        visit: None,
    };
    let mut events = vec![event(reported, DisputeAction::Reported)];
    events.extend(steps.into_iter().map(|(t, a)| event(t, a)));
    DemoCase { id, dispute, events }
}

fn attempt(level: MediationLevel, number: u8, ok: bool) -> DisputeAction {
    DisputeAction::MediationAttempt {
        level,
        number,
        outcome: if ok { AttemptOutcome::Succeeded } else { AttemptOutcome::Failed },
        mediator: "调解员".into(),
        agreement: if ok { "达成协议".into() } else { String::new() },
    }
}

fn closed(handler: Option<VillageHandler>) -> DisputeAction {
    DisputeAction::Closed { household_confirmed: true, village_handler: handler }
}

/// Steps that carry a case through `levels` failed levels and succeed at the next, from `t`.
fn through(t: i64, failed_levels: &[MediationLevel], succeed_at: MediationLevel) -> (i64, Vec<(i64, DisputeAction)>) {
    let mut t = t;
    let mut steps = vec![];
    let mut next = |a: DisputeAction, steps: &mut Vec<(i64, DisputeAction)>| {
        t += 6 * HOUR;
        steps.push((t, a));
    };
    next(DisputeAction::Verified, &mut steps);
    next(DisputeAction::Dispatched { to: "调解员".into() }, &mut steps);
    for level in failed_levels {
        for n in 1..=3 {
            next(attempt(*level, n, false), &mut steps);
        }
        next(DisputeAction::Escalated { to: level.next().unwrap() }, &mut steps);
        next(DisputeAction::Dispatched { to: "调解员".into() }, &mut steps);
    }
    next(attempt(succeed_at, 1, true), &mut steps);
    (t, steps)
}

/// The edge cases, in the township's first micro-grid (and one in the other township).
pub fn edge_cases(banner: &DemoBanner) -> Vec<DemoCase> {
    let mg = |prefix: &str| {
        banner
            .areas
            .iter()
            .find(|a| a.code.as_str().starts_with(prefix) && a.code.as_str().len() == 18)
            .unwrap()
            .code
            .clone()
    };
    let here = mg(TOWNSHIP);
    let there = mg(OTHER_TOWNSHIP);
    use MediationLevel::{Banner, Township, Village};
    let mut out = Vec::new();
    // Escalated to the township, closed there in November, rated 4.
    let r = ms("2026-11-02T02:00:00Z");
    let (t, mut steps) = through(r, &[Village], Township);
    steps.push((t + DAY, closed(None)));
    steps.push((t + 2 * DAY, DisputeAction::Rated { score: 4 }));
    out.push(case(&here, DisputeCategory::Land, r, steps));
    // Escalated to the banner, closed there in November.
    let r = ms("2026-10-20T02:00:00Z");
    let (t, mut steps) = through(r, &[Village, Township], Banner);
    steps.push((ms("2026-11-25T02:00:00Z").max(t + HOUR), closed(None)));
    out.push(case(&here, DisputeCategory::Property, r, steps));
    // Village closures in November with their handlers recorded.
    for (i, handler) in
        [VillageHandler::Secretary, VillageHandler::Secretary, VillageHandler::Committee].into_iter().enumerate()
    {
        let r = ms("2026-11-10T02:00:00Z") + i as i64 * DAY;
        let (t, mut steps) = through(r, &[], Village);
        steps.push((t + HOUR, closed(Some(handler))));
        steps.push((t + 2 * HOUR, DisputeAction::Rated { score: 3 + i as u8 }));
        out.push(case(&here, DisputeCategory::Neighbour, r, steps));
    }
    // Closed in November, then reopened: not a closure any more.
    let r = ms("2026-11-05T02:00:00Z");
    let (t, mut steps) = through(r, &[], Village);
    steps.push((t + HOUR, closed(Some(VillageHandler::Secretary))));
    steps.push((ms("2026-11-20T02:00:00Z"), DisputeAction::Reopened { reason: "协议未履行".into() }));
    out.push(case(&here, DisputeCategory::Family, r, steps));
    // Reported in December 2025, closed in January 2026 (a period across the year's end).
    let r = ms("2025-12-28T02:00:00Z");
    let (_, mut steps) = through(r, &[], Village);
    steps.push((ms("2026-01-03T02:00:00Z"), closed(Some(VillageHandler::Committee))));
    out.push(case(&here, DisputeCategory::Labour, r, steps));
    // In the other township: never counted for this one.
    let r = ms("2026-11-03T02:00:00Z");
    let (t, mut steps) = through(r, &[], Village);
    steps.push((t + HOUR, closed(Some(VillageHandler::Secretary))));
    out.push(case(&there, DisputeCategory::Neighbour, r, steps));
    out
}
