//! Deterministic demo data: a banner shaped like Dalad Banner (达拉特旗) with its areas, households
//! and enrollment accounts, generated from a seed. Pure: no I/O, same seed and size ⇒ same output.

#[rustfmt::skip]
mod names;

use std::collections::HashSet;

use geo::{MultiPolygon, Rect, coord};
use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::area::{Area, AreaLevel};
use crate::geo::GeoPoint;
use crate::household::{Household, HouseholdTag, Member};
use crate::ids::{AreaCode, RecordId};
use crate::wire::Role;

/// The banner's area code and name.
pub const BANNER_CODE: &str = "150621";
pub const BANNER_NAME: &str = "达拉特旗";
/// Enrollment code of the first grid worker; always named 王芳 and scoped to the first grid.
pub const FIRST_WORKER_CODE: &str = "DEMO-W-0001";

/// Household ids are v7 uuids counted up from this instant (2024-01-01T00:00:00Z), one ms apart.
const DEMO_EPOCH_MS: u64 = 1_704_067_200_000;
/// The banner's extent (roughly the real one).
const BANNER_BOX: BBox = BBox { south: 39.9, north: 40.6, west: 109.3, east: 110.8 };

/// How many areas of each level to generate. Every count applies uniformly to each parent and
/// must be at most 999 (a code level has three digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSize {
    pub townships: u32,
    pub villages_per_township: u32,
    pub grids_per_village: u32,
    pub micro_grids_per_grid: u32,
    pub households_per_micro_grid: u32,
}

impl DemoSize {
    /// Shaped like the real banner: 8 townships × 21 villages × 10 grids × 15 micro-grids gives
    /// 1,680 grids (real: 1,678) and 25,200 micro-grids (real: 24,763), with 4 households each.
    pub const fn banner() -> Self {
        Self::new(8, 21, 10, 15, 4)
    }

    /// A small banner for the demo server and tests: 2 × 2 × 2 × 3 micro-grids, 12 households each.
    pub const fn small() -> Self {
        Self::new(2, 2, 2, 3, 12)
    }

    /// The office's demo: 3 × 3 × 3 × 3 micro-grids, 10 households each — enough grids and
    /// villages in a township for its dashboard and ranking to be worth looking at.
    pub const fn office() -> Self {
        Self::new(3, 3, 3, 3, 10)
    }

    /// A preset by name: `small`, `office` or `banner`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "small" => Some(Self::small()),
            "office" => Some(Self::office()),
            "banner" => Some(Self::banner()),
            _ => None,
        }
    }

    /// Townships, villages per township, grids per village, micro-grids per grid, households per
    /// micro-grid.
    pub const fn new(townships: u32, villages: u32, grids: u32, micro_grids: u32, households: u32) -> Self {
        Self {
            townships,
            villages_per_township: villages,
            grids_per_village: grids,
            micro_grids_per_grid: micro_grids,
            households_per_micro_grid: households,
        }
    }

    pub fn villages(&self) -> u64 {
        u64::from(self.townships) * u64::from(self.villages_per_township)
    }

    pub fn grids(&self) -> u64 {
        self.villages() * u64::from(self.grids_per_village)
    }

    pub fn micro_grids(&self) -> u64 {
        self.grids() * u64::from(self.micro_grids_per_grid)
    }

    pub fn households(&self) -> u64 {
        self.micro_grids() * u64::from(self.households_per_micro_grid)
    }

    /// All areas, the banner included.
    pub fn areas(&self) -> u64 {
        1 + u64::from(self.townships) + self.villages() + self.grids() + self.micro_grids()
    }
}

/// One account (by its handle) and the identity a handset enrolled for it receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    /// The account's handle, e.g. "DEMO-W-0001" (W worker, L leader, S supervisor, A admin); a
    /// handset enrolls with a one-time code the server makes for it.
    pub code: String,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub scope: AreaCode,
}

