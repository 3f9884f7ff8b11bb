import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import { route } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import ClockWarning from '../../components/ClockWarning.svelte';
import Outbox from '../Outbox.svelte';

const base: HandsetStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: '手机', server_url: 'http://x', pending: 0, rejected: 1, last_sync_ms: null, serials_left: 100,
  may: [], clock_offset_ms: null, offline_lock: null,
};

const refused = {
  record_id: 'r1', kind: 'household', rev: 1, queued_ms: 1_700_000_000_000, attempts: 0, status: 'rejected',
  last_error: 'head_name: required', reject_code: 'validation', subject: '张伟 · 锦园社区5号', household_id: 'h1', dispute_id: null,
};

const item = {
  id: 7, record_id: 'r2', kind: 'visit', micro_grid: '150621001001001001', device: 'd1', user_name: '李强', code: 'forbidden',
  message: 'no', first_ms: 1_700_000_000_000, last_ms: 1_700_000_100_000, count: 2,
};

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('Outbox', () => {
  it('names a refused change with why and what to do in Chinese, and opens it to edit', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'outbox') return [refused];
      if (cmd === 'conflicts') return [];
      if (cmd === 'attention') return [item];
    });
    status.set(base);
    render(Outbox);
    await waitFor(() => expect(screen.getByTestId('reject-why')).toHaveTextContent('原因：内容不符合要求'));
    expect(screen.getByTestId('reject-todo')).toHaveTextContent('处理：打开这条记录，改正后保存，下次同步会重新上传');
    expect(screen.getByTestId('outbox-row')).toHaveTextContent('张伟 · 锦园社区5号');
    expect(screen.queryByTestId('attention-list')).toBeNull();
    expect(calls).not.toContain('attention');
    await fireEvent.click(screen.getByTestId('reject-edit'));
    expect(get(route)).toEqual({ screen: 'household', params: { id: 'h1' } });
  });

  it("shows a leader the area's needs-attention list", async () => {
    mockIPC((cmd) => {
      if (cmd === 'outbox') return [];
      if (cmd === 'conflicts') return [];
      if (cmd === 'attention') return [item];
    });
    status.set({ ...base, role: 'grid_leader', rejected: 0 });
    render(Outbox);
    await waitFor(() => expect(screen.getByTestId('attention-row')).toHaveTextContent('李强'));
    expect(screen.getByTestId('attention-row')).toHaveTextContent('您的账号无权进行这项操作');
    expect(screen.getByTestId('attention-row')).toHaveTextContent('小微网格 150621001001001001');
  });
});

describe('ClockWarning', () => {
  it('warns in plain words only when the clock is off', async () => {
    status.set(base);
    render(ClockWarning);
    expect(screen.queryByTestId('clock-warning')).toBeNull();
    status.set({ ...base, clock_offset_ms: -3 * 86_400_000 });
    await waitFor(() =>
      expect(screen.getByTestId('clock-warning')).toHaveTextContent(
        '手机时间比北京时间快 3 天。请在手机设置中打开自动时间；网格通已按服务器时间记录，工作不会丢失。',
      ),
    );
  });
});
