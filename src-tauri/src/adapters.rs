//! One-line adapters over the engine's services, one per command of the table
//! (`command_table.rs`), with the table's arguments in its order. Sync and enrollment talk to the
//! network, so they run on a blocking thread. The lock's commands (`app`) take the app's state.

use gridwork_core::case_queue::{CaseQueue, CaseQueueQuery};
use gridwork_core::cases::CaseView;
use gridwork_core::conflicts::ConflictRow;
use gridwork_core::highlights::{HighlightRow, NewHighlight};
use gridwork_core::households::{HouseholdHistory, HouseholdQuery, HouseholdRow};
use gridwork_core::office;
use gridwork_core::outbox::OutboxRow;
use gridwork_core::status::HandsetStatus;
use gridwork_core::sync::{RetryPolicy, SyncClient, SyncProgress, TlsOptions};
use gridwork_core::today::Today;
use gridwork_core::visits::VisitReceipt;
use gridwork_core::{CoreError, Engine, TaggedError};
use gridwork_domain::attention::AttentionItem;
use gridwork_domain::enroll_link::EnrollLink;
use gridwork_domain::household::UNTAGGED_VISIT_INTERVAL_DAYS;
use gridwork_domain::report::{Dashboard, ExportedNotice, FigureList, FigureQuery, MonthlyNotice, PeriodSpec, Ranking};
use gridwork_domain::wire::office::{Fleet, IssuedCode, NewAccount, OfficeAccount};
use gridwork_domain::wire::{Handler, HandlerKind};
use gridwork_domain::{
    Area, AreaCode, ContactCard, DeviceId, Dispute, DisputeAction, GeoPoint, Household, HouseholdTag, RecordId, Visit,
};
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::Answer;
use crate::lock_state::LockState;
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

pub fn case_queue(e: &mut Engine, query: CaseQueueQuery) -> Done<CaseQueue> {
    e.case_queue(&query, now_ms())
}

pub fn case_step(
    e: &mut Engine,
    dispute: RecordId,
    action: DisputeAction,
    note: String,
    visit: Option<RecordId>,
) -> Done<RecordId> {
    e.append_event_at(dispute, action, &note, visit)
}

pub fn handlers(e: &mut Engine, text: String, kind: Option<HandlerKind>, limit: u32) -> Done<Vec<Handler>> {
    e.handlers(&text, kind, limit)
}

pub fn due_households(e: &mut Engine, offset: u32, limit: u32) -> Done<Vec<HouseholdRow>> {
    e.due_households(now_ms(), offset, limit)
}

/// The wall clock in ms (deadlines and due visits are counted from it).
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn household_history(e: &mut Engine, id: RecordId) -> Done<HouseholdHistory> {
    e.household_history(id)
}

pub fn household(e: &mut Engine, id: RecordId) -> Done<Household> {
    e.household(id)
}

/// A new household without an id; an edit (archiving included) with one. An edit that changes
/// nothing queues nothing.
pub fn save_household(e: &mut Engine, id: Option<RecordId>, household: Household) -> Done<RecordId> {
    match id {
        None => e.create_household(&household),
        Some(id) => e.edit_household(id, &household).map(|_| id),
    }
}

/// How often households are visited: the days each tag asks for (a household is visited at the
/// shortest of its tags) and the days for an untagged one, so the register shows the result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitIntervals {
    pub untagged_days: u32,
    pub tags: Vec<(HouseholdTag, u32)>,
}

/// Every tag, in the order the register offers them.
const TAGS: [HouseholdTag; 8] = {
    use HouseholdTag::*;
    [ElderlyAlone, SpecialCare, LeftBehindChild, Disability, LowIncome, Rental, PartyMember, Veteran]
};

/// A tag added to the domain fails to compile here until it is offered in `TAGS` too.
const fn offered(t: HouseholdTag) -> bool {
    use HouseholdTag::*;
    match t {
        ElderlyAlone | SpecialCare | LeftBehindChild | Disability | LowIncome | Rental | PartyMember | Veteran => true,
    }
}

pub fn visit_intervals(_: &mut Engine) -> Done<VisitIntervals> {
    let tags = TAGS.iter().filter(|t| offered(**t)).map(|t| (*t, t.visit_interval_days())).collect();
    Ok(VisitIntervals { untagged_days: UNTAGGED_VISIT_INTERVAL_DAYS, tags })
}

pub fn locate(e: &mut Engine, point: GeoPoint) -> Done<Option<AreaCode>> {
    e.locate(point)
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

pub fn choose_conflict(e: &mut Engine, id: i64, keep_loser: bool) -> Done<bool> {
    e.choose_conflict(id, keep_loser)
}

pub fn award_highlight(e: &mut Engine, highlight: NewHighlight) -> Done<RecordId> {
    e.award_highlight(&highlight)
}

pub fn withdraw_highlight(e: &mut Engine, id: RecordId) -> Done<()> {
    e.withdraw_highlight(id)
}

pub fn highlights(e: &mut Engine, quarter: String, scope: Option<AreaCode>) -> Done<Vec<HighlightRow>> {
    e.highlights(&quarter, scope.as_ref())
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

pub fn lock_state(state: &AppState) -> Answer<LockState> {
    state.lock_state()
}

pub fn unlock(state: &AppState, pin: String) -> Answer<LockState> {
    state.unlock(&pin)
}

pub fn lock(state: &AppState) -> Answer<LockState> {
    state.lock()
}

/// Makes the store under the worker's new PIN, then enrolls with the server (a failed enrollment
/// leaves nothing behind). Over HTTPS the server's key is pinned: from the first contact when the
/// scanned link carried it (`server_pin`), otherwise as the server showed it.
pub async fn enroll<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    code: String,
    device_name: String,
    pin: String,
    server_pin: Option<String>,
) -> Answer<HandsetStatus> {
    let tls = TlsOptions { pin: server_pin.filter(|p| !p.trim().is_empty()), ..TlsOptions::default() };
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        state.enroll(&pin, |s| {
            gridwork_core::sync::enroll_shared(s, &server_url, &code, &device_name, &tls)
                .map(drop)
                .map_err(|e| e.to_tagged())
        })?;
        state.with(|e| e.status())
    })
    .await
    .map_err(|e| internal(&e))?
}

