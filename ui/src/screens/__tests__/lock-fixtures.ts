// Lock states as the app answers `lock_state`, for the screens' tests.
import type { LockState } from '../../lib/bindings/LockState';

export const policy = { pin_delay_after: 5, pin_wipe_after: 10, idle_lock_s: 300, offline_lock_days: 14 };

export const openLock: LockState = {
  state: 'open', failures: 0, wait_ms: 0, left: 10, offline_lock: null, policy, keyring: true, wiped: null,
};

export function lockState(over: Partial<LockState>): LockState {
  return { ...openLock, ...over };
}
