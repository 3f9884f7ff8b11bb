//! The demo's visits and contact cards: each household's worker comes about as often as its tags
//! ask (重点人群 more often), most keep it up, some lapsed lately, a few households were never
//! visited; most households were handed a card at some visit.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{DAY_MS, at};
use crate::card::{CardStatus, ContactCard};
use crate::demo::{DemoAccount, DemoBanner};
use crate::demo_cases::id_at;
use crate::ids::{AreaCode, RecordId};
use crate::serial::{FALLBACK_BLOCK_BASE, SerialBlock};
use crate::visit::{Visit, VisitPurpose};
use crate::wire::Role;

const FINDINGS: [&str; 6] = [
    "一切正常，家中整洁",
    "老人身体状况良好，已提醒注意用电安全",
    "了解低保政策落实情况",
    "反映楼道照明不足，已记录",
    "孩子在校表现良好，监护人在家",
    "宣传防诈骗知识",
];

/// The worker of each grid, by the grid's code.
pub(crate) fn workers(banner: &DemoBanner) -> HashMap<&AreaCode, &DemoAccount> {
    banner.accounts.iter().filter(|a| a.role == Role::GridWorker).map(|a| (&a.scope, a)).collect()
}

fn grid_of(micro_grid: &AreaCode) -> AreaCode {
    micro_grid.parent().expect("a micro-grid has a grid")
}

/// A moment of a working day (8:30 to 18:00 China time) on the day of `ms`.
fn working_hours(rng: &mut ChaCha8Rng, ms: i64) -> i64 {
    let china_day = (ms + 8 * 3_600_000).div_euclid(DAY_MS);
    china_day * DAY_MS - 8 * 3_600_000 + rng.random_range(510..1080) * 60_000
}

pub(crate) fn visits(seed: u64, banner: &DemoBanner, from_ms: i64, now_ms: i64) -> Vec<(RecordId, Visit)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0071_5175);
    let workers = workers(banner);
    let mut out = Vec::new();
    for (home_id, home) in &banner.households {
        let Some(worker) = workers.get(&grid_of(&home.micro_grid)) else { continue };
        let interval = i64::from(home.visit_interval_days()) * DAY_MS;
        // 80% kept up, 13% lapsed one to three intervals ago, 7% never visited.
        let until = match rng.random_range(0..100) {
            0..80 => now_ms,
            80..93 => now_ms - interval * rng.random_range(1..4),
            _ => continue,
        };
        let purpose = if home.tags.is_empty() { VisitPurpose::Routine } else { VisitPurpose::CareVisit };
        let mut t = from_ms + rng.random_range(0..interval.max(DAY_MS));
        while t < until {
            let when = working_hours(&mut rng, t).min(now_ms - 60_000);
            let visit = Visit {
                purpose,
                ..Visit::routine(
                    *home_id,
                    home.micro_grid.clone(),
                    &worker.name,
                    at(when),
                    FINDINGS[rng.random_range(0..FINDINGS.len())],
                )
            };
            out.push((id_at(&mut rng, when), visit));
            // The next visit comes after 60% to 100% of the interval.
            t += interval * rng.random_range(60..=100) / 100;
        }
    }
    out
}

/// Cards for about 70% of the households, issued by their grid's worker on a working day in the
/// window, serials from a block of the grid's own at the top of the assigned range (far from the
/// blocks the server hands out from the bottom).
pub(crate) fn cards(seed: u64, banner: &DemoBanner, from_ms: i64, now_ms: i64) -> Vec<(RecordId, ContactCard)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xca4d);
    let workers = workers(banner);
    let mut grids: Vec<&AreaCode> = workers.keys().copied().collect();
    grids.sort();
    let mut blocks: HashMap<AreaCode, SerialBlock> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let block = FALLBACK_BLOCK_BASE - 1 - i as u32;
            ((*g).clone(), SerialBlock::assigned(block).expect("a block below the fallback range"))
        })
        .collect();
    let mut out = Vec::new();
    for (home_id, home) in &banner.households {
        if !rng.random_bool(0.7) {
            continue;
        }
        let grid = grid_of(&home.micro_grid);
        let (Some(worker), Some(block)) = (workers.get(&grid), blocks.get_mut(&grid)) else { continue };
        let Some(serial) = block.issue() else { continue };
        let day = rng.random_range(from_ms..now_ms);
        let when = working_hours(&mut rng, day).min(now_ms - 60_000);
        let card = ContactCard {
            household: *home_id,
            micro_grid: home.micro_grid.clone(),
            serial,
            issuer: worker.name.clone(),
            issuer_phone: worker.phone.clone(),
            issued_at: at(when),
            recipient: home.head_name.clone(),
            status: CardStatus::Active,
        };
        out.push((id_at(&mut rng, when), card));
    }
    out
}
