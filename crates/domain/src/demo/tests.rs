//! Tests of the demo generator: determinism, sizes, and that every generated area, household and
//! account is valid and consistent.

use super::*;
use crate::record::Record;
use geo::BoundingRect;
use std::collections::HashMap;
use std::time::Instant;

/// Everything a consumer relies on: valid areas nested in their parents, unique codes and ids,
/// valid households inside their micro-grid (and no other), accounts with real scopes.
fn check(d: &DemoBanner) {
    let by_code: HashMap<&AreaCode, &Area> = d.areas.iter().map(|a| (&a.code, a)).collect();
    assert_eq!(by_code.len(), d.areas.len(), "area codes are unique");
    for a in &d.areas {
        a.validate().unwrap_or_else(|e| panic!("{}: {e:?}", a.code));
        if let Some(p) = &a.parent {
            let (inner, outer) = (bounds(a), bounds(by_code[p]));
            assert!(inner.min().x >= outer.min().x && inner.max().x <= outer.max().x, "{}", a.code);
            assert!(inner.min().y >= outer.min().y && inner.max().y <= outer.max().y, "{}", a.code);
        }
    }
    let ids: HashSet<RecordId> = d.households.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), d.households.len(), "household ids are unique");
    let mut doors = HashSet::new();
    for (id, h) in &d.households {
        h.validate().unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let micro = by_code[&h.micro_grid];
        assert_eq!(micro.level, AreaLevel::MicroGrid);
        assert!(micro.contains(h.location.unwrap()), "{id} lies outside {}", micro.code);
        assert_eq!(h.members[0].relation, "户主");
        assert!(h.members.len() <= 5 && h.members.iter().all(|m| (1935..=2023).contains(&m.birth_year.unwrap())));
        assert!(doors.insert((&h.address, &h.door_number)), "door {} {} repeats", h.address, h.door_number);
    }
    let codes: HashSet<&str> = d.accounts.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes.len(), d.accounts.len(), "enrollment codes are unique");
    assert!(d.accounts.iter().all(|a| by_code.contains_key(&a.scope) && crate::validate::is_phone(&a.phone)));
    let w = d.accounts.iter().find(|a| a.code == FIRST_WORKER_CODE).expect("DEMO-W-0001");
    assert_eq!((w.name.as_str(), w.role, AreaLevel::of(&w.scope)), ("王芳", Role::GridWorker, Some(AreaLevel::Grid)));
}

fn bounds(a: &Area) -> Rect<f64> {
    a.boundary.as_ref().and_then(|b| b.bounding_rect()).expect("every demo area has a boundary")
}

fn count(d: &DemoBanner, level: AreaLevel) -> usize {
    d.areas.iter().filter(|a| a.level == level).count()
}

#[test]
fn demo_is_deterministic() {
    let a = generate(7, &DemoSize::small());
    assert_eq!(a, generate(7, &DemoSize::small()));
    assert_ne!(a.households, generate(8, &DemoSize::small()).households);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<DemoBanner>(&json).unwrap(), a);
}

#[test]
fn demo_small_preset_is_consistent() {
    let d = generate(1, &DemoSize::small());
    check(&d);
    let levels = [AreaLevel::Banner, AreaLevel::Township, AreaLevel::Village, AreaLevel::Grid, AreaLevel::MicroGrid];
    assert_eq!(levels.map(|l| count(&d, l)), [1, 2, 4, 8, 24]);
    assert_eq!(d.households.len(), 288);
    assert_eq!(d.accounts.len(), 8 + 8 + 2 + 1);
    assert_eq!(d.areas[1].name, "工业街道");
    assert!(d.areas.iter().any(|a| a.name == "平原街道") && d.areas.iter().any(|a| a.name == "锦园社区"));
    // Tiles do not overlap: each household's point is found in its own micro-grid only.
    for (_, h) in &d.households {
        assert_eq!(crate::area::micro_grid_at(&d.areas, h.location.unwrap()).unwrap().code, h.micro_grid);
    }
}

#[test]
fn demo_banner_preset_matches_the_real_banner() {
    let size = DemoSize::banner();
    let started = Instant::now();
    let d = generate(1, &size);
    let took = started.elapsed();
    let near = |n: usize, real: f64| (n as f64 - real).abs() / real <= 0.03;
    let (grids, micro) = (count(&d, AreaLevel::Grid), count(&d, AreaLevel::MicroGrid));
    assert!(near(grids, 1678.0) && near(micro, 24763.0), "{grids} grids, {micro} micro-grids");
    assert_eq!((d.areas.len() as u64, d.households.len() as u64), (size.areas(), size.households()));
    check(&d);
    let n = d.households.len() as f64;
    let rate = |t: HouseholdTag| d.households.iter().filter(|(_, h)| h.tags.contains(&t)).count() as f64 * 100.0 / n;
    for (tag, pct) in [(HouseholdTag::ElderlyAlone, 8.0), (HouseholdTag::LowIncome, 6.0), (HouseholdTag::Rental, 5.0)] {
        assert!((rate(tag) - pct).abs() < 1.5, "{tag:?}: {:.1} %", rate(tag));
    }
    let levels = [AreaLevel::Banner, AreaLevel::Township, AreaLevel::Village, AreaLevel::Grid, AreaLevel::MicroGrid];
    let roles = [Role::GridWorker, Role::GridLeader, Role::Supervisor, Role::Admin]
        .map(|r| d.accounts.iter().filter(|a| a.role == r).count());
    println!(
        "banner preset: areas per level {:?}, {} households, accounts {roles:?}, generated in {took:?}",
        levels.map(|l| count(&d, l)),
        d.households.len()
    );
}
