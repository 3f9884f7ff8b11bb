// The app lock from the worker's side: the PIN set at enrollment, the unlock screen (tries left,
// the wait countdown, the warning before the wipe), the idle lock that keeps typed input, the
// offline "please sync" screen, and enrollment again after a wipe, saying why.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from '../../App.svelte';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import type { LockState } from '../../lib/bindings/LockState';
import { draft } from '../../lib/stores/draft';
import { locale } from '../../lib/i18n';
import { lock, lockedByIdle, startIdleLock } from '../../lib/stores/lock';
import { tab } from '../../lib/stores/router';
import { status, syncError } from '../../lib/stores/sync';
import FirstRun from '../FirstRun.svelte';
import PleaseSync from '../PleaseSync.svelte';
import Unlock from '../Unlock.svelte';
import { lockState, openLock, policy } from './lock-fixtures';

const enrolled: HandsetStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: '手机', server_url: 'http://x', pending: 2, rejected: 0, last_sync_ms: null, serials_left: 100,
  may: [], clock_offset_ms: null, offline_lock: null,
};
const refusal = (kind: string) => ({ kind, message: kind, fields: [], net: null, unsynced: null, code: null, params: null });

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  lock.set(null);
  lockedByIdle.set(false);
  status.set(null);
  syncError.set(null);
  await new Promise((r) => setTimeout(r, 0));
  clearMocks();
});

async function typePin(testid: string, pin: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value: pin } });
}

describe('enrollment sets the PIN', () => {
  it('asks for 6 digits twice on the numeric keypad, and enrolls with it', async () => {
    const calls: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'enroll') { calls.push(args as Record<string, unknown>); return enrolled; }
      if (cmd === 'lock_state') return openLock;
      if (cmd === 'sync_now') throw refusal('offline');
    });
    lock.set(lockState({ state: 'new' }));
    render(FirstRun);
    const pin = screen.getByTestId('pin');
    expect(pin).toHaveAttribute('inputmode', 'numeric');
    expect(screen.getByTestId('pin2')).toHaveAttribute('inputmode', 'numeric');
    await fireEvent.input(screen.getByTestId('code'), { target: { value: 'ABCD-EFGH-JK23' } });
    await typePin('pin', '12a34');
    expect(pin).toHaveValue('1234'); // digits only
    await fireEvent.click(screen.getByTestId('enroll'));
    expect(screen.getByTestId('pin-problem')).toHaveTextContent('PIN 必须是 6 位数字');
    await typePin('pin', '123456');
    await typePin('pin2', '123465');
    await fireEvent.click(screen.getByTestId('enroll'));
    expect(screen.getByTestId('pin-problem')).toHaveTextContent('两次输入的 PIN 不一致');
    expect(calls).toEqual([]);
    // The on-screen pad types too.
    await typePin('pin2', '');
    for (const k of '123456') await fireEvent.click(screen.getByTestId(`pin2-key-${k}`));
    await fireEvent.click(screen.getByTestId('enroll'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ code: 'ABCD-EFGH-JK23', pin: '123456' });
  });

  it('says once, where the PIN is set, that a device without a keyring is protected by the PIN alone', () => {
    mockIPC(() => undefined);
    lock.set(lockState({ state: 'new', keyring: false }));
    render(FirstRun);
    expect(screen.getByTestId('no-keyring')).toHaveTextContent('此设备没有系统密钥环：数据仅由 PIN 保护');
    cleanup();
    lock.set(lockState({ state: 'new', keyring: true }));
    render(FirstRun);
    expect(screen.queryByTestId('no-keyring')).toBeNull();
  });
});

