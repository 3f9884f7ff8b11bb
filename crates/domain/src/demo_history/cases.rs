//! The demo's cases month by month: reported by the grid's worker, verified and dispatched by its
//! leader, mediated in the village (most succeed, handled by the party secretary about 70% of the
//! time), some escalated to the township's joint mediation and a few on to the banner, closed with
//! the household's confirmation and rated. Old cases are mostly finished; recent ones wait at
//! every step, some past their deadline.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::DAY_MS;
use crate::demo::{DemoAccount, DemoBanner};
use crate::demo_cases::{DemoCase, event, id_at, report};
use crate::dispute::{
    AttemptOutcome, Dispute, DisputeAction, DisputeCategory, DisputeEvent, MediationLevel, Urgency, VillageHandler,
};
use crate::wire::Role;
use crate::workflow::CaseStage;

const HOUR_MS: i64 = 3_600_000;

const WHAT: [(DisputeCategory, &str, u32); 8] = [
    (DisputeCategory::Neighbour, "楼上漏水，邻里争吵，要求赔偿", 24),
    (DisputeCategory::Land, "草场边界不清，两户放牧起争执", 16),
    (DisputeCategory::Family, "赡养老人费用分担产生矛盾", 14),
    (DisputeCategory::Property, "借款到期未还，双方争执", 12),
    (DisputeCategory::Labour, "务工工资拖欠两个月", 10),
    (DisputeCategory::Contract, "土地流转合同到期后续租争议", 10),
    (DisputeCategory::FireHazard, "楼道堆放杂物，存在消防隐患", 8),
    (DisputeCategory::Environment, "养殖场异味扰民", 6),
];

/// Who takes the steps of a case in one grid.
struct Cast<'a> {
    worker: &'a DemoAccount,
    leader: &'a DemoAccount,
    supervisor: &'a DemoAccount,
    centre: &'a DemoAccount,
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, table: &[(T, u32)]) -> T {
    let mut n = rng.random_range(0..table.iter().map(|(_, w)| w).sum::<u32>());
    for &(v, w) in table {
        if n < w {
            return v;
        }
        n -= w;
    }
    table[0].0
}

/// How far a case reported `age_days` ago got: the newest wait at the first steps, a week-old one
/// is being mediated or closed, and old cases are nearly all finished (a few stuck, overdue).
fn end_for(rng: &mut ChaCha8Rng, age_days: i64) -> CaseStage {
    use CaseStage::*;
    match age_days {
        0..=1 => weighted(rng, &[(Reported, 50), (Open, 20), (Dispatched, 20), (Mediating, 5), (Rejected, 5)]),
        2..=7 => weighted(
            rng,
            &[
                (Reported, 6),
                (Open, 8),
                (Dispatched, 22),
                (Mediating, 20),
                (Resolved, 15),
                (Closed, 16),
                (Rated, 8),
                (Rejected, 5),
            ],
        ),
        8..=20 => weighted(
            rng,
            &[
                (Reported, 1),
                (Open, 2),
                (Dispatched, 6),
                (Mediating, 10),
                (Resolved, 8),
                (Closed, 18),
                (Rated, 50),
                (Rejected, 5),
            ],
        ),
        _ => weighted(rng, &[(Rated, 84), (Closed, 5), (Rejected, 4), (Resolved, 2), (Mediating, 3), (Dispatched, 2)]),
    }
}

pub(crate) fn cases(seed: u64, banner: &DemoBanner, months: u32, per_grid_month: u32, now_ms: i64) -> Vec<DemoCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xca5e5);
    let Some(centre) = banner.accounts.iter().find(|a| a.role == Role::Admin) else { return Vec::new() };
    let mut out = Vec::new();
    for worker in banner.accounts.iter().filter(|a| a.role == Role::GridWorker) {
        let leader = banner.accounts.iter().find(|a| a.role == Role::GridLeader && a.scope == worker.scope);
        let supervisor =
            banner.accounts.iter().find(|a| a.role == Role::Supervisor && worker.scope.is_within(&a.scope));
        let (Some(leader), Some(supervisor)) = (leader, supervisor) else { continue };
        let cast = Cast { worker, leader, supervisor, centre };
        let homes: Vec<_> = banner.households.iter().filter(|(_, h)| h.micro_grid.is_within(&worker.scope)).collect();
        if homes.is_empty() {
            continue;
        }
        for month in 0..months {
            let month_end = now_ms - i64::from(month) * 30 * DAY_MS;
            for _ in 0..per_grid_month {
                let reported_ms = month_end - rng.random_range(HOUR_MS..30 * DAY_MS);
                let (home_id, home) = homes[rng.random_range(0..homes.len())];
                let (category, description, _) = weighted(&mut rng, &WHAT.map(|w| (w, w.2)));
                let urgency = weighted(
                    &mut rng,
                    &[(Urgency::Critical, 1), (Urgency::High, 4), (Urgency::Normal, 12), (Urgency::Low, 3)],
                );
                let dispute =
                    report(&mut rng, &worker.name, (home_id, home), (category, description), urgency, reported_ms);
                let end = end_for(&mut rng, (now_ms - reported_ms) / DAY_MS);
                // Of the cases that get as far as mediation: 92% stay in the village, 6% go to
                // the township, 2% on to the banner.
                let level = weighted(
                    &mut rng,
                    &[(MediationLevel::Village, 92), (MediationLevel::Township, 6), (MediationLevel::Banner, 2)],
                );
                let id = id_at(&mut rng, reported_ms);
                let events = steps(&mut rng, &cast, &dispute, id, reported_ms, now_ms, end, level);
                out.push(DemoCase { id, dispute, events });
            }
        }
    }
    out
}

