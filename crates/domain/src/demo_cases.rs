//! Demo cases for a generated banner: disputes reported by each grid's worker over the past weeks,
//! each carried some way through the closed loop by the grid's leader — most resolved in the
//! village and rated, some waiting at each step (a few past their deadline), a few escalated to
//! the township. Deterministic for a seed, so demos, tests and benchmarks see the same queue.

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::demo::DemoBanner;
use crate::dispute::{
    AttemptOutcome, Dispute, DisputeAction, DisputeCategory, DisputeEvent, MediationLevel, Party, Urgency,
    VillageHandler,
};
use crate::error::DomainError;
use crate::household::Household;
use crate::ids::RecordId;
use crate::record::{RecordState, Writer};
use crate::wire::Role;

const HOUR_MS: i64 = 3_600_000;

/// One demo case: the report (with its id) and its steps in order.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoCase {
    pub id: RecordId,
    pub dispute: Dispute,
    pub events: Vec<DisputeEvent>,
}

impl DemoCase {
    /// The case's records as `w` writes them: the report, then each step, stamped in that order.
    pub fn states(&self, w: &mut Writer<'_>) -> Result<Vec<RecordState>, DomainError> {
        let mut out = vec![RecordState::create(self.id, &self.dispute, w)?];
        for event in &self.events {
            out.push(RecordState::create(RecordId::new(), event, w)?);
        }
        Ok(out)
    }
}

/// A UUIDv7 id at `ms` from the seeded stream, so a seed gives the same ids every time.
pub(crate) fn id_at(rng: &mut ChaCha8Rng, ms: i64) -> RecordId {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    RecordId(uuid::Builder::from_unix_timestamp_millis(ms.max(0) as u64, &bytes).into_uuid())
}

const WHAT: [(DisputeCategory, &str); 8] = [
    (DisputeCategory::Neighbour, "楼上漏水，邻里争吵，要求赔偿"),
    (DisputeCategory::Land, "草场边界不清，两户放牧起争执"),
    (DisputeCategory::Family, "赡养老人费用分担产生矛盾"),
    (DisputeCategory::Property, "借款到期未还，双方争执"),
    (DisputeCategory::Labour, "务工工资拖欠两个月"),
    (DisputeCategory::Contract, "土地流转合同到期后续租争议"),
    (DisputeCategory::FireHazard, "楼道堆放杂物，存在消防隐患"),
    (DisputeCategory::Environment, "养殖场异味扰民"),
];

/// How far through the loop a case got, with its share (out of 100).
const ENDS: [(u32, &str); 9] = [
    (40, "rated"),
    (8, "closed"),
    (8, "resolved"),
    (10, "dispatched"),
    (8, "mediating"),
    (8, "open"),
    (12, "reported"),
    (4, "escalated"),
    (2, "rejected"),
];

/// `per_grid` cases for each grid that has a worker and a leader, reported over the 40 days
/// before `now`, steps a few hours to days apart (never after `now`).
pub fn cases(seed: u64, banner: &DemoBanner, per_grid: u32, now: DateTime<Utc>) -> Vec<DemoCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xca5e);
    // Who handled each village closure (about 70% the party secretary), from a stream of its own.
    let mut handlers = ChaCha8Rng::seed_from_u64(seed ^ 0x5ec);
    let mut out = Vec::new();
    let workers = banner.accounts.iter().filter(|a| a.role == Role::GridWorker);
    for worker in workers {
        let Some(leader) = banner.accounts.iter().find(|a| a.role == Role::GridLeader && a.scope == worker.scope)
        else {
            continue;
        };
        let homes: Vec<_> = banner.households.iter().filter(|(_, h)| h.micro_grid.is_within(&worker.scope)).collect();
        if homes.is_empty() {
            continue;
        }
        for _ in 0..per_grid {
            let (home_id, home) = homes[rng.random_range(0..homes.len())];
            let (category, description) = WHAT[rng.random_range(0..WHAT.len())];
            let urgency = match rng.random_range(0..20) {
                0 => Urgency::Critical,
                1..=4 => Urgency::High,
                5..=16 => Urgency::Normal,
                _ => Urgency::Low,
            };
            // Cases still waiting were mostly reported lately; finished ones over the past weeks.
            let end = pick_end(&mut rng);
            let days = if matches!(end, "rated" | "closed" | "rejected") { 40 } else { 6 };
            let reported_ms = now.timestamp_millis() - rng.random_range(2 * HOUR_MS..days * 24 * HOUR_MS);
            let dispute =
                report(&mut rng, &worker.name, (home_id, home), (category, description), urgency, reported_ms);
            let handler = if handlers.random_bool(0.7) { VillageHandler::Secretary } else { VillageHandler::Committee };
            let steps = steps_to(end, &worker.name, handler);
            let mut t = reported_ms;
            let id = id_at(&mut rng, t);
            let mut events = vec![event(id, &dispute, &worker.name, t, DisputeAction::Reported, "")];
            for (who, action, note) in steps {
                let gap = rng.random_range(HOUR_MS..(30 * HOUR_MS));
                if t + gap >= now.timestamp_millis() {
                    break;
                }
                t += gap;
                let actor = if who == Who::Worker { &worker.name } else { &leader.name };
                events.push(event(id, &dispute, actor, t, action, note));
            }
            out.push(DemoCase { id, dispute, events });
        }
    }
    out
}