describe('the unlock screen', () => {
  /** An app that answers `unlock` by the PIN: right opens, wrong counts as the vault does. */
  function vault(right: string, p = { ...policy, pin_delay_after: 2, pin_wipe_after: 4 }) {
    let failures = 0;
    let waitUntil = 0;
    const state = (): LockState => ({
      ...openLock, policy: p, state: failures >= p.pin_wipe_after ? 'new' : 'locked', failures,
      left: p.pin_wipe_after - failures, wait_ms: Math.max(0, waitUntil - Date.now()),
      wiped: failures >= p.pin_wipe_after ? 'wrong_pins' : null,
    });
    mockIPC((cmd, args) => {
      if (cmd === 'lock_state') return state();
      if (cmd === 'unlock') {
        if (Date.now() < waitUntil) throw refusal('pin_wait');
        if ((args as { pin: string }).pin === right) { failures = 0; return { ...state(), state: 'open' }; }
        failures += 1;
        if (failures >= p.pin_wipe_after) throw refusal('wiped_after_wrong_pins');
        if (failures >= p.pin_delay_after) waitUntil = Date.now() + 30_000 * 2 ** (failures - p.pin_delay_after);
        throw refusal('wrong_pin');
      }
    });
    lock.set(state());
  }

  it('says how many tries are left, then counts the wait down with the button off, and warns before the wipe', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vault('246810');
    render(Unlock);
    expect(screen.getByTestId('pin')).toHaveAttribute('inputmode', 'numeric');
    await typePin('pin', '111111');
    await fireEvent.click(screen.getByTestId('unlock'));
    await waitFor(() => expect(screen.getByTestId('pin-wrong')).toHaveTextContent('PIN 不正确，还可以再试 3 次'));
    expect(screen.getByTestId('pin-warn')).toHaveTextContent('再输错 3 次');
    expect(screen.queryByTestId('pin-wait')).toBeNull();
    await typePin('pin', '222222');
    await fireEvent.click(screen.getByTestId('unlock'));
    await waitFor(() => expect(screen.getByTestId('pin-wait')).toHaveTextContent('请 30 秒后再试'));
    expect(screen.getByTestId('pin-wrong')).toHaveTextContent('还可以再试 2 次');
    expect(screen.getByTestId('unlock')).toBeDisabled();
    expect(screen.getByTestId('pin')).toBeDisabled();
    await vi.advanceTimersByTimeAsync(10_000);
    await waitFor(() => expect(screen.getByTestId('pin-wait')).toHaveTextContent('请 20 秒后再试'));
    await vi.advanceTimersByTimeAsync(20_500);
    await waitFor(() => expect(screen.queryByTestId('pin-wait')).toBeNull());
    expect(screen.getByTestId('unlock')).toBeEnabled();
  });

  it('opens with the right PIN', async () => {
    vault('246810');
    const opened = vi.fn();
    render(Unlock, { onunlocked: opened });
    for (const k of '246810') await fireEvent.click(screen.getByTestId(`pin-key-${k}`));
    await fireEvent.click(screen.getByTestId('unlock'));
    await waitFor(() => expect(opened).toHaveBeenCalled());
  });

  it('returns to enrollment after the last wrong PIN, saying why', async () => {
    let wiped = false;
    mockIPC((cmd) => {
      if (cmd === 'unlock') { wiped = true; throw refusal('wiped_after_wrong_pins'); }
      if (cmd === 'lock_state') return wiped ? lockState({ state: 'new', wiped: 'wrong_pins' }) : lockState({ state: 'locked', failures: 9, left: 1 });
    });
    render(App);
    await waitFor(() => expect(screen.getByTestId('pin-warn')).toHaveTextContent('再输错 1 次'));
    await typePin('pin', '000000');
    await fireEvent.click(screen.getByTestId('unlock'));
    await waitFor(() => expect(screen.getByTestId('wiped-pins')).toHaveTextContent('PIN 连续输错次数过多'));
    expect(screen.getByTestId('enroll')).toBeInTheDocument();
  });

  it('asks a store from before the lock for a new PIN, twice', async () => {
    const pins: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'unlock') { pins.push(args); return openLock; }
    });
    lock.set(lockState({ state: 'plain' }));
    render(Unlock);
    expect(screen.getByRole('heading')).toHaveTextContent('设置 PIN');
    await typePin('pin', '135790');
    await typePin('pin2', '135791');
    await fireEvent.click(screen.getByTestId('unlock'));
    expect(screen.getByTestId('pin-problem')).toHaveTextContent('不一致');
    await typePin('pin2', '135790');
    await fireEvent.click(screen.getByTestId('unlock'));
    await waitFor(() => expect(pins).toEqual([{ pin: '135790' }]));
  });
});

