// Shared fixtures for the queue, case and today tests: a case view as the engine returns it, the
// handlers of the reference data, a queue page, and each test run at NOW.
import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import type { CaseQueue } from '../../lib/bindings/CaseQueue';
import type { CaseView } from '../../lib/bindings/CaseView';
import type { Handler } from '../../lib/bindings/Handler';

export const NOW = Date.UTC(2026, 11, 1, 8, 0, 0);

/** Runs each test of the file at NOW, and leaves no screen or IPC mock behind it. */
export function eachTestAtNow(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    cleanup();
    clearMocks();
    vi.useRealTimers();
  });
}
const HOUR = 3_600_000;

export const handlers: Handler[] = [
  { key: '王芳', name: '王芳', kind: 'grid_worker', area: '150621001001001' },
  { key: '李强', name: '李强', kind: 'grid_leader', area: '150621001001001' },
  { key: 'med-1', name: '锦园社区人民调解委员会', kind: 'mediator', area: '150621001001' },
  { key: 'dept-police', name: '平原派出所', kind: 'department', area: null },
];

export function caseView(over: Partial<CaseView> = {}, state: Partial<CaseView['state']> = {}): CaseView {
  const ev = (id: string, type: string, actor: string, synced: boolean, extra: Record<string, unknown> = {}) => ({
    id, synced, skipped: null,
    event: { dispute: 'd1', micro_grid: '150621001001001001', actor, at: new Date(NOW - 5 * HOUR).toISOString(), action: { type, ...extra }, note: '', visit: null },
  });
  return {
    id: 'd1',
    dispute: {
      micro_grid: '150621001001001001', reporter: '王芳', reported_at: new Date(NOW - 30 * HOUR).toISOString(), category: 'neighbour',
      parties: [{ name: '张伟', phone: '13800138001', household: 'h1' }, { name: '赵丽', phone: null, household: null }],
      description: '楼上漏水，两家争执', amount_yuan: 1200, urgency: 'high', location: { lat: 40.4, lon: 110.04 },
    },
    state: {
      dispute: 'd1', stage: 'open', level: 'village', attempts: { village: 0, township: 0, banner: 0 }, last_outcome: null,
      dispatched_to: null, referral: null, rating: null, events_applied: 2, reopens: 0, skipped: [], unsettled: 0, stage_since: null,
      reported_at: null, closed_at: null, closed_level: null, village_handler: null, max_level: 'village',
      ...state,
    },
    allowed: ['dispatched'],
    timeline: [
      ev('e1', 'reported', '王芳', true),
      ev('e2', 'verified', '李强', false),
    ] as CaseView['timeline'],
    due_ms: NOW + 5 * HOUR + 10 * 60_000,
    overdue: false,
    household: { id: 'h1', micro_grid: '150621001001001001', head_name: '张伟', address: '锦园社区', door_number: '5号', phone: null, tags: [], lat: 40.4, lon: 110.04, last_visit_ms: null, interval_days: 30 },
    ...over,
  };
}

export const queuePage: CaseQueue = {
  counts: [
    { bucket: 'to_verify', count: 2, overdue: 1 }, { bucket: 'open', count: 1, overdue: 0 }, { bucket: 'dispatched', count: 0, overdue: 0 },
    { bucket: 'mediating', count: 1, overdue: 0 }, { bucket: 'awaiting_close', count: 0, overdue: 0 }, { bucket: 'awaiting_rating', count: 0, overdue: 0 },
  ],
  total: 4,
  rows: [
    { id: 'c1', category: 'land', urgency: 'critical', description: '草场边界', household: '张伟', micro_grid: '150621001001001001', micro_grid_name: '锦园一组',
      reported_ms: NOW - 3 * 24 * HOUR, stage: 'reported', bucket: 'to_verify', level: 'village', attempts_here: 0, dispatched_to: null, due_ms: NOW - 2 * 24 * HOUR - HOUR, overdue: true, unsettled: 0 },
    { id: 'c2', category: 'neighbour', urgency: 'normal', description: '噪音', household: null, micro_grid: '150621001001001002', micro_grid_name: '锦园二组',
      reported_ms: NOW - 2 * HOUR, stage: 'mediating', bucket: 'mediating', level: 'village', attempts_here: 2, dispatched_to: '王芳', due_ms: NOW + 5 * HOUR + 1000, overdue: false, unsettled: 1 },
  ],
};