/// A generated banner: areas top down (each parent before its children), households in
/// micro-grid order, accounts (workers, leaders, supervisors, admin).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoBanner {
    pub areas: Vec<Area>,
    pub households: Vec<(RecordId, Household)>,
    pub accounts: Vec<DemoAccount>,
}

/// Generates a banner from `seed`. Townships take the real names first; every area has a
/// rectangular boundary tiled inside its parent's; every household lies inside its micro-grid.
pub fn generate(seed: u64, size: &DemoSize) -> DemoBanner {
    let mut place_rng = stream(seed, 1);
    let mut hh = HouseholdGen { rng: stream(seed, 2), next_id: 0 };
    let mut used = HashSet::new();
    let banner = AreaCode::parse(BANNER_CODE).expect("the banner code is valid");
    let mut areas = Vec::with_capacity(size.areas() as usize);
    let mut households = Vec::with_capacity(size.households() as usize);
    let mut grids = Vec::with_capacity(size.grids() as usize);
    areas.push(area(&banner, BANNER_NAME.to_owned(), BANNER_BOX));
    for (ti, tbox) in BANNER_BOX.split(size.townships) {
        let tcode = banner.child(ti);
        let tname = township_name(&mut place_rng, ti, &mut used);
        areas.push(area(&tcode, tname.clone(), tbox));
        for (vi, vbox) in tbox.split(size.villages_per_township) {
            let vcode = tcode.child(vi);
            let place = place_kind(&mut place_rng, &tname, vi, size.villages_per_township);
            let vname = village_name(&mut place_rng, place, &tname, vi, &mut used);
            areas.push(area(&vcode, vname.clone(), vbox));
            for (gi, gbox) in vbox.split(size.grids_per_village) {
                let gcode = vcode.child(gi);
                areas.push(area(&gcode, format!("第{gi}网格"), gbox));
                grids.push(gcode.clone());
                for (mi, mbox) in gbox.split(size.micro_grids_per_grid) {
                    let mcode = gcode.child(mi);
                    areas.push(area(&mcode, format!("第{mi}小微网格"), mbox));
                    let building = (gi - 1) * size.micro_grids_per_grid + mi;
                    let at = Site { place, township: &tname, village: &vname, grid_no: gi, micro_no: mi, building };
                    hh.micro_grid(&mut households, &mcode, mbox, &at, size.households_per_micro_grid);
                }
            }
        }
    }
    let townships: Vec<AreaCode> = (1..=size.townships).map(|t| banner.child(t)).collect();
    let accounts = accounts(&mut stream(seed, 3), &banner, &townships, &grids);
    DemoBanner { areas, households, accounts }
}

fn stream(seed: u64, n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(n);
    rng
}

/// A lat/lon rectangle.
#[derive(Clone, Copy, Debug)]
struct BBox {
    south: f64,
    north: f64,
    west: f64,
    east: f64,
}

impl BBox {
    /// Tiles the box into `n` cells (columns west→east, rows north→south), numbered from 1.
    fn split(self, n: u32) -> impl Iterator<Item = (u32, BBox)> {
        let cols = (f64::from(n).sqrt().ceil() as u32).max(1);
        let rows = n.div_ceil(cols).max(1);
        let (dx, dy) = ((self.east - self.west) / f64::from(cols), (self.north - self.south) / f64::from(rows));
        // Shared edges come from the same expression, so neighbours meet exactly; the outer
        // edges are the parent's own.
        let edge = move |from: f64, to: f64, step: f64, k: u32, of: u32| match k {
            0 => from,
            k if k == of => to,
            k => round7(from + f64::from(k) * step),
        };
        (0..n).map(move |i| {
            let (r, c) = (i / cols, i % cols);
            let cell = BBox {
                north: edge(self.north, self.south, -dy, r, rows),
                south: edge(self.north, self.south, -dy, r + 1, rows),
                west: edge(self.west, self.east, dx, c, cols),
                east: edge(self.west, self.east, dx, c + 1, cols),
            };
            (i + 1, cell)
        })
    }