describe('the idle lock', () => {
  it('locks after the policy’s idle time without use, saving typed input first', async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd === 'save_draft' ? `save_draft ${(args as { body: string }).body}` : cmd);
      if (cmd === 'lock') return lockState({ state: 'locked' });
      return null;
    });
    lock.set(lockState({ policy: { ...policy, idle_lock_s: 60 } }));
    const stop = startIdleLock();
    const form = draft('visit:1', { findings: '' }, 100_000);
    await vi.advanceTimersByTimeAsync(50_000);
    // Typing is use: the clock starts again.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    form.save({ findings: '独居老人，身体尚可' });
    await vi.advanceTimersByTimeAsync(55_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(calls).toEqual(['save_draft {"findings":"独居老人，身体尚可"}', 'lock']);
    stop();
  });

  it('shows the unlock screen in place of the open screens, saying it locked itself', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let locked = false;
    const saved: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'lock_state') return lockState({ state: locked ? 'locked' : 'open', policy: { ...policy, idle_lock_s: 5 } });
      if (cmd === 'lock') { locked = true; return lockState({ state: 'locked', policy: { ...policy, idle_lock_s: 5 } }); }
      if (locked) throw refusal('locked');
      if (cmd === 'status') return enrolled;
      if (cmd === 'save_draft') { saved.push((args as { body: string }).body); return null; }
      if (cmd === 'today') return { due: [], due_total: 0, micro_grids: [], follow_ups: [], my_disputes: [], dispatched_to_me: [] };
      if (cmd === 'outbox' || cmd === 'attention' || cmd === 'conflicts') return [];
      return null;
    }, { shouldMockEvents: true });
    tab('today');
    render(App);
    await waitFor(() => expect(screen.getByTestId('nav-today')).toBeInTheDocument());
    await vi.advanceTimersByTimeAsync(7_000);
    await waitFor(() => expect(screen.getByTestId('screen-unlock')).toBeInTheDocument());
    expect(screen.getByTestId('idle-locked')).toHaveTextContent('闲置时间较长，网格通已自动锁定');
    expect(screen.queryByTestId('nav-today')).toBeNull();
  });
});

describe('the offline lock (请同步)', () => {
  it('says how long since the server was reached and the limit, and offers only sync and the outbox', async () => {
    let contact = false;
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'sync_now') { contact = true; return { pushed: 2, rejected: 0, pulled: 0, conflicts: 0 }; }
      if (cmd === 'lock_state') return lockState({ offline_lock: contact ? null : { days_without_contact: 16, limit_days: 14 } });
      if (cmd === 'status') return enrolled;
      if (cmd === 'outbox' || cmd === 'attention') return [];
      if (cmd === 'conflicts') throw refusal('offline_locked');
      if (cmd === 'today') return { due: [], due_total: 0, micro_grids: [], follow_ups: [], my_disputes: [], dispatched_to_me: [] };
    }, { shouldMockEvents: true });
    tab('today');
    render(App);
    await waitFor(() => expect(screen.getByTestId('screen-please-sync')).toBeInTheDocument());
    expect(screen.getAllByRole('heading', { level: 1 })[0]).toHaveTextContent('请同步');
    expect(screen.getByTestId('offline-lock')).toHaveTextContent('本机已 16 天没有连接服务器（上限为 14 天）');
    expect(screen.queryByTestId('nav-today')).toBeNull();
    expect(screen.getByTestId('screen-outbox')).toBeInTheDocument();
    expect(calls).not.toContain('today');
    await fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(screen.getByTestId('nav-today')).toBeInTheDocument());
    expect(calls).toContain('sync_now');
  });

  it('reads in English too', () => {
    mockIPC((cmd) => (cmd === 'outbox' || cmd === 'attention' || cmd === 'conflicts' ? [] : undefined));
    lock.set(lockState({ offline_lock: { days_without_contact: 20, limit_days: 14 } }));
    locale.set('en');
    try {
      render(PleaseSync);
      expect(screen.getByTestId('offline-lock')).toHaveTextContent('for 20 days (the limit is 14)');
    } finally {
      locale.set('zh-CN');
    }
  });
});

describe('after a wipe', () => {
  it('a revoked device is back at enrollment, saying the office withdrew it', async () => {
    let wiped = false;
    mockIPC((cmd) => {
      if (cmd === 'lock_state') return wiped ? lockState({ state: 'new', wiped: 'revoked' }) : openLock;
      if (cmd === 'status') return wiped ? { ...enrolled, enrolled: false } : enrolled;
      if (cmd === 'sync_now') { wiped = true; throw refusal('revoked'); }
      if (cmd === 'today') return { due: [], due_total: 0, micro_grids: [], follow_ups: [], my_disputes: [], dispatched_to_me: [] };
      if (cmd === 'outbox' || cmd === 'attention' || cmd === 'conflicts') return [];
    }, { shouldMockEvents: true });
    tab('outbox');
    render(App);
    await waitFor(() => expect(screen.getByTestId('sync-now')).toBeInTheDocument());
    await fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(screen.getByTestId('revoked')).toHaveTextContent('本机已被网格办停用'));
    expect(screen.getByTestId('enroll')).toBeInTheDocument();
  });
});
