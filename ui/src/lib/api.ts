// Typed calls of the app's commands (src-tauri/src/commands.rs). Types come from Rust through
// ts-rs (./bindings); a failed call rejects with a TaggedError.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { Area } from './bindings/Area';
import type { AttentionItem } from './bindings/AttentionItem';
import type { CaseView } from './bindings/CaseView';
import type { ConflictRow } from './bindings/ConflictRow';
import type { ContactCard } from './bindings/ContactCard';
import type { Dispute } from './bindings/Dispute';
import type { HandsetStatus } from './bindings/HandsetStatus';
import type { HouseholdHistory } from './bindings/HouseholdHistory';
import type { HouseholdRow } from './bindings/HouseholdRow';
import type { OutboxRow } from './bindings/OutboxRow';
import type { SyncProgressEvent } from './bindings/SyncProgressEvent';
import type { SyncSummary } from './bindings/SyncSummary';
import type { TaggedError } from './bindings/TaggedError';
import type { Today } from './bindings/Today';
import type { Visit } from './bindings/Visit';
import type { VisitReceipt } from './bindings/VisitReceipt';

/** Whatever a command rejected with, as a TaggedError. */
function asTagged(e: unknown): TaggedError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const t = e as TaggedError;
    return { kind: t.kind, message: t.message, fields: t.fields ?? [], net: t.net ?? null, unsynced: t.unsynced ?? null };
  }
  return { kind: 'internal', message: String(e), fields: [], net: null, unsynced: null };
}

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asTagged(e);
  }
}

export const api = {
  status: () => call<HandsetStatus>('status'),
  enroll: (server_url: string, code: string, device_name: string) =>
    call<HandsetStatus>('enroll', { server_url, code, device_name }),
  /** The way out of a damaged store: kept aside, enrolled again, everything pulled again. */
  recover: (server_url: string, code: string, device_name: string) =>
    call<HandsetStatus>('recover', { server_url, code, device_name }),
  syncNow: () => call<SyncSummary>('sync_now'),
  today: () => call<Today>('today'),
  listHouseholds: (area: string | null, text: string, limit = 200) =>
    call<HouseholdRow[]>('list_households', { area, text, limit }),
  householdHistory: (id: string) => call<HouseholdHistory>('household_history', { id }),
  caseView: (id: string) => call<CaseView>('case_view', { id }),
  recordVisit: (visit: Visit) => call<VisitReceipt>('record_visit', { visit }),
  fileDispute: (dispute: Dispute) => call<string>('file_dispute', { dispute }),
  issueCard: (household: string, recipient: string) =>
    call<[string, ContactCard]>('issue_card', { household, recipient }),
  areas: (prefix: string) => call<Area[]>('areas', { prefix }),
  outbox: () => call<OutboxRow[]>('outbox'),
  attention: () => call<AttentionItem[]>('attention'),
  conflicts: (include_resolved = false) => call<ConflictRow[]>('conflicts', { include_resolved }),
  resolveConflict: (id: number) => call<boolean>('resolve_conflict', { id }),
  saveDraft: (form: string, body: string) => call<null>('save_draft', { form, body }),
  loadDraft: (form: string) => call<string | null>('load_draft', { form }),
  deleteDraft: (form: string) => call<boolean>('delete_draft', { form }),
  onSyncProgress: (f: (p: SyncProgressEvent) => void): Promise<UnlistenFn> =>
    listen<SyncProgressEvent>('sync-progress', (e) => f(e.payload)),
};