    /// A point well inside the box (5 % margin on each side).
    fn point_inside(self, rng: &mut impl Rng) -> GeoPoint {
        let (u, v) = (rng.random_range(0.05..0.95), rng.random_range(0.05..0.95));
        GeoPoint::new(
            round7(self.south + u * (self.north - self.south)),
            round7(self.west + v * (self.east - self.west)),
        )
    }

    fn polygon(self) -> MultiPolygon<f64> {
        let rect = Rect::new(coord! { x: self.west, y: self.south }, coord! { x: self.east, y: self.north });
        MultiPolygon::new(vec![rect.to_polygon()])
    }
}

/// Rounds degrees to 1e-7 (about 1 cm) so coordinates survive a trip through JSON unchanged.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

fn area(code: &AreaCode, name: String, b: BBox) -> Area {
    let level = AreaLevel::of(code).expect("generated codes have a level");
    Area { code: code.clone(), name, level, parent: code.parent(), boundary: Some(b.polygon()) }
}

/// What kind of place a village-level area is; it shapes names, addresses and households.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Community,
    Village,
    Gacha,
}

fn place_kind(rng: &mut impl Rng, township: &str, n: u32, of: u32) -> Place {
    if township.ends_with("街道") || (n == 1 && of > 2) {
        Place::Community // streets are all communities; a town's seat is one too
    } else if township.ends_with("苏木") || rng.random_bool(0.2) {
        Place::Gacha
    } else {
        Place::Village
    }
}

fn township_name(rng: &mut impl Rng, n: u32, used: &mut HashSet<String>) -> String {
    match names::TOWNSHIPS.get(n as usize - 1) {
        Some(real) if used.insert((*real).to_owned()) => (*real).to_owned(),
        _ => unique_name(rng, &[], [names::PLACE_A, names::PLACE_B], "镇", used),
    }
}

fn village_name(rng: &mut impl Rng, place: Place, township: &str, n: u32, used: &mut HashSet<String>) -> String {
    let (pool, syllables, suffix) = match place {
        Place::Community => (names::COMMUNITIES, [names::PLACE_A, names::PLACE_B], "社区"),
        Place::Village => (names::VILLAGES, [names::PLACE_A, names::PLACE_B], "村"),
        Place::Gacha => (names::GACHAS, [names::MONGOL_A, names::MONGOL_B], "嘎查"),
    };
    let jinyuan = place == Place::Community && n == 1 && township == "平原街道"; // the report's 锦园社区
    unique_name(rng, if jinyuan { &["锦园"] } else { pool }, syllables, suffix, used)
}

/// A name unused in the banner: from `pool` while it lasts, then made of syllables.
fn unique_name(
    rng: &mut impl Rng,
    pool: &[&str],
    syl: [&[&str]; 2],
    suffix: &str,
    used: &mut HashSet<String>,
) -> String {
    let free: Vec<String> = pool.iter().map(|p| format!("{p}{suffix}")).filter(|n| !used.contains(n)).collect();
    let mut name = if free.is_empty() { String::new() } else { free[rng.random_range(0..free.len())].clone() };
    let mut tries = 0u32;
    while name.is_empty() || used.contains(&name) {
        let extra = match tries {
            0..50 => String::new(),
            50..200 => pick(rng, syl[1]).to_owned(),
            _ => tries.to_string(), // only for absurd sizes
        };
        name = format!("{}{}{extra}{suffix}", pick(rng, syl[0]), pick(rng, syl[1]));
        tries += 1;
    }
    used.insert(name.clone());
    name
}

fn pick<'a>(rng: &mut impl Rng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// 1 → 一, 12 → 十二, 25 → 二十五; 100 and above stay in digits.
fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_owned(),
        10..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// Where a micro-grid is, for addresses.
struct Site<'a> {
    place: Place,
    township: &'a str,
    village: &'a str,
    grid_no: u32,
    micro_no: u32,
    /// Building number inside a community (one building per micro-grid).
    building: u32,
}

struct HouseholdGen {
    rng: ChaCha8Rng,
    next_id: u64,
}

