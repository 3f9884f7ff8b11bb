// The handset's status and syncing: the sync button, the progress bar, the last sync time, the
// offline message, and automatic sync while there is something to send and the server answers.
import { get, writable } from 'svelte/store';
import { api } from '../api';
import type { HandsetStatus } from '../bindings/HandsetStatus';
import type { SyncProgressEvent } from '../bindings/SyncProgressEvent';
import type { SyncSummary } from '../bindings/SyncSummary';
import type { TaggedError } from '../bindings/TaggedError';
import { lock, refreshLock } from './lock';

export const status = writable<HandsetStatus | null>(null);
export const syncing = writable(false);
export const progress = writable<SyncProgressEvent | null>(null);
export const lastResult = writable<SyncSummary | null>(null);
/** The last sync's error, e.g. kind `offline`; cleared by a successful sync. */
export const syncError = writable<TaggedError | null>(null);
/** Bumped after every successful sync, so open screens reload what changed. */
export const syncedAt = writable(0);

export async function refreshStatus(): Promise<HandsetStatus> {
  const s = await api.status();
  status.set(s);
  return s;
}

/** One sync run; resolves to its summary, or null when it failed (see `syncError`). */
export async function syncNow(): Promise<SyncSummary | null> {
  if (get(syncing)) return null;
  syncing.set(true);
  progress.set({ phase: 'push', done: 0, total: 0, retry: null });
  try {
    const summary = await api.syncNow();
    lastResult.set(summary);
    syncError.set(null);
    syncedAt.set(Date.now());
    return summary;
  } catch (e) {
    syncError.set(e as TaggedError);
    return null;
  } finally {
    syncing.set(false);
    progress.set(null);
    await refreshStatus().catch(() => undefined);
    // A sync that reached the server lifts the offline lock; a revoked device is back at enrollment.
    if (get(lock)) await refreshLock().catch(() => undefined);
  }
}

/** Share of the current phase done, 0..1 (0 while the total is unknown). */
export function fraction(p: SyncProgressEvent | null): number {
  if (!p || p.total <= 0) return 0;
  return Math.min(1, p.done / p.total);
}

/**
 * Syncs by itself: every `everyMs` while changes wait (or when the last sync is older than
 * `staleMs`), and at once when the system says the network is back. Returns a stop function.
 */
export function startAutoSync(everyMs = 30_000, staleMs = 5 * 60_000): () => void {
  let stopped = false;
  const tick = async () => {
    if (stopped || get(syncing)) return;
    const s = get(status);
    const l = get(lock);
    if (!s?.enrolled || (l && l.state !== 'open')) return;
    const stale = s.last_sync_ms == null || Date.now() - s.last_sync_ms > staleMs;
    if (s.pending > 0 || stale) await syncNow();
  };
  const timer = setInterval(tick, everyMs);
  const online = () => void tick();
  globalThis.addEventListener?.('online', online);
  const unlisten = api.onSyncProgress((p) => progress.set(p)).catch(() => () => undefined);
  return () => {
    stopped = true;
    clearInterval(timer);
    globalThis.removeEventListener?.('online', online);
    void unlisten.then((f) => f());
  };
}
