import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { ConflictRow } from '../../lib/bindings/ConflictRow';
import Conflicts from '../Conflicts.svelte';

const stamp = (ms: number, device: string) => ({ hlc: { ms, lc: 0 }, device, n: 2 });
const row = (may_choose: boolean): ConflictRow => ({
  id: 4, label: '张伟 2单元501', detected_ms: Date.UTC(2026, 10, 20, 9), resolved: false, may_choose,
  winner_by: '王芳', loser_by: null,
  conflict: {
    record_id: 'r1', kind: 'household', field: 'door_number', winner: '18号', loser: '8号',
    winner_stamp: stamp(Date.UTC(2026, 10, 20, 8, 30), 'd1'), loser_stamp: stamp(Date.UTC(2026, 10, 20, 8, 10), 'd2'),
  },
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('Conflicts', () => {
  it('shows both values with who and when, and keeps the chosen one as a new edit', async () => {
    const calls: [string, unknown][] = [];
    let open = true;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'conflicts') return open ? [row(true)] : [];
      if (cmd === 'choose_conflict') { open = false; return true; }
      if (cmd === 'status') return { enrolled: true, pending: 1, may: [] };
    });
    render(Conflicts);
    await waitFor(() => expect(screen.getByTestId('conflict')).toBeInTheDocument());
    const kept = screen.getByTestId('side-kept');
    const other = screen.getByTestId('side-other');
    expect(kept).toHaveTextContent('保留的值');
    expect(kept).toHaveTextContent('18号');
    expect(kept).toHaveTextContent('王芳');
    expect(other).toHaveTextContent('8号');
    expect(other).toHaveTextContent('其他设备');
    expect(within(other).getByTestId('keep-other')).toHaveTextContent('保留此值');
    await fireEvent.click(within(other).getByTestId('keep-other'));
    await waitFor(() => expect(screen.getByTestId('conflict-done')).toHaveTextContent('已保留“8号”'));
    expect(calls).toContainEqual(['choose_conflict', { id: 4, keep_loser: true }]);
    await waitFor(() => expect(screen.queryByTestId('conflict')).toBeNull());
  });

  it('offers no choice where the authority table gives none, and says who chooses', async () => {
    mockIPC((cmd) => (cmd === 'conflicts' ? [row(false)] : null));
    render(Conflicts);
    await waitFor(() => expect(screen.getByTestId('conflict-leader')).toHaveTextContent('由网格长选择'));
    expect(screen.queryByTestId('keep-other')).toBeNull();
    expect(screen.queryByTestId('conflict-seen')).toBeNull();
  });

  it('shows a refusal in Chinese', async () => {
    mockIPC((cmd) => {
      if (cmd === 'conflicts') return [row(true)];
      if (cmd === 'choose_conflict') throw { kind: 'forbidden', message: 'no', fields: [] };
    });
    render(Conflicts);
    await waitFor(() => expect(screen.getByTestId('keep-kept')).toBeInTheDocument());
    await fireEvent.click(screen.getByTestId('keep-kept'));
    await waitFor(() => expect(screen.getByTestId('conflict-error')).toHaveTextContent('无权'));
  });
});