/// The case's events up to `end` at `level`, spaced as people work (a tenth of the steps late),
/// stopping before `now_ms`.
#[allow(clippy::too_many_arguments)]
fn steps(
    rng: &mut ChaCha8Rng,
    cast: &Cast<'_>,
    d: &Dispute,
    id: crate::ids::RecordId,
    reported_ms: i64,
    now_ms: i64,
    end: CaseStage,
    level: MediationLevel,
) -> Vec<DisputeEvent> {
    use AttemptOutcome::{Failed, Succeeded};
    use MediationLevel::{Banner, Township, Village};
    let mut plan: Vec<(&DemoAccount, DisputeAction, &str, i64)> = Vec::new();
    let handler =
        weighted(rng, &[(Some(VillageHandler::Secretary), 68), (Some(VillageHandler::Committee), 29), (None, 3)]);
    let mediator = match handler {
        Some(VillageHandler::Secretary) => "村党组织书记",
        _ => "村人民调解委员会",
    };
    let g = |rng: &mut ChaCha8Rng, lo: i64, hi: i64| rng.random_range(lo..hi);
    // A tenth of the steps that have a deadline take three times as long.
    let late = |rng: &mut ChaCha8Rng, lo: i64, hi: i64| {
        let usual = rng.random_range(lo..hi);
        if rng.random_bool(0.1) { usual * 3 } else { usual }
    };
    if end == CaseStage::Rejected {
        let gap = g(rng, 2 * HOUR_MS, 20 * HOUR_MS);
        plan.push((cast.leader, DisputeAction::Rejected { reason: "重复上报".into() }, "", gap));
    } else if end != CaseStage::Reported {
        let gap = late(rng, 2 * HOUR_MS, 20 * HOUR_MS);
        plan.push((cast.leader, DisputeAction::Verified, "已入户核实", gap));
    }
    // The loop's stages are declared in the order a case goes through them (`Referred` is never an end here).
    let reaches = |e: CaseStage| end as u8 >= e as u8 && end != CaseStage::Rejected;
    if reaches(CaseStage::Dispatched) {
        let gap = late(rng, HOUR_MS, 20 * HOUR_MS);
        plan.push((cast.leader, DisputeAction::Dispatched { to: cast.worker.name.clone() }, "请网格员牵头调解", gap));
        let attempt = |level, number, outcome, mediator: &str| DisputeAction::MediationAttempt {
            level,
            number,
            outcome,
            mediator: mediator.to_owned(),
            agreement: if outcome == Succeeded {
                "双方达成调解协议，当场履行".into()
            } else {
                String::new()
            },
        };
        let levels: &[MediationLevel] = match level {
            Village => &[Village],
            Township => &[Village, Township],
            Banner => &[Village, Township, Banner],
        };
        for (i, &here) in levels.iter().enumerate() {
            let last = i + 1 == levels.len();
            let (who, by) = match here {
                Village => (cast.worker, mediator),
                Township => (cast.supervisor, "镇矛盾纠纷调处中心"),
                Banner => (cast.centre, "旗矛盾纠纷多元化解中心"),
            };
            if here != Village {
                plan.push((
                    who,
                    DisputeAction::Dispatched { to: who.name.clone() },
                    "联合调解",
                    g(rng, 2 * HOUR_MS, 30 * HOUR_MS),
                ));
            }
            if !last {
                for n in 1..=3 {
                    plan.push((who, attempt(here, n, Failed, by), "双方意见分歧较大", g(rng, DAY_MS, 3 * DAY_MS)));
                }
                let escalator = if here == Village { cast.leader } else { cast.supervisor };
                let up = here.next().unwrap_or(Banner);
                plan.push((
                    escalator,
                    DisputeAction::Escalated { to: up },
                    "三次调解未成，上报上级",
                    g(rng, 2 * HOUR_MS, DAY_MS),
                ));
                continue;
            }
            if !reaches(CaseStage::Mediating) {
                break;
            }
            let failures = if end == CaseStage::Mediating { rng.random_range(1..3) } else { rng.random_range(0..2) };
            for n in 1..=failures {
                plan.push((who, attempt(here, n, Failed, by), "双方意见分歧较大", late(rng, DAY_MS, 3 * DAY_MS)));
            }
            if reaches(CaseStage::Resolved) {
                plan.push((who, attempt(here, failures + 1, Succeeded, by), "已调解", late(rng, DAY_MS, 3 * DAY_MS)));
            }
            if reaches(CaseStage::Closed) {
                let closer = match here {
                    Village => cast.leader,
                    _ => who,
                };
                let village_handler = if here == Village { handler } else { None };
                let close = DisputeAction::Closed { household_confirmed: true, village_handler };
                plan.push((closer, close, "电话回访，当事户确认", late(rng, 4 * HOUR_MS, 2 * DAY_MS)));
            }
            if reaches(CaseStage::Rated) {
                let score = weighted(rng, &[(5u8, 60), (4, 28), (3, 8), (2, 3), (1, 1)]);
                let rater = if here == Village { cast.leader } else { who };
                plan.push((rater, DisputeAction::Rated { score }, "当事户评价", g(rng, DAY_MS, 5 * DAY_MS)));
            }
        }
    }
    let mut t = reported_ms;
    let mut events = vec![event(id, d, &cast.worker.name, t, DisputeAction::Reported, "")];
    for (who, action, note, gap) in plan {
        if t + gap >= now_ms {
            break;
        }
        t += gap;
        events.push(event(id, d, &who.name, t, action, note));
    }
    events
}
