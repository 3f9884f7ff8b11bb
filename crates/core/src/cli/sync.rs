//! `gridwork sync`: one sync run with a progress bar on the terminal.

use anyhow::{Result, anyhow};
use gridwork_core::sync::{SyncClient, SyncProgress, sync};
use gridwork_core::{CoreError, Engine};
use indicatif::{ProgressBar, ProgressStyle};

use super::output::Out;

pub fn run(engine: &mut Engine, out: &Out) -> Result<()> {
    let client = SyncClient::for_profile(engine.profile()?).map_err(|e| match e {
        CoreError::NotInitialized => anyhow!("this device is not enrolled with a server: run `gridwork enroll` first"),
        e => e.into(),
    })?;
    let bar = if out.json { ProgressBar::hidden() } else { ProgressBar::new(0) };
    bar.set_style(
        ProgressStyle::with_template("{msg:6} [{bar:30}] {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut on_progress = |s: SyncProgress| {
        bar.set_message(s.phase);
        bar.set_length(s.total);
        bar.set_position(s.done);
    };
    let report = sync(engine, &client, &mut on_progress);
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        CoreError::Revoked(_) => anyhow!(
            "this device was withdrawn by the grid office: everything it held was wiped. Enroll it again with a \
             new code: gridwork enroll --server URL --code CODE"
        ),
        e => e.into(),
    })?;
    let rows = engine.outbox()?;
    let status = engine.status()?;
    out.value(&report, || {
        let summary = format!(
            "pushed {} ({} rejected), pulled {} ({} new, {} updated, {} merged, {} conflicts); cursor {}",
            report.pushed,
            report.rejected,
            report.pulled,
            report.applied.inserted,
            report.applied.updated,
            report.applied.merged,
            report.applied.conflicts,
            report.cursor
        );
        super::problems::after_sync(summary, &rows, &status, out.lang)
    })
}
