import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from '../../App.svelte';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import type { Role } from '../../lib/bindings/Role';
import { tab } from '../../lib/stores/router';

const base: HandsetStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: '手机', server_url: 'http://x', pending: 3, rejected: 0, last_sync_ms: null, serials_left: 100,
  may: [], clock_offset_ms: null,
};

function start(role: Role) {
  mockIPC((cmd) => {
    if (cmd === 'status') return { ...base, role };
    if (cmd === 'today') return { due: [], due_total: 0, micro_grids: [], follow_ups: [], my_disputes: [], dispatched_to_me: [] };
    if (cmd === 'case_queue') return { counts: [], total: 0, rows: [] };
    if (cmd === 'list_households' || cmd === 'outbox' || cmd === 'conflicts' || cmd === 'attention' || cmd === 'areas') return [];
    if (cmd === 'sync_now') throw { kind: 'offline', message: 'x', fields: [] };
    return null;
  }, { shouldMockEvents: true });
  tab('today');
  render(App);
}

afterEach(async () => {
  cleanup();
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
});
