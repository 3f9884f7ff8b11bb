//! `gridwork sync`: one sync run with a progress bar on the terminal, each retry told on stderr;
//! and `gridwork recover`, the way out of a damaged store.

use anyhow::{Context, Result};
use gridwork_core::recover::recover_vault as recover_store;
use gridwork_core::sync::{SyncClient, SyncProgress, SyncReport, TlsOptions, sync};
use gridwork_core::{CoreError, Engine};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

use super::output::Out;

pub fn run(engine: &mut Engine, out: &Out) -> Result<()> {
    let client = SyncClient::for_profile(engine.profile()?).map_err(|e| match e {
        CoreError::NotInitialized => {
            anyhow::Error::new(e).context("this device is not enrolled with a server: run `gridwork enroll` first")
        }
        e => e.into(),
    })?;
    let bar = progress_bar(out);
    let told = bar.clone();
    // Each failed try that will be made again is told at once: a worker waiting on a dead link
    // sees why, and that the engine is still at it.
    let json = out.json;
    let client = client.on_retry(move |e| {
        told.suspend(|| if json { eprintln!("{}", serde_json::json!({ "retry": e })) } else { eprintln!("{e}") })
    });
    let mut on_progress = |s: SyncProgress| show(&bar, s);
    let report = sync(engine, &client, &mut on_progress);
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        CoreError::Revoked(_) => anyhow::Error::new(e).context(
            "this device was withdrawn by the grid office: everything it held was wiped. Enroll it again with a \
             new code: gridwork enroll --server URL --code CODE",
        ),
        e => e.into(),
    })?;
    let rows = engine.outbox()?;
    let status = engine.status()?;
    out.value(&report, || super::problems::after_sync(summary(&report), &rows, &status, out.lang))
}

/// The TLS options of `enroll` and `recover`; the CA file is kept by its absolute path, since
/// later syncs may run from another folder.
pub fn tls_options(args: &super::args::TlsArgs) -> Result<TlsOptions> {
    let ca_file = match &args.ca_file {
        Some(f) => Some(std::fs::canonicalize(f).with_context(|| format!("the CA file {}", f.display()))?),
        None => None,
    };
    Ok(TlsOptions { ca_file, pin: args.server_pin.clone(), insecure: args.insecure })
}

/// `gridwork recover`: sets the damaged store aside, enrolls again and pulls everything.
pub fn recover(db: &Path, server: &str, code: &str, device_name: &str, tls: &TlsOptions, out: &Out) -> Result<()> {
    let bar = progress_bar(out);
    let mut on_progress = |s: SyncProgress| show(&bar, s);
    let pin = super::unlock::pin()?;
    let keyring = super::unlock::keyring();
    let vault = gridwork_core::Vault::at(db);
    let done = recover_store(&vault, &pin, &*keyring, (server, code, device_name), tls, &mut on_progress);
    bar.finish_and_clear();
    let (_, r) = done?;
    out.value(&r, || {
        let aside: Vec<String> = r.set_aside.iter().map(|p| p.display().to_string()).collect();
        format!(
            "the damaged store was moved aside (kept as {}); enrolled again as {} for area {}; {}",
            aside.join(", "),
            r.profile.user_name,
            r.profile.scope,
            summary(&r.report)
        )
    })
}

fn progress_bar(out: &Out) -> ProgressBar {
    let bar = if out.json { ProgressBar::hidden() } else { ProgressBar::new(0) };
    bar.set_style(
        ProgressStyle::with_template("{msg:6} [{bar:30}] {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn show(bar: &ProgressBar, s: SyncProgress) {
    if s.phase == "retry" {
        return;
    }
    bar.set_message(s.phase);
    bar.set_length(s.total);
    bar.set_position(s.done);
}

fn summary(report: &SyncReport) -> String {
    format!(
        "pushed {} ({} rejected), pulled {} ({} new, {} updated, {} merged, {} conflicts); cursor {}",
        report.pushed,
        report.rejected,
        report.pulled,
        report.applied.inserted,
        report.applied.updated,
        report.applied.merged,
        report.applied.conflicts,
        report.cursor
    ) + &mended(report)
}

/// What the sync mended by itself, if anything.
fn mended(report: &SyncReport) -> String {
    let mut out = String::new();
    if report.restamped > 0 {
        out += &format!(
            "; {} changes stamped ahead by the phone's clock were stamped again by the server's time",
            report.restamped
        );
    }
    if let Some(n) = report.new_identity {
        out += &format!(
            "; this phone's store was a restored or copied one: it took a new device identity and wrote its {n} unsent changes again"
        );
    }
    if let Some(n) = report.handed_back {
        out += &format!("; the server had lost history (restored from a copy): {n} versions were handed back to it");
    }
    out
}
