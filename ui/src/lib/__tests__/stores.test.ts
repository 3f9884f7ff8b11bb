import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import type { HouseholdRow } from '../bindings/HouseholdRow';
import { draft } from '../stores/draft';
import { householdSearch } from '../stores/search';
import { fraction, lastResult, startAutoSync, status, syncError, syncNow, syncing } from '../stores/sync';

const baseStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: 'x', server_url: 'http://127.0.0.1:8787', pending: 2, rejected: 0, last_sync_ms: null, serials_left: 10, may: ['household_create', 'visit_record', 'report', 'card_issue'],
};

afterEach(() => clearMocks());

describe('sync store', () => {
  it('reports a summary and refreshes the status after a good sync', async () => {
    mockIPC((cmd) => {
      if (cmd === 'sync_now') return { pushed: 2, rejected: 0, pulled: 5, conflicts: 0 };
      if (cmd === 'status') return { ...baseStatus, pending: 0, last_sync_ms: 1 };
    });
    const summary = await syncNow();
    expect(summary?.pushed).toBe(2);
    expect(get(lastResult)?.pulled).toBe(5);
    expect(get(syncError)).toBeNull();
    expect(get(status)?.pending).toBe(0);
    expect(get(syncing)).toBe(false);
  });

  it('keeps the offline error for the message and keeps the count', async () => {
    mockIPC((cmd) => {
      if (cmd === 'sync_now') throw { kind: 'offline', message: 'connection refused', fields: [] };
      if (cmd === 'status') return baseStatus;
    });
    expect(await syncNow()).toBeNull();
    expect(get(syncError)?.kind).toBe('offline');
    expect(get(status)?.pending).toBe(2);
  });

  it('leaves a withdrawn device not enrolled, with the reason kept for the first-run screen', async () => {
    mockIPC((cmd) => {
      if (cmd === 'sync_now') throw { kind: 'revoked', message: 'withdrawn', fields: [] };
      if (cmd === 'status') return { ...baseStatus, enrolled: false, user_name: null, pending: 0 };
    });
    status.set(baseStatus as never);
    expect(await syncNow()).toBeNull();
    expect(get(syncError)?.kind).toBe('revoked');
    expect(get(status)?.enrolled).toBe(false);
  });

  it('computes the progress bar share', () => {
    expect(fraction(null)).toBe(0);
    expect(fraction({ phase: 'push', done: 0, total: 0, retry: null })).toBe(0);
    expect(fraction({ phase: 'pull', done: 50, total: 200, retry: null })).toBe(0.25);
  });
});

describe('automatic sync', () => {
  afterEach(() => vi.useRealTimers());

  function counting(next: typeof baseStatus) {
    const calls = { sync: 0 };
    mockIPC((cmd) => {
      if (cmd === 'sync_now') {
        calls.sync += 1;
        return { pushed: next.pending, rejected: 0, pulled: 0, conflicts: 0 };
      }
      if (cmd === 'status') return { ...next, pending: 0, last_sync_ms: Date.now() };
    });
    return calls;
  }

  it('syncs on its own while changes wait, and stops when told', async () => {
    vi.useFakeTimers();
    const calls = counting(baseStatus);
    status.set({ ...baseStatus, last_sync_ms: Date.now() } as never);
    const stop = startAutoSync(1000, 60_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.sync).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.sync).toBe(1);
    // Nothing waits now and the last sync is fresh: no more syncs.
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.sync).toBe(1);
    status.set({ ...baseStatus, pending: 3, last_sync_ms: Date.now() } as never);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.sync).toBe(1);
  });

  it('syncs at once when the network comes back, and never before enrollment', async () => {
    vi.useFakeTimers();
    const calls = counting(baseStatus);
    status.set({ ...baseStatus, enrolled: false } as never);
    const stop = startAutoSync(60_000, 60_000);
    globalThis.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.sync).toBe(0);
    status.set({ ...baseStatus, last_sync_ms: Date.now() } as never);
    globalThis.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.sync).toBe(1);
    stop();
  });
});

describe('drafts', () => {
  it('save after a pause, merge over the defaults on load, and clear', async () => {
    vi.useFakeTimers();
    const saved = new Map<string, string>();
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      const a = args as Record<string, string>;
      calls.push(cmd);
      if (cmd === 'save_draft') saved.set(a.form, a.body);
      if (cmd === 'load_draft') return saved.get(a.form) ?? null;
      if (cmd === 'delete_draft') return saved.delete(a.form);
    });
    const d = draft('visit:1', { findings: '', follow_up: '' });
    expect(await d.load()).toBeNull();
    d.save({ findings: '楼', follow_up: '' });
    d.save({ findings: '楼道堆物', follow_up: '' });
    await vi.advanceTimersByTimeAsync(400);
    expect(calls.filter((c) => c === 'save_draft')).toHaveLength(1);
    saved.set('visit:1', JSON.stringify({ findings: '楼道堆物' }));
    expect(await d.load()).toEqual({ findings: '楼道堆物', follow_up: '' });
    await d.clear();
    expect(saved.has('visit:1')).toBe(false);
    vi.useRealTimers();
  });
});

describe('household search', () => {
  it('drops an answer that arrives after a newer query', async () => {
    const row = (name: string) => ({ id: name, head_name: name }) as HouseholdRow;
    const resolvers: Record<string, (r: HouseholdRow[]) => void> = {};
    const search = householdSearch((_, text) => new Promise((res) => (resolvers[text] = res)));
    const slow = search.run(null, 'z');
    const fast = search.run(null, 'ZW ');
    resolvers['zw']([row('张伟')]);
    await fast;
    resolvers['z']([row('张伟'), row('赵敏')]);
    await slow;
    expect(get(search).rows.map((r) => r.head_name)).toEqual(['张伟']);
    expect(get(search).busy).toBe(false);
  });
});
