//! The command-line interface: argument definitions and dispatch to the engine's services.

mod args;
mod office;
mod output;
mod problems;
mod records;
mod report;
mod sync;
mod unlock;

pub use args::Cli;
use args::Command;

use anyhow::{Context, Result};
use gridwork_core::{Engine, Profile};
use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;

use output::Out;

pub fn run(cli: Cli) -> Result<()> {
    let out = Out { json: cli.json, lang: gridwork_core::explain::Lang::parse(&cli.lang) };
    if let Command::Recover { server, code, device_name, tls } = &cli.command {
        return sync::recover(&cli.db, server, code, device_name, &sync::tls_options(tls)?, &out);
    }
    if let Command::Pin(args::PinCmd::Change) = &cli.command {
        unlock::change(&cli.db)?;
        return out.value(&serde_json::json!({ "pin": "changed" }), || "the PIN was changed".into());
    }
    // Only setting a device up makes a store; every other command needs one. (The errors of
    // opening name the store's path themselves.)
    let creates = matches!(cli.command, Command::Init { .. } | Command::Enroll { .. });
    let mut engine: Engine = unlock::open(&cli.db, creates)?;
    // Too long without reaching the server: only what brings the handset back in touch answers.
    if !matches!(cli.command, Command::Sync | Command::Status | Command::Outbox) {
        engine.check_offline_lock()?;
    }
    match cli.command {
        Command::Recover { .. } | Command::Pin(_) => unreachable!("handled before the store is opened"),
        Command::Init { user, phone, scope, device_no, role, device_name } => {
            let mut profile = Profile::offline(&user, &phone, parse_role(&role)?, AreaCode::parse(&scope)?, device_no)?;
            profile.device_name = device_name;
            engine.set_profile(profile.clone())?;
            out.value(&profile, || {
                format!("device {} set up for {} in area {}", profile.device_id, profile.user_name, profile.scope)
            })
        }
        Command::Enroll { server, code, device_name, tls } => {
            let tls = sync::tls_options(&tls)?;
            let p = gridwork_core::sync::enroll_with(&mut engine, &server, &code, &device_name, &tls)?;
            out.value(&p, || {
                format!("enrolled as {} ({:?}) for area {}; device {}", p.user_name, p.role, p.scope, p.device_id)
            })
        }
        Command::Sync => sync::run(&mut engine, &out),
        Command::Seed { seed, size, months } => records::seed(&mut engine, &out, seed, &size, months),
        Command::Household(cmd) => records::household(&mut engine, &out, cmd),
        Command::Visit(args) => records::visit(&mut engine, &out, args),
        Command::Dispute(cmd) => records::dispute(&mut engine, &out, cmd),
        Command::Card(cmd) => records::card(&mut engine, &out, cmd),
        Command::Today { limit } => {
            let today = engine.today(chrono::Utc::now().timestamp_millis(), limit)?;
            out.value(&today, || output::today(&today))
        }
        Command::Outbox => {
            let rows = engine.outbox()?;
            out.value(&rows, || problems::outbox(&rows, out.lang))
        }
        Command::Status => {
            let status = engine.status()?;
            out.value(&status, || problems::status(&status, out.lang))
        }
        Command::Attention => {
            let items = engine.attention()?;
            out.value(&items, || problems::attention(&items, out.lang))
        }
        Command::Conflicts { all } => {
            let rows = engine.conflicts(all)?;
            out.value(&rows, || output::conflicts(&rows))
        }
        Command::Fleet => office::fleet(&mut engine, &out),
        Command::Office(cmd) => office::run(&mut engine, &out, cmd),
        Command::Report(cmd) => report::run(&engine, &out, cmd),
        Command::Export { out: path } => {
            let doc = engine.export_json()?;
            let text = serde_json::to_string_pretty(&doc)?;
            match path {
                Some(p) => std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?,
                None => println!("{text}"),
            }
            Ok(())
        }
    }
}

pub fn parse_role(s: &str) -> Result<Role> {
    serde_json::from_value(serde_json::Value::String(s.replace('-', "_")))
        .with_context(|| format!("unknown role '{s}' (grid-worker, grid-leader, supervisor, admin)"))
}