/// The way out of a damaged store (the first screen offers it): the damaged file is moved aside
/// and kept, the device enrolls again with a new code (and a new PIN) and pulls everything,
/// emitting `sync-progress` events as it goes.
pub async fn recover<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    code: String,
    device_name: String,
    pin: String,
) -> Answer<HandsetStatus> {
    let events = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let mut emit = |p: SyncProgress| drop(events.emit(PROGRESS_EVENT, SyncProgressEvent::from(p)));
        state.recover(&server_url, &code, &device_name, &pin, &mut emit)?;
        state.with(|e| e.status())
    })
    .await
    .map_err(|e| internal(&e))?
}

/// Pushes the outbox and pulls what is new, emitting `sync-progress` events as it goes. The
/// engine is held only for each step of the store (`sync_shared`): every other command answers
/// while the sync waits for the server. The server's lock rules that came with it are kept beside
/// the store; `revoked` wipes the device (key first) back to enrollment.
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Answer<SyncSummary> {
    let events = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let told = events.clone();
        // Each failed try that will be made again shows on the screen as a `retry` step.
        let client = state
            .with(|e| client_for(e))?
            .on_retry(move |n| drop(told.emit(PROGRESS_EVENT, SyncProgressEvent::from(n))));
        let mut emit = |p: SyncProgress| drop(events.emit(PROGRESS_EVENT, SyncProgressEvent::from(p)));
        let result = gridwork_core::sync::sync_shared(&*state, &client, &mut emit);
        if !matches!(result, Err(CoreError::Revoked(_))) {
            state.keep_policy();
        }
        result.map(|r| SyncSummary::from(&r)).map_err(|e| e.to_tagged())
    })
    .await
    .map_err(|e| internal(&e))?
}

pub async fn fleet<R: Runtime>(app: AppHandle<R>) -> Answer<Fleet> {
    office_call(app, office::fleet).await
}

pub async fn office_accounts<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<OfficeAccount>> {
    office_call(app, office::accounts).await
}

pub async fn create_account<R: Runtime>(app: AppHandle<R>, account: NewAccount) -> Answer<OfficeAccount> {
    office_call(app, move |s, c| office::create_account(s, c, &account)).await
}

pub async fn issue_code<R: Runtime>(app: AppHandle<R>, account: String, valid_days: u32) -> Answer<IssuedCode> {
    office_call(app, move |s, c| office::issue_code(s, c, &account, valid_days)).await
}

pub async fn revoke_device<R: Runtime>(app: AppHandle<R>, device: DeviceId) -> Answer<OfficeAccount> {
    office_call(app, move |s, c| office::revoke_device(s, c, device)).await
}

pub async fn disable_account<R: Runtime>(app: AppHandle<R>, account: String) -> Answer<OfficeAccount> {
    office_call(app, move |s, c| office::disable_account(s, c, &account)).await
}

pub fn read_enroll_link(_: &AppState, text: String) -> Answer<EnrollLink> {
    office::read_enroll_link(&text).map_err(|e| e.to_tagged())
}

/// A sync client for this device's server that gives up quickly: the worker is waiting, and
/// the app tries again by itself when the server is reachable.
fn client_for(e: &Engine) -> Result<SyncClient, CoreError> {
    let mut client = SyncClient::for_profile(e.profile()?)?;
    client.retry = RetryPolicy { attempts: 2, base: Duration::from_millis(200), max: Duration::from_secs(1) };
    Ok(client)
}

/// Runs an office call on a blocking thread, so network waits never stall the window, with a
/// client for this device's server. The call borrows the engine only to read and keep
/// (`EngineCell`), never while the server is asked; `revoked` wipes the device back to enrollment.
async fn office_call<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState, &SyncClient) -> Result<T, CoreError> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let client = state.with(|e| client_for(e))?;
        f(state.inner(), &client).map_err(|e| e.to_tagged())
    })
    .await
    .map_err(|e| internal(&e))?
}

/// A failure of the app itself (a thread that did not finish), for the UI.
fn internal(e: &dyn std::fmt::Display) -> TaggedError {
    TaggedError {
        kind: "internal",
        message: e.to_string(),
        fields: Vec::new(),
        net: None,
        unsynced: None,
        code: None,
        params: None,
    }
}

pub fn dashboard(e: &mut Engine, period: PeriodSpec, scope: Option<AreaCode>) -> Done<Dashboard> {
    e.dashboard(&period, scope.as_ref())
}

pub fn figure_list(e: &mut Engine, query: FigureQuery) -> Done<FigureList> {
    e.figure_list(&query)
}

pub fn monthly_notice(e: &mut Engine, month: String, scope: Option<AreaCode>) -> Done<MonthlyNotice> {
    e.monthly_notice(&month, scope.as_ref())
}

pub fn export_notice(e: &mut Engine, month: String, scope: Option<AreaCode>, dir: String) -> Done<ExportedNotice> {
    e.export_notice(&month, scope.as_ref(), std::path::Path::new(&dir))
}

pub fn ranking(e: &mut Engine, quarter: String, scope: Option<AreaCode>) -> Done<Ranking> {
    e.ranking(&quarter, scope.as_ref())
}