fn pick_end(rng: &mut ChaCha8Rng) -> &'static str {
    let mut n = rng.random_range(0..ENDS.iter().map(|(w, _)| w).sum::<u32>());
    for (w, end) in ENDS {
        if n < w {
            return end;
        }
        n -= w;
    }
    "reported"
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Worker,
    Leader,
}

fn attempt(number: u8, outcome: AttemptOutcome, level: MediationLevel) -> DisputeAction {
    let agreement = if outcome == AttemptOutcome::Succeeded { "双方达成调解协议，当场履行" } else { "" };
    DisputeAction::MediationAttempt {
        level,
        number,
        outcome,
        mediator: "村人民调解委员会".into(),
        agreement: agreement.into(),
    }
}

/// The steps after the report that bring a case to `end`.
fn steps_to(end: &str, worker: &str, handler: VillageHandler) -> Vec<(Who, DisputeAction, &'static str)> {
    use AttemptOutcome::{Failed, Succeeded};
    use MediationLevel::{Township, Village};
    let verify = (Who::Leader, DisputeAction::Verified, "已入户核实");
    let dispatch = (Who::Leader, DisputeAction::Dispatched { to: worker.to_owned() }, "请网格员牵头调解");
    let fail = |n| (Who::Worker, attempt(n, Failed, Village), "双方意见分歧较大");
    let mut steps = match end {
        "reported" => vec![],
        "rejected" => vec![(Who::Leader, DisputeAction::Rejected { reason: "重复上报".into() }, "")],
        "open" => vec![verify],
        "dispatched" => vec![verify, dispatch],
        "mediating" => vec![verify, dispatch, fail(1)],
        "escalated" => vec![
            verify,
            dispatch,
            fail(1),
            fail(2),
            fail(3),
            (Who::Leader, DisputeAction::Escalated { to: Township }, "村级三次劝调未成，上报镇联调"),
        ],
        _ => vec![verify, dispatch, (Who::Worker, attempt(1, Succeeded, Village), "已调解")],
    };
    if matches!(end, "closed" | "rated") {
        steps.push((
            Who::Leader,
            DisputeAction::Closed { household_confirmed: true, village_handler: Some(handler) },
            "电话回访，当事户确认",
        ));
    }
    if end == "rated" {
        steps.push((Who::Leader, DisputeAction::Rated { score: 5 }, "当事户满意"));
    }
    steps
}

/// A report by `worker` about the household `home` (its head the party, its place the report's),
/// with an amount for money matters.
pub(crate) fn report(
    rng: &mut ChaCha8Rng,
    worker: &str,
    (home_id, home): (&RecordId, &Household),
    (category, description): (DisputeCategory, &str),
    urgency: Urgency,
    reported_ms: i64,
) -> Dispute {
    Dispute {
        micro_grid: home.micro_grid.clone(),
        reporter: worker.to_owned(),
        reported_at: at(reported_ms),
        category,
        parties: vec![Party { name: home.head_name.clone(), phone: home.phone.clone(), household: Some(*home_id) }],
        description: description.to_owned(),
        amount_yuan: matches!(category, DisputeCategory::Property | DisputeCategory::Labour)
            .then(|| f64::from(rng.random_range(5..200u32)) * 100.0),
        urgency,
        location: home.location,
    }
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) fn event(
    id: RecordId,
    d: &Dispute,
    actor: &str,
    ms: i64,
    action: DisputeAction,
    note: &str,
) -> DisputeEvent {
    let note = match (&action, note) {
        // A step that needs a note gets one.
        (DisputeAction::Feedback | DisputeAction::Closed { .. }, "") => "已处理",
        _ => note,
    };
    DisputeEvent {
        dispute: id,
        micro_grid: d.micro_grid.clone(),
        actor: actor.to_owned(),
        at: at(ms),
        action,
        note: note.to_owned(),
        visit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoSize, generate};
    use crate::workflow::{CaseStage, fold};

    #[test]
    fn demo_cases_follow_the_loop_and_spread_over_its_stages() {
        let banner = generate(3, &DemoSize::small());
        let now = Utc::now();
        let all = cases(3, &banner, 20, now);
        assert!(all.len() >= 20);
        let mut stages = std::collections::HashMap::new();
        for c in &all {
            assert!(c.events.iter().all(|e| e.dispute == c.id));
            let state = fold(&c.events).expect("a demo case follows the loop");
            *stages.entry(state.stage).or_insert(0) += 1;
            assert!(c.events.iter().all(|e| e.at <= now));
            assert!(c.events.windows(2).all(|w| w[0].at < w[1].at));
        }
        for s in [CaseStage::Reported, CaseStage::Open, CaseStage::Dispatched, CaseStage::Rated] {
            assert!(stages.contains_key(&s), "{s} missing from {stages:?}");
        }
        assert_eq!(cases(3, &banner, 20, now).len(), all.len());
    }
}
