// Generated from src-tauri/src/command_table.rs by `cargo test -p gridwork-app`: do not edit.
// One typed function per command of the app; a failed call rejects with a TaggedError.
import { call } from './ipc';
import type { Area } from './bindings/Area';
import type { AreaCode } from './bindings/AreaCode';
import type { AttentionItem } from './bindings/AttentionItem';
import type { CaseQueue } from './bindings/CaseQueue';
import type { CaseQueueQuery } from './bindings/CaseQueueQuery';
import type { CaseView } from './bindings/CaseView';
import type { ConflictRow } from './bindings/ConflictRow';
import type { ContactCard } from './bindings/ContactCard';
import type { Dashboard } from './bindings/Dashboard';
import type { DeviceId } from './bindings/DeviceId';
import type { Dispute } from './bindings/Dispute';
import type { DisputeAction } from './bindings/DisputeAction';
import type { EnrollLink } from './bindings/EnrollLink';
import type { ExportedNotice } from './bindings/ExportedNotice';
import type { FigureList } from './bindings/FigureList';
import type { FigureQuery } from './bindings/FigureQuery';
import type { Fleet } from './bindings/Fleet';
import type { GeoPoint } from './bindings/GeoPoint';
import type { Handler } from './bindings/Handler';
import type { HandlerKind } from './bindings/HandlerKind';
import type { HandsetStatus } from './bindings/HandsetStatus';
import type { HighlightRow } from './bindings/HighlightRow';
import type { Household } from './bindings/Household';
import type { HouseholdHistory } from './bindings/HouseholdHistory';
import type { HouseholdRow } from './bindings/HouseholdRow';
import type { IssuedCode } from './bindings/IssuedCode';
import type { LockState } from './bindings/LockState';
import type { MonthlyNotice } from './bindings/MonthlyNotice';
import type { NewAccount } from './bindings/NewAccount';
import type { NewHighlight } from './bindings/NewHighlight';
import type { OfficeAccount } from './bindings/OfficeAccount';
import type { OutboxRow } from './bindings/OutboxRow';
import type { PeriodSpec } from './bindings/PeriodSpec';
import type { Ranking } from './bindings/Ranking';
import type { RecordId } from './bindings/RecordId';
import type { SyncSummary } from './bindings/SyncSummary';
import type { Today } from './bindings/Today';
import type { Visit } from './bindings/Visit';
import type { VisitIntervals } from './bindings/VisitIntervals';
import type { VisitReceipt } from './bindings/VisitReceipt';

