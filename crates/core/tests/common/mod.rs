//! Helpers shared by the engine's tests: a set-up engine in a temp dir and sample records.

#![allow(dead_code)]

use chrono::Utc;
use gridwork_core::vault::{KdfParams, NoKeyring, Pin, Vault};
use gridwork_core::{Engine, Profile};
use gridwork_domain::wire::Role;
use gridwork_domain::*;

pub const MG: &str = "150621001001001001";

/// The PIN of the stores tests make (the CLI is given it in `GRIDWORK_PIN`).
pub const PIN: &str = "246810";

pub fn pin() -> Pin {
    Pin::new(PIN).unwrap()
}

/// The vault of the store at `path`, sealing with cheap Argon2id costs (tests only).
pub fn vault(path: &std::path::Path) -> Vault {
    Vault::at(path).with_kdf(KdfParams { m_kib: 1024, t: 1, ..KdfParams::default() })
}

/// Runs the CLI, `gridwork --db DB ARGS`, with `pin` in `GRIDWORK_PIN`, no keyring, and `extra`
/// variables: success, stdout, stderr.
pub fn gridwork_with(db: &std::path::Path, pin: &str, extra: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gridwork"));
    cmd.env("GRIDWORK_PIN", pin).env("GRIDWORK_KEYRING", "none").arg("--db").arg(db).args(args);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// Runs the CLI on the store at `db` with [`PIN`]: success, stdout, stderr.
pub fn gridwork(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    gridwork_with(db, PIN, &[], args)
}

/// A new encrypted store at `path` under [`PIN`], without a keyring.
pub fn create(path: &std::path::Path) -> Engine {
    vault(path).create(&pin(), &NoKeyring, &gridwork_domain::policy::DevicePolicy::default()).unwrap()
}

/// The store at `path` unlocked with [`PIN`] (to look into a store the CLI made).
pub fn unlock(path: &std::path::Path) -> Engine {
    Vault::at(path).unlock(&pin(), &NoKeyring).unwrap()
}

/// A grid worker's engine (王芳, the grid of [`MG`]).
pub fn engine(dir: &tempfile::TempDir, name: &str) -> Engine {
    engine_as(dir, name, Role::GridWorker, "王芳", "150621001001001")
}

/// An engine set up for an account of `role` named `user` whose area is `scope`.
pub fn engine_as(dir: &tempfile::TempDir, name: &str, role: Role, user: &str, scope: &str) -> Engine {
    let mut e = create(&dir.path().join(name));
    let mut profile = Profile::offline(user, "13800138000", role, AreaCode::parse(scope).unwrap(), 7).unwrap();
    profile.device_name = name.into();
    e.set_profile(profile).unwrap();
    e
}

pub fn household(head: &str) -> Household {
    Household {
        phone: Some("13912345678".into()),
        tags: vec![HouseholdTag::ElderlyAlone],
        location: Some(GeoPoint::new(40.40, 110.04)),
        ..Household::new(AreaCode::parse(MG).unwrap(), head, "平原街道锦园社区3号楼", "2单元501")
    }
}

pub fn visit(household: RecordId, fix: Option<GeoPoint>) -> Visit {
    Visit {
        fix: fix.map(|point| GpsFix { point, accuracy_m: 8.0 }),
        ..Visit::routine(household, AreaCode::parse(MG).unwrap(), "王芳", Utc::now(), "一切正常")
    }
}

pub fn dispute() -> Dispute {
    Dispute {
        micro_grid: AreaCode::parse(MG).unwrap(),
        reporter: "王芳".into(),
        reported_at: Utc::now(),
        category: DisputeCategory::Neighbour,
        parties: vec![Party { name: "李四".into(), phone: None, household: None }],
        description: "楼上漏水，邻里争吵".into(),
        amount_yuan: Some(800.0),
        urgency: Urgency::Normal,
        location: None,
    }
}

pub fn count(e: &Engine, table: &str) -> i64 {
    e.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}
