//! The command table: each command is a one-line adapter over an engine service. Errors cross
//! to the UI as `TaggedError` ({kind, message, fields}); arguments keep their snake_case names.
//! Sync and enrollment talk to the network, so they run on a blocking thread.

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
use tauri::{AppHandle, Emitter, Manager, Runtime, State, ipc::Invoke};

use crate::state::AppState;
use crate::sync_events::{PROGRESS_EVENT, SyncProgressEvent, SyncSummary};

type Answer<T> = Result<T, TaggedError>;

/// The invoke handler with every command of the app (names listed in `command_names.rs`).
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        status,
        enroll,
        recover,
        sync_now,
        today,
        list_households,
        household_history,
        case_view,
        record_visit,
        file_dispute,
        issue_card,
        areas,
        outbox,
        attention,
        conflicts,
        resolve_conflict,
        save_draft,
        load_draft,
        delete_draft,
    ]
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn status(state: State<'_, AppState>) -> Answer<HandsetStatus> {
    state.with(|e| e.status())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn today(state: State<'_, AppState>) -> Answer<Today> {
    state.with(|e| e.today(chrono::Utc::now().timestamp_millis(), 50))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_households(
    state: State<'_, AppState>,
    area: Option<AreaCode>,
    text: String,
    limit: u32,
) -> Answer<Vec<HouseholdRow>> {
    state.with(|e| e.list_households(&HouseholdQuery { area: area.as_ref(), text: &text, limit }))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn household_history(state: State<'_, AppState>, id: RecordId) -> Answer<HouseholdHistory> {
    state.with(|e| e.household_history(id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn case_view(state: State<'_, AppState>, id: RecordId) -> Answer<CaseView> {
    state.with(|e| e.case(id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn record_visit(state: State<'_, AppState>, visit: Visit) -> Answer<VisitReceipt> {
    state.with(|e| e.record_visit(&visit))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn file_dispute(state: State<'_, AppState>, dispute: Dispute) -> Answer<RecordId> {
    state.with(|e| e.file_dispute(&dispute))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn issue_card(
    state: State<'_, AppState>,
    household: RecordId,
    recipient: String,
) -> Answer<(RecordId, ContactCard)> {
    state.with(|e| e.issue_card(household, &recipient))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn areas(state: State<'_, AppState>, prefix: String) -> Answer<Vec<Area>> {
    state.with(|e| e.areas(&prefix))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn outbox(state: State<'_, AppState>) -> Answer<Vec<OutboxRow>> {
    state.with(|e| e.outbox())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn attention(state: State<'_, AppState>) -> Answer<Vec<AttentionItem>> {
    state.with(|e| e.attention())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn conflicts(state: State<'_, AppState>, include_resolved: bool) -> Answer<Vec<ConflictRow>> {
    state.with(|e| e.conflicts(include_resolved))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn resolve_conflict(state: State<'_, AppState>, id: i64) -> Answer<bool> {
    state.with(|e| e.resolve_conflict(id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn save_draft(state: State<'_, AppState>, form: String, body: String) -> Answer<()> {
    state.with(|e| e.save_draft(&form, &body))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn load_draft(state: State<'_, AppState>, form: String) -> Answer<Option<String>> {
    state.with(|e| e.load_draft(&form))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn delete_draft(state: State<'_, AppState>, form: String) -> Answer<bool> {
    state.with(|e| e.delete_draft(&form))
}

#[tauri::command(rename_all = "snake_case")]
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
#[tauri::command(rename_all = "snake_case")]
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
#[tauri::command(rename_all = "snake_case")]
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