impl HouseholdGen {
    fn micro_grid(&mut self, out: &mut Vec<(RecordId, Household)>, code: &AreaCode, b: BBox, at: &Site, n: u32) {
        // Distinct door slots: a community building has units of 6 floors × 2 flats; a village 社
        // numbers its houses, each micro-grid taking its own run of numbers.
        let cap = (2 * n as usize).max(24);
        let mut slots = index::sample(&mut self.rng, cap, n as usize).into_vec();
        slots.sort_unstable();
        for slot in slots {
            let (address, door) = match at.place {
                Place::Community => (
                    format!("{}{}{}号楼", at.township, at.village, at.building),
                    format!("{}单元{}{:02}", slot / 12 + 1, slot % 12 / 2 + 1, slot % 2 + 1),
                ),
                _ => (
                    format!("{}{}{}社", at.township, at.village, chinese_number(at.grid_no)),
                    format!("{}号", (at.micro_no as usize - 1) * cap + slot + 1),
                ),
            };
            let household = self.household(code, b, at.place, address, door);
            let mut bytes = [0u8; 10];
            self.rng.fill(&mut bytes);
            let id = uuid::Builder::from_unix_timestamp_millis(DEMO_EPOCH_MS + self.next_id, &bytes).into_uuid();
            self.next_id += 1;
            out.push((RecordId(id), household));
        }
    }

    fn household(&mut self, code: &AreaCode, b: BBox, place: Place, address: String, door: String) -> Household {
        let rng = &mut self.rng;
        let mongol = rng.random_bool(if place == Place::Gacha { 0.6 } else { 0.04 });
        let surname = names::SURNAMES[(rng.random::<f64>().powi(2) * names::SURNAMES.len() as f64) as usize];
        let r = rng.random::<f64>();
        let (alone, left_behind) = (r < 0.08, (0.08..0.12).contains(&r));
        let phone = rng.random_bool(0.93).then(|| mobile(rng));
        let mut members: Vec<Member> = Vec::new();
        let mut add = |rng: &mut ChaCha8Rng, relation: &str, born: i32, same_surname: bool, female: bool| {
            let born = born.clamp(1935, 2023);
            let mut name = person(rng, mongol, same_surname.then_some(surname), born, female);
            for _ in 0..8 {
                if !members.iter().any(|m| m.name == name) {
                    break;
                }
                name = person(rng, mongol, same_surname.then_some(surname), born, female);
            }
            let phone = (relation != "户主" && born <= 2005 && rng.random_bool(0.5)).then(|| mobile(rng));
            members.push(Member { name, relation: relation.to_owned(), birth_year: Some(born), phone });
        };
        let head_female = rng.random_bool(0.35);
        let head = rng.random_range(if alone {
            1935..=1955
        } else if left_behind {
            1950..=1968
        } else {
            1950..=1998
        });
        add(rng, "户主", head, true, head_female);
        let between = |rng: &mut ChaCha8Rng, from: i32, to: i32| {
            let hi = (head + to).min(2023);
            rng.random_range((head + from).min(hi)..=hi)
        };
        if left_behind {
            if rng.random_bool(0.7) {
                let spouse = between(rng, -3, 4);
                add(rng, "配偶", spouse, false, !head_female);
            }
            for _ in 0..rng.random_range(1..=2) {
                let (born, female) = (rng.random_range(2010..=2020), rng.random_bool(0.5));
                add(rng, "孙子女", born, true, female);
            }
        } else if !alone {
            // Sizes 1–5, mostly 2–3; a lone head is younger than the elderly living alone.
            let size = if head < 1960 { 2 } else { [1, 2, 2, 3, 3, 3, 4, 4, 5, 2][rng.random_range(0..10)] };
            let mut has_child = false;
            for i in 1..size {
                let (relation, born, same, female) = if i == 1 && rng.random_bool(0.9) {
                    ("配偶", between(rng, -3, 4), false, !head_female)
                } else if head >= 1975 && rng.random_bool(0.25) {
                    let father = rng.random_bool(0.5);
                    ("父母", between(rng, -35, -22), father, !father)
                } else if head <= 1972 && has_child && rng.random_bool(0.5) {
                    ("孙子女", between(rng, 45, 60), true, rng.random_bool(0.5))
                } else {
                    has_child = true;
                    ("子女", between(rng, 22, 36), true, rng.random_bool(0.5))
                };
                add(rng, relation, born, same, female);
            }
        }
        const ORDER: [&str; 4] = ["配偶", "父母", "子女", "孙子女"];
        members[1..].sort_by_key(|m| (ORDER.iter().position(|r| *r == m.relation), m.birth_year));
        if let (Some(p), Some(head)) = (&phone, members.first_mut()) {
            head.phone = Some(p.clone());
        }
        let rates = [
            (HouseholdTag::ElderlyAlone, if alone { 1.0 } else { 0.0 }),
            (HouseholdTag::LeftBehindChild, if left_behind { 1.0 } else { 0.0 }),
            (HouseholdTag::Disability, 0.03),
            (HouseholdTag::LowIncome, if alone { 0.15 } else { 0.05 }),
            (HouseholdTag::PartyMember, 0.07),
            (HouseholdTag::Veteran, 0.02),
            (HouseholdTag::SpecialCare, 0.01),
            (HouseholdTag::Rental, if place == Place::Community { 0.12 } else { 0.025 }),
        ];
        let tags = rates.into_iter().filter(|&(_, p)| rng.random_bool(p)).map(|(tag, _)| tag).collect();
        Household {
            micro_grid: code.clone(),
            head_name: members[0].name.clone(),
            address,
            door_number: door,
            phone,
            members,
            tags,
            location: Some(b.point_inside(rng)),
            notes: String::new(),
            archived: false,
        }
    }
}

