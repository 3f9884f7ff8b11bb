//! Pulling: the first page on this thread, and when there are more, as a pipeline in which a
//! second thread fetches and reads the next page while this thread stores the last one, and a
//! third checkpoints and frees what was stored. The engine is held only to store pages, never
//! while one is fetched; a record edited between its page being fetched and stored is merged
//! with it like any other (`apply_one`). Each page is stored with the cursor after it in one
//! transaction, so a run that stops anywhere resumes after the last page stored (and a page a
//! power cut takes back is pulled again).

use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

use gridwork_domain::RecordState;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::standing::Held;

use super::conflicts::{CONFLICTS_DUE, conflict_cursor};
use super::http::SyncClient;
use super::preflight::CURSOR_HISTORY;
use super::run::{PAGE, SyncProgress, SyncReport};
use crate::db::relaxed;
use crate::engine::{Engine, get_meta_number, save_clock, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::{CoreError, Result};
use crate::projection::Typed;
use crate::remote::{ApplyReport, Received, apply_one};

/// A page read off the wire: each state parsed and its typed record decoded, next to the JSON
/// text it came as and the server's receipt.
struct Page {
    changes: Vec<(RecordState, String, Typed, Option<String>)>,
    next: u64,
    more: bool,
    last_conflict: u64,
    history: u64,
}

/// Pulls every change after the stored cursor; returns the new cursor.
pub(super) fn pull_all<C: EngineCell>(
    cell: &C,
    client: &SyncClient,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
    held: &mut Option<Held>,
) -> Result<u64> {
    let start: u64 = cell.with(|e| Ok(get_meta_number(&e.conn, "cursor")?.unwrap_or(0)))?;
    // The first page on this thread: most syncs need no second one, and no pipeline.
    let first = fetch(client, start, held.take().as_ref())?;
    let mut cursor = store_pages(cell, std::slice::from_ref(&first), start, report, progress)?;
    if !first.more {
        return Ok(cursor);
    }
    // For the rest of the pull a third thread folds the log into the database file, which SQLite
    // would otherwise do on this thread every thousand pages written, and frees stored pages.
    let checkpointer = cell.with(|engine| {
        let checkpointer = engine.open_second().ok().and_then(Checkpointer::open);
        if checkpointer.is_some() {
            engine.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
        Ok(checkpointer)
    })?;
    let pulled = std::thread::scope(|scope| {
        let (deliver, pages) = mpsc::sync_channel::<Result<Page>>(GROUP_PAGES - 1);
        let (recycle, stored) = mpsc::channel::<Page>();
        scope.spawn(move || {
            let mut after = cursor;
            loop {
                let page = fetch(client, after, None);
                let last = page.as_ref().map_or(true, |p| !p.more);
                if let Ok(p) = &page {
                    after = p.next;
                }
                // A closed channel means the store side stopped: stop fetching too.
                if deliver.send(page).is_err() || last {
                    break;
                }
            }
        });
        scope.spawn(move || {
            // Ends when the store side is done and drops its sender.
            while let Ok(page) = stored.recv() {
                drop(page);
                // Once caught up with the store side, checkpoint what it committed so far.
                stored.try_iter().for_each(drop);
                if let Some(c) = &checkpointer {
                    c.passive();
                }
            }
        });
        while let Ok(first) = pages.recv() {
            // Pages that came in while the last ones were stored go into one transaction: the
            // index pages they share are written and checkpointed once instead of once a page.
            let mut group = vec![first?];
            let mut failed = None;
            while group.len() < GROUP_PAGES {
                match pages.try_recv() {
                    Ok(Ok(page)) => group.push(page),
                    Ok(Err(e)) => {
                        failed = Some(e);
                        break;
                    }
                    Err(_) => break,
                }
            }
            cursor = store_pages(cell, &group, cursor, report, progress)?;
            group.into_iter().for_each(|page| drop(recycle.send(page)));
            if let Some(e) = failed {
                return Err(e);
            }
        }
        Ok(cursor)
    });
    cell.with(|e| Ok(e.conn.pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT)?))?;
    pulled
}

/// Most pages stored in one transaction (and so, read ahead of the store).
const GROUP_PAGES: usize = 3;

/// SQLite's default: checkpoint when the log holds this many pages.
const AUTOCHECKPOINT: i64 = 1000;

/// A second connection to the store, used only to checkpoint.
struct Checkpointer(Connection);

impl Checkpointer {
    /// From the engine's second connection (`Engine::open_second`, keyed like its first).
    fn open(c: Connection) -> Option<Self> {
        c.busy_timeout(Duration::from_millis(100)).ok()?;
        Some(Self(c))
    }

    /// Copies what the log holds into the database file, without waiting for anyone; a
    /// checkpoint that cannot run now is left to the next one.
    fn passive(&self) {
        let _ = self.0.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}

/// One page, its states parsed and decoded on the fetching thread.
fn fetch(client: &SyncClient, after: u64, held: Option<&Held>) -> Result<Page> {
    let texts = client.pull_texts(after, PAGE, held)?;
    let changes = texts
        .changes
        .into_iter()
        .map(|c| {
            let text = String::from(Box::<str>::from(c.state));
            let state: RecordState = serde_json::from_str(&text).map_err(|e| CoreError::Server {
                code: "bad_change".into(),
                message: format!("change {} cannot be read: {e}", c.seq),
            })?;
            let typed = Typed::decode(&state)?;
            Ok((state, text, typed, c.receipt))
        })
        .collect::<Result<_>>()?;
    Ok(Page { changes, next: texts.next, more: texts.more, last_conflict: texts.last_conflict, history: texts.history })
}

/// Stores consecutive pages and the cursor after the last in one transaction; returns that cursor
/// (`after`, the cursor before them, when there are none).
fn store_pages<C: EngineCell>(
    cell: &C,
    pages: &[Page],
    after: u64,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<u64> {
    let Some(last) = pages.last() else { return Ok(after) };
    let applied = cell.with(|e| store_in(e, pages))?;
    report.pulled += pages.iter().map(|p| p.changes.len() as u64).sum::<u64>();
    report.applied.add(&applied);
    let more = if last.more { u64::from(PAGE) } else { 0 };
    progress(SyncProgress { phase: "pull", done: report.pulled, total: report.pulled + more, retry: None });
    Ok(last.next)
}

/// Stores the pages and the cursor after the last (there is one) in one transaction.
fn store_in(engine: &mut Engine, pages: &[Page]) -> Result<ApplyReport> {
    let Some(last) = pages.last() else { return Ok(ApplyReport::default()) };
    // The pages and their cursor commit together without waiting for the disk: lost in a power
    // cut, both go back, and the next sync pulls the pages again from the server, which keeps
    // them. Local edits merged into them stay queued in the outbox either way.
    let mut applied = ApplyReport::default();
    let now = engine.now_ms();
    let clock = &mut engine.clock;
    relaxed(&mut engine.conn, |tx| {
        for (state, text, typed, receipt) in pages.iter().flat_map(|p| &p.changes) {
            let received = Received { text, typed, receipt: receipt.as_deref() };
            apply_one(tx, clock, state, Some(received), now, &mut applied)?;
        }
        let last_conflict = pages.iter().map(|p| p.last_conflict).max().unwrap_or(0);
        if last_conflict > conflict_cursor(tx)? {
            // A conflict this device has not fetched yet came with a record of these pages.
            set_meta(tx, CONFLICTS_DUE, "1")?;
        }
        set_meta(tx, "cursor", &last.next.to_string())?;
        set_meta(tx, CURSOR_HISTORY, &last.history.to_string())?;
        save_clock(tx, clock)?;
        set_meta(tx, "last_sync_ms", &wall_ms().to_string())
    })?;
    Ok(applied)
}
