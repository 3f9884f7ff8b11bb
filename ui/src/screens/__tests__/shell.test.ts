import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from '../../App.svelte';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import type { Role } from '../../lib/bindings/Role';
import { tab } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import { openLock } from './lock-fixtures';
import { dashboard, highlightRows, ranking } from './report-fixtures';

const base: HandsetStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: '手机', server_url: 'http://x', pending: 3, rejected: 0, last_sync_ms: null, serials_left: 100,
  may: [], clock_offset_ms: null, offline_lock: null,
};

function start(role: Role) {
  mockIPC((cmd) => {
    if (cmd === 'lock_state') return openLock;
    if (cmd === 'status') return { ...base, role };
    if (cmd === 'today') return { due: [], due_total: 0, micro_grids: [], follow_ups: [], my_disputes: [], dispatched_to_me: [] };
    if (cmd === 'case_queue') return { counts: [], total: 0, rows: [] };
    if (cmd === 'dashboard') return dashboard;
    if (cmd === 'ranking') return ranking;
    if (cmd === 'highlights') return highlightRows;
    if (cmd === 'list_households' || cmd === 'outbox' || cmd === 'conflicts' || cmd === 'attention' || cmd === 'areas') return [];
    if (cmd === 'sync_now') throw { kind: 'offline', message: 'x', fields: [] };
    return null;
  }, { shouldMockEvents: true });
  tab('today');
  status.set(null); // as at start-up: the role is known once the status answers
  render(App);
}

/** The window's width as matchMedia answers it (jsdom has none). */
function windowWidth(px: number) {
  window.matchMedia = ((query: string) => ({
    matches: px >= Number(/min-width: (\d+)px/.exec(query)?.[1] ?? Infinity),
    media: query, addEventListener() {}, removeEventListener() {},
  })) as unknown as typeof window.matchMedia;
}

const navIds = () => screen.getAllByRole('button').filter((b) => b.dataset.testid?.startsWith('nav-')).map((b) => b.dataset.testid);

afterEach(async () => {
  cleanup();
  delete (window as { matchMedia?: unknown }).matchMedia;
  await new Promise((r) => setTimeout(r, 0)); // the sync strip stops listening first
  clearMocks();
});

describe('the shell', () => {
  it("shows a grid worker the worker's tabs, starting on today", async () => {
    start('grid_worker');
    await waitFor(() => expect(screen.getByTestId('nav-today')).toBeInTheDocument());
    expect(screen.getAllByRole('button').filter((b) => b.dataset.testid?.startsWith('nav-')).map((b) => b.dataset.testid)).toEqual([
      'nav-today', 'nav-households', 'nav-map', 'nav-outbox',
    ]);
    expect(screen.getByTestId('pending-badge')).toHaveTextContent('3');
  });

  it("follows a grid leader's role: no worker's today, the leader's first tab open", async () => {
    start('grid_leader');
    await waitFor(() => expect(screen.getByTestId('nav-households')).toBeInTheDocument());
    expect(screen.queryByTestId('nav-today')).toBeNull();
    expect(screen.getAllByRole('button').filter((b) => b.dataset.testid?.startsWith('nav-')).map((b) => b.dataset.testid)).toEqual([
      'nav-queue', 'nav-households', 'nav-map', 'nav-outbox',
    ]);
    await waitFor(() => expect(screen.getByTestId('nav-queue')).toHaveClass('on'));
    expect(screen.getByTestId('screen-queue')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('nav-map'));
    await waitFor(() => expect(screen.getByTestId('screen-map')).toBeInTheDocument());
  });

  it("lays the office's window out for a desk: a side navigation from the dashboard to the outbox", async () => {
    windowWidth(1440);
    start('supervisor');
    await waitFor(() => expect(screen.getByTestId('screen-dashboard')).toBeInTheDocument());
    expect(screen.getByTestId('layout-desk')).toBeInTheDocument();
    expect(screen.getByTestId('side-nav')).toHaveAttribute('aria-label', '导航');
    expect(navIds()).toEqual([
      'nav-dashboard', 'nav-queue', 'nav-ranking', 'nav-notice', 'nav-fleet', 'nav-accounts', 'nav-households', 'nav-map', 'nav-outbox',
    ]);
    expect(screen.getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
    expect(screen.queryByTestId('more-links')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-ranking'));
    await waitFor(() => expect(screen.getByTestId('screen-ranking')).toBeInTheDocument());
    // A side entry is a top-level screen: no way back, the app's name as the title.
    expect(screen.queryByTestId('back')).toBeNull();
    expect(screen.getByTestId('nav-ranking')).toHaveClass('on');
  });

  it('falls back to the bottom tabs at phone width, the other office screens linked from the dashboard', async () => {
    windowWidth(360);
    start('supervisor');
    await waitFor(() => expect(screen.getByTestId('screen-dashboard')).toBeInTheDocument());
    expect(screen.getByTestId('layout-phone')).toBeInTheDocument();
    expect(screen.queryByTestId('side-nav')).toBeNull();
    expect(navIds()).toEqual(['nav-dashboard', 'nav-queue', 'nav-households', 'nav-map', 'nav-outbox']);
    await fireEvent.click(screen.getByTestId('more-ranking'));
    await waitFor(() => expect(screen.getByTestId('screen-ranking')).toBeInTheDocument());
    expect(screen.getByTestId('title')).toHaveTextContent('季度排名');
    expect(screen.queryByTestId('more-links')).toBeNull();
    await fireEvent.click(screen.getByTestId('back'));
    await waitFor(() => expect(screen.getByTestId('screen-dashboard')).toBeInTheDocument());
  });

  it("keeps a grid leader's bottom tabs on a wide window", async () => {
    windowWidth(1440);
    start('grid_leader');
    await waitFor(() => expect(screen.getByTestId('screen-queue')).toBeInTheDocument());
    expect(screen.getByTestId('layout-phone')).toBeInTheDocument();
    expect(navIds()).toEqual(['nav-queue', 'nav-households', 'nav-map', 'nav-outbox']);
  });
});