/// A person's name: Mongolian, or a Han surname and a given name of the person's generation and sex.
fn person(rng: &mut impl Rng, mongol: bool, surname: Option<&str>, born: i32, female: bool) -> String {
    let sex = usize::from(female);
    if mongol {
        return pick(rng, names::MONGOLIAN[sex]).to_owned();
    }
    let surname = surname.unwrap_or_else(|| pick(rng, names::SURNAMES));
    let era = match born {
        ..1965 => 0,
        1965..1995 => 1,
        _ => 2,
    };
    format!("{surname}{}", pick(rng, names::GIVEN[era][sex]))
}

/// An 11-digit mobile number with a real prefix.
fn mobile(rng: &mut impl Rng) -> String {
    let prefix = names::MOBILE_PREFIXES[rng.random_range(0..names::MOBILE_PREFIXES.len())];
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// Workers and leaders (one of each per grid), a supervisor per township, one admin. The first
/// account of each role has a fixed, memorable name.
fn accounts(rng: &mut ChaCha8Rng, banner: &AreaCode, townships: &[AreaCode], grids: &[AreaCode]) -> Vec<DemoAccount> {
    let mut out = Vec::with_capacity(2 * grids.len() + townships.len() + 1);
    let mut phones = HashSet::new();
    let groups: [(char, Role, &str, &[AreaCode]); 4] = [
        ('W', Role::GridWorker, "王芳", grids),
        ('L', Role::GridLeader, "张伟", grids),
        ('S', Role::Supervisor, "李娜", townships),
        ('A', Role::Admin, "刘强", std::slice::from_ref(banner)),
    ];
    for (letter, role, first_name, scopes) in groups {
        for (i, scope) in scopes.iter().enumerate() {
            let (born, female) = (rng.random_range(1965..=1995), rng.random_bool(0.5));
            let name = if i == 0 { first_name.to_owned() } else { person(rng, false, None, born, female) };
            let phone = std::iter::repeat_with(|| mobile(rng)).find(|p| phones.insert(p.clone())).expect("endless");
            let code = format!("DEMO-{letter}-{:04}", i + 1);
            out.push(DemoAccount { code, name, phone, role, scope: scope.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests;
