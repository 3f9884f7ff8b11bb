//! One-line adapters over the engine's services, one per command of the table
//! (`command_table.rs`), with the table's arguments in its order. Sync and enrollment talk to the
//! network, so they run on a blocking thread.

use gridwork_core::cases::CaseView;
use gridwork_core::conflicts::ConflictRow;
use gridwork_core::households::{HouseholdHistory, HouseholdQuery, HouseholdRow};
use gridwork_core::outbox::OutboxRow;
use gridwork_core::queue::Today;
use gridwork_core::status::HandsetStatus;
use gridwork_core::sync::{RetryPolicy, SyncClient, SyncProgress};
use gridwork_core::visits::VisitReceipt;
use gridwork_core::{CoreError, Engine, TaggedError};
use gridwork_domain::attention::AttentionItem;
use gridwork_domain::{Area, AreaCode, ContactCard, Dispute, RecordId, Visit};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::Answer;
use crate::state::AppState;
use crate::sync_events::{PROGRESS_EVENT, SyncProgressEvent, SyncSummary};

type Done<T> = Result<T, CoreError>;

pub fn status(e: &mut Engine) -> Done<HandsetStatus> {
    e.status()
}

pub fn today(e: &mut Engine) -> Done<Today> {
    e.today(chrono::Utc::now().timestamp_millis(), 50)
}

pub fn list_households(e: &mut Engine, area: Option<AreaCode>, text: String, limit: u32) -> Done<Vec<HouseholdRow>> {
    e.list_households(&HouseholdQuery { area: area.as_ref(), text: &text, limit })
}

pub fn household_history(e: &mut Engine, id: RecordId) -> Done<HouseholdHistory> {
    e.household_history(id)
}

pub fn case_view(e: &mut Engine, id: RecordId) -> Done<CaseView> {
    e.case(id)
}

pub fn record_visit(e: &mut Engine, visit: Visit) -> Done<VisitReceipt> {
    e.record_visit(&visit)
}

pub fn file_dispute(e: &mut Engine, dispute: Dispute) -> Done<RecordId> {
    e.file_dispute(&dispute)
}

pub fn issue_card(e: &mut Engine, household: RecordId, recipient: String) -> Done<(RecordId, ContactCard)> {
    e.issue_card(household, &recipient)
}

pub fn areas(e: &mut Engine, prefix: String) -> Done<Vec<Area>> {
    e.areas(&prefix)
}

pub fn outbox(e: &mut Engine) -> Done<Vec<OutboxRow>> {
    e.outbox()
}

pub fn attention(e: &mut Engine) -> Done<Vec<AttentionItem>> {
    e.attention()
}

pub fn conflicts(e: &mut Engine, include_resolved: bool) -> Done<Vec<ConflictRow>> {
    e.conflicts(include_resolved)
}

pub fn resolve_conflict(e: &mut Engine, id: i64) -> Done<bool> {
    e.resolve_conflict(id)
}

pub fn save_draft(e: &mut Engine, form: String, body: String) -> Done<()> {
    e.save_draft(&form, &body)
}

pub fn load_draft(e: &mut Engine, form: String) -> Done<Option<String>> {
    e.load_draft(&form)
}

pub fn delete_draft(e: &mut Engine, form: String) -> Done<bool> {
    e.delete_draft(&form)
}

pub async fn enroll<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    code: String,
    device_name: String,
) -> Answer<HandsetStatus> {
    blocking(app, move |e| gridwork_core::sync::enroll(e, &server_url, &code, &device_name).and_then(|_| e.status()))
        .await
}

/// The way out of a damaged store (the first screen offers it): the damaged file is moved aside
/// and kept, the device enrolls again with a new code and pulls everything, emitting
/// `sync-progress` events as it goes.
pub async fn recover<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    code: String,
    device_name: String,
) -> Answer<HandsetStatus> {
    let events = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let mut emit = |p: SyncProgress| drop(events.emit(PROGRESS_EVENT, SyncProgressEvent::from(p)));
        state.recover(&server_url, &code, &device_name, &mut emit)?;
        state.with(|e| e.status())
    })
    .await
    .map_err(|e| internal(&e))?
}

/// Pushes the outbox and pulls what is new, emitting `sync-progress` events as it goes.
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Answer<SyncSummary> {
    let events = app.clone();
    blocking(app, move |e| {
        let told = events.clone();
        // Each failed try that will be made again shows on the screen as a `retry` step.
        let client = client_for(e)?.on_retry(move |n| drop(told.emit(PROGRESS_EVENT, SyncProgressEvent::from(n))));
        let mut emit = |p: SyncProgress| drop(events.emit(PROGRESS_EVENT, SyncProgressEvent::from(p)));
        gridwork_core::sync::sync(e, &client, &mut emit).map(|r| SyncSummary::from(&r))
    })
    .await
}

/// A sync client for this device's server that gives up quickly: the worker is waiting, and
/// the app tries again by itself when the server is reachable.
fn client_for(e: &Engine) -> Result<SyncClient, CoreError> {
    let mut client = SyncClient::for_profile(e.profile()?)?;
    client.retry = RetryPolicy { attempts: 2, base: Duration::from_millis(200), max: Duration::from_secs(1) };
    Ok(client)
}

/// Runs `f` with the engine on a blocking thread, so network waits never stall the window.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut Engine) -> Result<T, CoreError> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with(f)).await.map_err(|e| internal(&e))?
}

/// A failure of the app itself (a thread that did not finish), for the UI.
fn internal(e: &dyn std::fmt::Display) -> TaggedError {
    TaggedError { kind: "internal", message: e.to_string(), fields: Vec::new(), net: None, unsynced: None }
}
