//! The demo seed: a generated banner's areas, accounts and households, the households written by
//! the server itself with its own device id and clock.

use gridwork_domain::clock::wall_ms;
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::demo_cases::cases;
use gridwork_domain::demo_history::{CASES_PER_GRID_MONTH, history};
use gridwork_domain::{DomainError, HlcClock, RecordState, Writer};
use thiserror::Error;

use gridwork_domain::wire::Role;

use crate::admin::create_codes;
use crate::enroll_codes::DEFAULT_VALID_DAYS;
use crate::store::{Account, Seed, StoreError, SyncStore};

#[derive(Debug, Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a demo household is invalid: {0}")]
    Domain(#[from] DomainError),
}

/// What a demo seeds: the generator's seed and size, recent cases per grid, months of history.
#[derive(Clone, Copy, Debug)]
pub struct DemoPlan {
    pub seed: u64,
    pub size: DemoSize,
    /// Cases per grid reported over the past weeks, at every step of the loop (`demo_cases`).
    pub cases_per_grid: u32,
    /// Months of history before now (`demo_history`): visits, cards, cases, highlight points.
    pub months: u32,
}

/// Seeds the small demo banner generated from `seed` into an empty store. Returns the accounts
/// (with their handles) when it seeded, `None` when the store already held data.
/// With `cases_per_grid` above 0, each grid also gets that many demo cases (`demo_cases`).
pub async fn seed_demo(
    store: &dyn SyncStore,
    seed: u64,
    cases_per_grid: u32,
) -> Result<Option<Vec<Account>>, SeedError> {
    seed_banner(store, seed, &DemoSize::small(), cases_per_grid).await
}

/// Seeds a generated banner of any size into an empty store (see [`seed_demo`]).
pub async fn seed_banner(
    store: &dyn SyncStore,
    seed: u64,
    size: &DemoSize,
    cases_per_grid: u32,
) -> Result<Option<Vec<Account>>, SeedError> {
    seed_plan(store, &DemoPlan { seed, size: *size, cases_per_grid, months: 0 }).await
}

/// Seeds what `plan` says into an empty store (see [`seed_demo`]).
pub async fn seed_plan(store: &dyn SyncStore, plan: &DemoPlan) -> Result<Option<Vec<Account>>, SeedError> {
    let (seed, cases_per_grid) = (plan.seed, plan.cases_per_grid);
    let banner = generate(seed, &plan.size);
    let writer = store.server_writer().await?;
    let mut clock = HlcClock::resume(writer.clock);
    let now_ms = wall_ms();
    let mut w = Writer { device: writer.device, clock: &mut clock, now_ms };
    let mut records =
        banner.households.iter().map(|(id, h)| RecordState::create(*id, h, &mut w)).collect::<Result<Vec<_>, _>>()?;
    // Each case's report, then its steps in order: the stamps order them as they happened.
    for case in cases(seed, &banner, cases_per_grid, chrono::Utc::now()) {
        records.extend(case.states(&mut w)?);
    }
    if plan.months > 0 {
        records.extend(history(seed, &banner, plan.months, CASES_PER_GRID_MONTH, chrono::Utc::now()).states(&mut w)?);
    }
    let accounts: Vec<Account> = banner
        .accounts
        .into_iter()
        .map(|a| Account { code: a.code, name: a.name, phone: a.phone, role: a.role, scope: a.scope })
        .collect();
    let seeded =
        store.seed(Seed { areas: banner.areas, accounts: accounts.clone(), records, clock: clock.last() }).await?;
    Ok(seeded.then_some(accounts))
}

/// A fresh one-time enrollment code for each account, made by the first admin among them (the
/// demo's banner centre), valid for the default 7 days.
pub async fn demo_codes(store: &dyn SyncStore, accounts: &[Account]) -> Result<Vec<(Account, String)>, SeedError> {
    let Some(admin) = accounts.iter().find(|a| a.role == Role::Admin) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(accounts.len());
    for a in accounts {
        let code = create_codes(store, &a.code, &admin.code, DEFAULT_VALID_DAYS, 1).await?.remove(0);
        out.push((a.clone(), code));
    }
    Ok(out)
}

/// The lines `--demo` prints: each account's handle, fresh one-time code, role and area (no names:
/// what a server prints ends up in logs).
pub fn demo_code_lines(codes: &[(Account, String)]) -> Vec<String> {
    codes
        .iter()
        .map(|(a, code)| {
            let role =
                serde_json::to_value(a.role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            format!("  {:<12} {:<15} {:<12} {}", a.code, code, role, a.scope)
        })
        .collect()
}
