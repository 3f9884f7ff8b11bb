// The app's commands, declared once. Each line is `kind(flags) name(arg: Type, …) -> Answer;`:
// `engine` commands run an adapter in `adapters` over the engine (on a blocking thread, holding
// it), `net` commands an async adapter that crosses the network without holding it, `app`
// commands an adapter over the app's state itself (the lock; they need no open store). `engine`
// and `net` commands answer `locked` unless the store is open, and `offline_locked` while the
// offline lock holds — except those flagged `Offline` (what the "please sync" screen offers).
// Flagged `Passive`, a command does not count as the worker using the app (the idle lock);
// flagged `Setup`, it runs before there is a store to open (enrollment) and checks for itself.
// From this table come the Tauri handler and its wrappers (`commands`), the names the build
// script turns into permissions (build.rs includes this file), and the typed TypeScript client
// (ui/src/lib/commands.gen.ts, written by `cargo test -p gridwork-app`). To add a command: add a
// line here, its adapter in `adapters`, and `allow-<name>` in capabilities/default.json.
gridwork_commands! {
    /// The handset: enrolled or not, who, role, pending changes, clock warning.
    engine(Offline, Passive) status() -> HandsetStatus;
    /// The app lock: new, locked (wrong PINs so far, the wait, the tries left), open or damaged;
    /// the offline lock and the server's rules.
    app(Passive) lock_state() -> LockState;
    /// Opens the store with the worker's PIN (an unencrypted store from before: sets the PIN).
    app unlock(pin: String) -> LockState;
    /// Locks the app now (the idle lock); unsaved input is saved as drafts by the UI first.
    app lock() -> LockState;
    /// Makes the encrypted store under a new PIN, then enrolls with the server using a one-time code
    /// (`server_pin`: the server's key as the scanned enrollment link carries it, pinned from the
    /// first contact).
    net(Setup) enroll(server_url: String, code: String, device_name: String, pin: String, server_pin: Option<String>) -> HandsetStatus;
    /// The way out of a damaged store: kept aside, a new PIN, enrolled again, everything pulled again.
    net(Setup) recover(server_url: String, code: String, device_name: String, pin: String) -> HandsetStatus;
    /// Pushes the outbox and pulls what is new, emitting `sync-progress` events.
    net(Offline) sync_now() -> SyncSummary;
    /// Today's queue of due households and open reports.
    engine today() -> Today;
    /// Households of an area, searched by name, pinyin, initials or door number.
    engine list_households(area: Option<AreaCode>, text: String, limit: u32) -> Vec<HouseholdRow>;
    /// One household with its visits, disputes and cards.
    engine household_history(id: RecordId) -> HouseholdHistory;
    /// One household as stored, for editing.
    engine household(id: RecordId) -> Household;
    /// Adds a household (no id) or saves an edited one (archiving it too); answers its id.
    engine save_household(id: Option<RecordId>, household: Household) -> RecordId;
    /// The visit interval of each tag (重点人群) and of an untagged household.
    engine visit_intervals() -> VisitIntervals;
    /// The micro-grid of this device's scope whose boundary holds a point, if any.
    engine locate(point: GeoPoint) -> Option<AreaCode>;
    /// A dispute case: the report, its timeline, the deadline and the steps this account may take.
    engine case_view(id: RecordId) -> CaseView;
    /// The leader's (or township's, banner's) queue of cases, counted by stage bucket.
    engine case_queue(query: CaseQueueQuery) -> CaseQueue;
    /// Takes one step of a case (checked against the workflow and the authority table).
    engine case_step(dispute: RecordId, action: DisputeAction, note: String, visit: Option<RecordId>) -> RecordId;
    /// Whom a case may be dispatched to, searched by name, pinyin or initials.
    engine handlers(text: String, kind: Option<HandlerKind>, limit: u32) -> Vec<Handler>;
    /// A page of the households due for a visit.
    engine due_households(offset: u32, limit: u32) -> Vec<HouseholdRow>;
    /// Records a visit (with its outbox entry).
    engine record_visit(visit: Visit) -> VisitReceipt;
    /// Files a dispute report.
    engine file_dispute(dispute: Dispute) -> RecordId;
    /// Issues a grid service contact card to a household.
    engine issue_card(household: RecordId, recipient: String) -> (RecordId, ContactCard);
    /// The areas under a code prefix.
    engine areas(prefix: String) -> Vec<Area>;
    /// What waits to be pushed.
    engine(Offline) outbox() -> Vec<OutboxRow>;
    /// What needs a person's attention (refusals, stranded work).
    engine(Offline) attention() -> Vec<AttentionItem>;
    /// Field conflicts kept for review.
    engine conflicts(include_resolved: bool) -> Vec<ConflictRow>;
    /// Acknowledges a conflict, keeping the merged value.
    engine resolve_conflict(id: i64) -> bool;
    /// Keeps one value of a conflict (the kept one, or with `keep_loser` the other) as a new edit.
    engine choose_conflict(id: i64, keep_loser: bool) -> bool;
    /// Awards highlight points (亮点加分) to a grid or village for a quarter's ranking.
    engine award_highlight(highlight: NewHighlight) -> RecordId;
    /// Withdraws an award: its points stop counting.
    engine withdraw_highlight(id: RecordId) -> ();
    /// The awards of a quarter inside an area (the device's when none).
    engine highlights(quarter: String, scope: Option<AreaCode>) -> Vec<HighlightRow>;
    /// Keeps a form's unfinished input.
    engine save_draft(form: String, body: String) -> ();
    /// A form's kept input, if any.
    engine load_draft(form: String) -> Option<String>;
    /// Forgets a form's kept input.
    engine delete_draft(form: String) -> bool;
    /// The office's dashboard of a period in an area (`None`: this device's), counted now.
    engine dashboard(period: PeriodSpec, scope: Option<AreaCode>) -> Dashboard;
    /// A page of the cases, households or cards behind one number of the dashboard.
    engine figure_list(query: FigureQuery) -> FigureList;
    /// The monthly notice (月通报) of a month: each village and grid against the month before.
    engine monthly_notice(month: String, scope: Option<AreaCode>) -> MonthlyNotice;
    /// Writes the monthly notice as XLSX (with the quarter's ranking) and CSV into a folder.
    engine export_notice(month: String, scope: Option<AreaCode>, dir: String) -> ExportedNotice;
    /// The quarterly ranking (季排名) of grids and villages: template score plus highlight points.
    engine ranking(quarter: String, scope: Option<AreaCode>) -> Ranking;
    /// The office's fleet (online; offline the copy kept from the last fetch, with `stale`).
    net fleet() -> Fleet;
    /// The accounts of the office's area with their handsets.
    net office_accounts() -> Vec<OfficeAccount>;
    /// Makes an account for a new worker (checked here, then by the server; audited).
    net create_account(account: NewAccount) -> OfficeAccount;
    /// A one-time enrollment code for an account, shown once, with the link its QR code carries.
    net issue_code(account: String, valid_days: u32) -> IssuedCode;
    /// Revokes a handset (wiped at its next sync); answers its account as it is now.
    net revoke_device(device: DeviceId) -> OfficeAccount;
    /// Disables an account (each handset wiped at its next sync); answers it as it is now.
    net disable_account(account: String) -> OfficeAccount;
    /// Reads a scanned QR code's text as an enrollment link (server and code).
    app read_enroll_link(text: String) -> EnrollLink;
}
