//! The demo supervisors' highlight points: a few awards (and a deduction) to grids and villages
//! of each township in this quarter and the last.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{DAY_MS, at};
use crate::area::AreaLevel;
use crate::demo::DemoBanner;
use crate::demo_cases::id_at;
use crate::highlight::Highlight;
use crate::ids::RecordId;
use crate::report::quarter_of;
use crate::wire::Role;

const REASONS: [(i32, &str); 5] = [
    (5, "成功化解一起群体性土地纠纷，获旗委通报表扬"),
    (3, "重点人群关爱走访经验在全镇推广"),
    (2, "网格服务联系卡发放工作扎实"),
    (4, "疫情防控、防汛期间网格员连续值守"),
    (-2, "走访台账不实，督查中发现代填"),
];

pub(crate) fn highlights(seed: u64, banner: &DemoBanner, now_ms: i64) -> Vec<(RecordId, Highlight)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x619);
    let mut out = Vec::new();
    for supervisor in banner.accounts.iter().filter(|a| a.role == Role::Supervisor) {
        let places: Vec<_> = banner
            .areas
            .iter()
            .filter(|a| matches!(a.level, AreaLevel::Village | AreaLevel::Grid) && a.code.is_within(&supervisor.scope))
            .collect();
        if places.is_empty() {
            continue;
        }
        // This quarter (some days ago) and the quarter before (about three months ago).
        for back_days in [3, 95] {
            let when = now_ms - back_days * DAY_MS - rng.random_range(0..DAY_MS);
            for _ in 0..3 {
                let place = places[rng.random_range(0..places.len())];
                let (points, reason) = REASONS[rng.random_range(0..REASONS.len())];
                let h = Highlight {
                    area: place.code.clone(),
                    quarter: quarter_of(when),
                    points,
                    reason: reason.to_owned(),
                    awarded_by: supervisor.name.clone(),
                    awarded_at: at(when),
                    withdrawn: false,
                };
                out.push((id_at(&mut rng, when), h));
            }
        }
    }
    out
}
