// The app lock as the UI sees it: the lock state from the app (new, a store from before waiting
// for a PIN, locked, open, damaged; the offline lock; the server's rules), the idle lock that
// watches real use (pointer, keys, touch) and locks after `policy.idle_lock_s`, and the wait
// countdown after wrong PINs. Locking saves typed input as drafts first, so a lock never loses it.
import { get, writable } from 'svelte/store';
import { api } from '../api';
import type { LockState } from '../bindings/LockState';
import type { TaggedError } from '../bindings/TaggedError';
import { onRefusal } from '../ipc';
import { flushDrafts } from './draft';

export const lock = writable<LockState | null>(null);
/** Set when the idle lock (not the worker) locked the app, to say so on the unlock screen. */
export const lockedByIdle = writable(false);

export async function refreshLock(): Promise<LockState> {
  const s = await api.lockState();
  lock.set(s);
  return s;
}

/** Saves what forms hold, then locks. */
export async function lockNow(idle = false): Promise<void> {
  await flushDrafts();
  lock.set(await api.lock());
  lockedByIdle.set(idle);
}

/** Unlocks with `pin`; a refusal rejects with its TaggedError after the lock state is read again. */
export async function unlockWith(pin: string): Promise<LockState> {
  try {
    const s = await api.unlock(pin);
    lock.set(s);
    lockedByIdle.set(false);
    return s;
  } catch (e) {
    await refreshLock().catch(() => undefined);
    throw e as TaggedError;
  }
}

/** Refusals after which the lock state is read again. */
const REREAD_ON = ['locked', 'offline_locked', 'revoked', 'wiped_after_wrong_pins'];

/** What counts as the worker using the app. */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

/**
 * Locks the app after `policy.idle_lock_s` without real use, checked every `tickMs`. Returns a
 * stop function. Commands the app sends by itself (auto-sync, status) are not use.
 */
export function startIdleLock(tickMs = 1000): () => void {
  let last = Date.now();
  const used = () => (last = Date.now());
  for (const e of ACTIVITY_EVENTS) globalThis.addEventListener?.(e, used, { capture: true, passive: true });
  let locking = false;
  const timer = setInterval(() => {
    const s = get(lock);
    if (!s || s.state !== 'open' || locking) {
      last = Date.now();
      return;
    }
    if (Date.now() - last < s.policy.idle_lock_s * 1000) return;
    locking = true;
    void lockNow(true)
      .catch(() => refreshLock())
      .catch(() => undefined)
      .finally(() => {
        locking = false;
        last = Date.now();
      });
  }, tickMs);
  // The app locked itself (its own idle backstop), the offline lock began, or the office
  // withdrew the device (wiped at this sync): show it.
  const stopRefusals = onRefusal((e) => {
    if (REREAD_ON.includes(e.kind)) void refreshLock().catch(() => undefined);
  });
  return () => {
    clearInterval(timer);
    stopRefusals();
    for (const e of ACTIVITY_EVENTS) globalThis.removeEventListener?.(e, used, { capture: true });
  };
}

/** Seconds left of a wait of `waitMs` that began at `since` (ms), rounded up. */
export function secondsLeft(waitMs: number, since: number, now = Date.now()): number {
  return Math.max(0, Math.ceil((waitMs - (now - since)) / 1000));
}