/** The name of every command, as the IPC and the capability know it. */
export const COMMAND_NAMES = [
  'status',
  'lock_state',
  'unlock',
  'lock',
  'enroll',
  'recover',
  'sync_now',
  'today',
  'list_households',
  'household_history',
  'household',
  'save_household',
  'visit_intervals',
  'locate',
  'case_view',
  'case_queue',
  'case_step',
  'handlers',
  'due_households',
  'record_visit',
  'file_dispute',
  'issue_card',
  'areas',
  'outbox',
  'attention',
  'conflicts',
  'resolve_conflict',
  'choose_conflict',
  'award_highlight',
  'withdraw_highlight',
  'highlights',
  'save_draft',
  'load_draft',
  'delete_draft',
  'dashboard',
  'figure_list',
  'monthly_notice',
  'export_notice',
  'ranking',
  'fleet',
  'office_accounts',
  'create_account',
  'issue_code',
  'revoke_device',
  'disable_account',
  'read_enroll_link',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const commands = {
  /** The handset: enrolled or not, who, role, pending changes, clock warning. */
  status: (): Promise<HandsetStatus> =>
    call<HandsetStatus>('status', {}),
  /** The app lock: new, locked (wrong PINs so far, the wait, the tries left), open or damaged; */
  /** the offline lock and the server's rules. */
  lockState: (): Promise<LockState> =>
    call<LockState>('lock_state', {}),
  /** Opens the store with the worker's PIN (an unencrypted store from before: sets the PIN). */
  unlock: (pin: string): Promise<LockState> =>
    call<LockState>('unlock', { pin }),
  /** Locks the app now (the idle lock); unsaved input is saved as drafts by the UI first. */
  lock: (): Promise<LockState> =>
    call<LockState>('lock', {}),
  /** Makes the encrypted store under a new PIN, then enrolls with the server using a one-time code */
  /** (`server_pin`: the server's key as the scanned enrollment link carries it, pinned from the */
  /** first contact). */
  enroll: (server_url: string, code: string, device_name: string, pin: string, server_pin: string | null): Promise<HandsetStatus> =>
    call<HandsetStatus>('enroll', { server_url, code, device_name, pin, server_pin }),
  /** The way out of a damaged store: kept aside, a new PIN, enrolled again, everything pulled again. */
  recover: (server_url: string, code: string, device_name: string, pin: string): Promise<HandsetStatus> =>
    call<HandsetStatus>('recover', { server_url, code, device_name, pin }),
  /** Pushes the outbox and pulls what is new, emitting `sync-progress` events. */
  syncNow: (): Promise<SyncSummary> =>
    call<SyncSummary>('sync_now', {}),
  /** Today's queue of due households and open reports. */
  today: (): Promise<Today> =>
    call<Today>('today', {}),
  /** Households of an area, searched by name, pinyin, initials or door number. */
  listHouseholds: (area: AreaCode | null, text: string, limit: number): Promise<Array<HouseholdRow>> =>
    call<Array<HouseholdRow>>('list_households', { area, text, limit }),
  /** One household with its visits, disputes and cards. */
  householdHistory: (id: RecordId): Promise<HouseholdHistory> =>
    call<HouseholdHistory>('household_history', { id }),
  /** One household as stored, for editing. */
  household: (id: RecordId): Promise<Household> =>
    call<Household>('household', { id }),
  /** Adds a household (no id) or saves an edited one (archiving it too); answers its id. */
  saveHousehold: (id: RecordId | null, household: Household): Promise<RecordId> =>
    call<RecordId>('save_household', { id, household }),
  /** The visit interval of each tag (重点人群) and of an untagged household. */
  visitIntervals: (): Promise<VisitIntervals> =>
    call<VisitIntervals>('visit_intervals', {}),
  /** The micro-grid of this device's scope whose boundary holds a point, if any. */
  locate: (point: GeoPoint): Promise<AreaCode | null> =>
    call<AreaCode | null>('locate', { point }),
  /** A dispute case: the report, its timeline, the deadline and the steps this account may take. */
  caseView: (id: RecordId): Promise<CaseView> =>
    call<CaseView>('case_view', { id }),
  /** The leader's (or township's, banner's) queue of cases, counted by stage bucket. */
  caseQueue: (query: CaseQueueQuery): Promise<CaseQueue> =>
    call<CaseQueue>('case_queue', { query }),
  /** Takes one step of a case (checked against the workflow and the authority table). */
  caseStep: (dispute: RecordId, action: DisputeAction, note: string, visit: RecordId | null): Promise<RecordId> =>
    call<RecordId>('case_step', { dispute, action, note, visit }),
  /** Whom a case may be dispatched to, searched by name, pinyin or initials. */
  handlers: (text: string, kind: HandlerKind | null, limit: number): Promise<Array<Handler>> =>
    call<Array<Handler>>('handlers', { text, kind, limit }),
  /** A page of the households due for a visit. */
  dueHouseholds: (offset: number, limit: number): Promise<Array<HouseholdRow>> =>
    call<Array<HouseholdRow>>('due_households', { offset, limit }),
  /** Records a visit (with its outbox entry). */
  recordVisit: (visit: Visit): Promise<VisitReceipt> =>
    call<VisitReceipt>('record_visit', { visit }),
  /** Files a dispute report. */
  fileDispute: (dispute: Dispute): Promise<RecordId> =>
    call<RecordId>('file_dispute', { dispute }),
  /** Issues a grid service contact card to a household. */
  issueCard: (household: RecordId, recipient: string): Promise<[RecordId, ContactCard]> =>
    call<[RecordId, ContactCard]>('issue_card', { household, recipient }),
  /** The areas under a code prefix. */
  areas: (prefix: string): Promise<Array<Area>> =>
    call<Array<Area>>('areas', { prefix }),
  /** What waits to be pushed. */
  outbox: (): Promise<Array<OutboxRow>> =>
    call<Array<OutboxRow>>('outbox', {}),
  /** What needs a person's attention (refusals, stranded work). */
  attention: (): Promise<Array<AttentionItem>> =>
    call<Array<AttentionItem>>('attention', {}),
  /** Field conflicts kept for review. */
  conflicts: (include_resolved: boolean): Promise<Array<ConflictRow>> =>
    call<Array<ConflictRow>>('conflicts', { include_resolved }),
  /** Acknowledges a conflict, keeping the merged value. */
  resolveConflict: (id: number): Promise<boolean> =>
    call<boolean>('resolve_conflict', { id }),
  /** Keeps one value of a conflict (the kept one, or with `keep_loser` the other) as a new edit. */
  chooseConflict: (id: number, keep_loser: boolean): Promise<boolean> =>
    call<boolean>('choose_conflict', { id, keep_loser }),
  /** Awards highlight points (亮点加分) to a grid or village for a quarter's ranking. */
  awardHighlight: (highlight: NewHighlight): Promise<RecordId> =>
    call<RecordId>('award_highlight', { highlight }),
  /** Withdraws an award: its points stop counting. */
  withdrawHighlight: (id: RecordId): Promise<null> =>
    call<null>('withdraw_highlight', { id }),
  /** The awards of a quarter inside an area (the device's when none). */
  highlights: (quarter: string, scope: AreaCode | null): Promise<Array<HighlightRow>> =>
    call<Array<HighlightRow>>('highlights', { quarter, scope }),
  /** Keeps a form's unfinished input. */
  saveDraft: (form: string, body: string): Promise<null> =>
    call<null>('save_draft', { form, body }),
  /** A form's kept input, if any. */
  loadDraft: (form: string): Promise<string | null> =>
    call<string | null>('load_draft', { form }),
  /** Forgets a form's kept input. */
  deleteDraft: (form: string): Promise<boolean> =>
    call<boolean>('delete_draft', { form }),
  /** The office's dashboard of a period in an area (`None`: this device's), counted now. */
  dashboard: (period: PeriodSpec, scope: AreaCode | null): Promise<Dashboard> =>
    call<Dashboard>('dashboard', { period, scope }),
  /** A page of the cases, households or cards behind one number of the dashboard. */
  figureList: (query: FigureQuery): Promise<FigureList> =>
    call<FigureList>('figure_list', { query }),
  /** The monthly notice (月通报) of a month: each village and grid against the month before. */
  monthlyNotice: (month: string, scope: AreaCode | null): Promise<MonthlyNotice> =>
    call<MonthlyNotice>('monthly_notice', { month, scope }),
  /** Writes the monthly notice as XLSX (with the quarter's ranking) and CSV into a folder. */
  exportNotice: (month: string, scope: AreaCode | null, dir: string): Promise<ExportedNotice> =>
    call<ExportedNotice>('export_notice', { month, scope, dir }),
  /** The quarterly ranking (季排名) of grids and villages: template score plus highlight points. */
  ranking: (quarter: string, scope: AreaCode | null): Promise<Ranking> =>
    call<Ranking>('ranking', { quarter, scope }),
  /** The office's fleet (online; offline the copy kept from the last fetch, with `stale`). */
  fleet: (): Promise<Fleet> =>
    call<Fleet>('fleet', {}),
  /** The accounts of the office's area with their handsets. */
  officeAccounts: (): Promise<Array<OfficeAccount>> =>
    call<Array<OfficeAccount>>('office_accounts', {}),
  /** Makes an account for a new worker (checked here, then by the server; audited). */
  createAccount: (account: NewAccount): Promise<OfficeAccount> =>
    call<OfficeAccount>('create_account', { account }),
  /** A one-time enrollment code for an account, shown once, with the link its QR code carries. */
  issueCode: (account: string, valid_days: number): Promise<IssuedCode> =>
    call<IssuedCode>('issue_code', { account, valid_days }),
  /** Revokes a handset (wiped at its next sync); answers its account as it is now. */
  revokeDevice: (device: DeviceId): Promise<OfficeAccount> =>
    call<OfficeAccount>('revoke_device', { device }),
  /** Disables an account (each handset wiped at its next sync); answers it as it is now. */
  disableAccount: (account: string): Promise<OfficeAccount> =>
    call<OfficeAccount>('disable_account', { account }),
  /** Reads a scanned QR code's text as an enrollment link (server and code). */
  readEnrollLink: (text: string): Promise<EnrollLink> =>
    call<EnrollLink>('read_enroll_link', { text }),
};
