//! `gridwork fleet` and `gridwork office …`: the township office from the command line — the
//! fleet's health, the accounts of its area, a new account, a one-time code (with the link its QR
//! code carries), a handset revoked, an account disabled.

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use clap::Subcommand;
use gridwork_core::office;
use gridwork_core::sync::SyncClient;
use gridwork_core::{CoreError, Engine};
use gridwork_domain::wire::office::{Fleet, FleetRow, NewAccount, OfficeAccount};
use gridwork_domain::{AreaCode, DeviceId};
use std::fmt::Write;
use std::sync::Mutex;

use super::output::Out;
use super::parse_role;

#[derive(Debug, Subcommand)]
pub enum OfficeCmd {
    /// The accounts of this office's area with their handsets.
    Accounts,
    /// Make an account for a new worker (or leader; the banner centre also supervisors).
    CreateAccount {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        /// grid-worker, grid-leader, supervisor or admin.
        #[arg(long, default_value = "grid-worker")]
        role: String,
        /// The area code the account works in (a grid for workers and leaders).
        #[arg(long)]
        scope: String,
    },
    /// A one-time enrollment code for an account, shown once, with the link for a QR code.
    IssueCode {
        /// The account's handle, e.g. 150621001-W-0001.
        account: String,
        #[arg(long, default_value_t = 7)]
        valid_days: u32,
    },
    /// Withdraw a handset: it is wiped at its next sync.
    Revoke { device: String },
    /// Disable the account of someone who left: each of its handsets is wiped at its next sync.
    Disable { account: String },
}

fn client(engine: &Engine) -> Result<SyncClient> {
    SyncClient::for_profile(engine.profile()?).map_err(|e| match e {
        CoreError::NotInitialized => {
            anyhow::Error::new(e).context("this device is not enrolled with a server: run `gridwork enroll` first")
        }
        e => e.into(),
    })
}

fn date(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

fn flags(r: &FleetRow) -> String {
    let names: Vec<String> = r
        .flags
        .iter()
        .map(|f| serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
        .collect();
    names.join(",")
}

fn device_line(r: &FleetRow) -> String {
    format!(
        "{}  {:<18} {:<10} {:<20} last contact {:<16} waiting {:>5}  app {:<10} {}",
        r.device,
        r.account,
        r.person,
        r.device_name,
        r.last_contact_ms.map_or_else(|| "never".into(), date),
        r.waiting_at_contact.map_or_else(|| "-".into(), |w| w.to_string()),
        r.app_version.as_deref().unwrap_or("-"),
        flags(r)
    )
}

/// The fleet as text: a heading, then a line per handset.
pub fn fleet_text(f: &Fleet) -> String {
    let flagged = f.rows.iter().filter(|r| !r.flags.is_empty()).count();
    let mut s = format!(
        "{} handsets in {} as of {}{}; {} flagged (silent > {} days, > {} waiting, never synced, revoked, disabled, old app)\n",
        f.rows.len(),
        f.scope,
        date(f.as_of_ms),
        if f.stale { " (kept copy: the server could not be reached)" } else { "" },
        flagged,
        f.silent_days,
        f.backlog_limit
    );
    for r in &f.rows {
        let _ = writeln!(s, "{}", device_line(r));
    }
    s.trim_end().to_owned()
}

fn account_text(a: &OfficeAccount) -> String {
    let mut s = format!(
        "{}  {}  {}  {:?}  {} {}{}",
        a.handle,
        a.name,
        a.phone,
        a.role,
        a.scope,
        a.scope_name,
        if a.disabled { "  [disabled]" } else { "" }
    );
    for d in &a.devices {
        let _ = write!(s, "\n    {}", device_line(d));
    }
    s
}

pub fn fleet(engine: &mut Engine, out: &Out) -> Result<()> {
    let c = client(engine)?;
    let f = office::fleet(&Mutex::new(engine), &c)?;
    out.value(&f, || fleet_text(&f))
}

pub fn run(engine: &mut Engine, out: &Out, cmd: OfficeCmd) -> Result<()> {
    let c = client(engine)?;
    let engine = &Mutex::new(engine);
    match cmd {
        OfficeCmd::Accounts => {
            let list = office::accounts(engine, &c)?;
            out.value(&list, || list.iter().map(account_text).collect::<Vec<_>>().join("\n"))
        }
        OfficeCmd::CreateAccount { name, phone, role, scope } => {
            let new = NewAccount { name, phone, role: parse_role(&role)?, scope: AreaCode::parse(&scope)? };
            let a = office::create_account(engine, &c, &new)?;
            out.value(&a, || format!("account made: {}", account_text(&a)))
        }
        OfficeCmd::IssueCode { account, valid_days } => {
            let code = office::issue_code(engine, &c, &account, valid_days)?;
            out.value(&code, || {
                format!(
                    "one-time code for {}: {}  (valid until {}; shown this once)\nlink for a QR code: {}",
                    code.account,
                    code.code,
                    date(code.expires_ms),
                    code.link
                )
            })
        }
        OfficeCmd::Revoke { device } => {
            let id: DeviceId = device.parse().with_context(|| format!("'{device}' is not a device id"))?;
            let a = office::revoke_device(engine, &c, id)?;
            out.value(&a, || format!("handset {id} revoked: it is wiped at its next sync\n{}", account_text(&a)))
        }
        OfficeCmd::Disable { account } => {
            let a = office::disable_account(engine, &c, &account)?;
            out.value(&a, || format!("account disabled: {}", account_text(&a)))
        }
    }
}
