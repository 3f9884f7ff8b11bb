import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { route } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import Queue from '../Queue.svelte';
import { eachTestAtNow, queuePage } from './case-fixtures';

const leader = {
  enrolled: true, user_name: '李强', user_phone: null, role: 'grid_leader' as const, scope: '150621001001001', device_name: '手机',
  server_url: 'http://x', pending: 0, rejected: 0, last_sync_ms: null, serials_left: 100, may: [], clock_offset_ms: null, offline_lock: null,
};

eachTestAtNow();

describe('Queue', () => {
  it('shows counts per bucket and each case with its deadline, level and attempt, and flags, in Chinese', async () => {
    const queries: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'case_queue') {
        const query = (args as { query: Record<string, unknown> }).query;
        queries.push(query);
        // The second page repeats a case that moved (it must not show twice) and brings a new one.
        return query.offset === 0 ? queuePage : { ...queuePage, rows: [queuePage.rows[0], { ...queuePage.rows[1], id: 'c3' }] };
      }
      if (cmd === 'areas')
        return [
          { code: '150621001001001', name: '第1网格', level: 'grid', parent: '150621001001' },
          { code: '150621001001001001', name: '第1小微网格', level: 'micro_grid', parent: '150621001001001' },
          { code: '150621001001001002', name: '第2小微网格', level: 'micro_grid', parent: '150621001001001' },
        ];
    });
    status.set(leader);
    render(Queue);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(2));
    expect(screen.getByTestId('bucket-to_verify')).toHaveTextContent('待核实 2 超期 1');
    expect(screen.getByTestId('bucket-mediating')).toHaveTextContent('调解中 1');
    expect(screen.getByTestId('bucket-all')).toHaveTextContent('全部 4');
    const [first, second] = screen.getAllByTestId('queue-row');
    expect(first).toHaveTextContent('土地草牧场');
    expect(first).toHaveTextContent('特急');
    expect(first).toHaveTextContent('张伟 · 锦园一组 · 3 天前');
    expect(first).toHaveTextContent('超期 2 天');
    expect(second).toHaveTextContent('未关联住户');
    expect(second).toHaveTextContent('剩 5 小时');
    expect(second).toHaveTextContent('村级 第2/3次');
    expect(second).toHaveTextContent('有矛盾');
    const options = [...screen.getByTestId('queue-filter-grid').querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['网格', '第1小微网格', '第2小微网格']);
    await fireEvent.change(screen.getByTestId('queue-filter-grid'), { target: { value: '150621001001001002' } });
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ micro_grid: '150621001001001002' }));
    await fireEvent.change(screen.getByTestId('queue-filter-grid'), { target: { value: '' } });
    expect(queries[0]).toMatchObject({ bucket: null, all_levels: false, offset: 0, limit: 20 });

    await fireEvent.click(screen.getByTestId('bucket-mediating'));
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ bucket: 'mediating', offset: 0 }));
    await fireEvent.click(screen.getByTestId('queue-filter-all-levels'));
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ bucket: 'mediating', all_levels: true }));

    await fireEvent.click(screen.getByTestId('queue-more'));
    await waitFor(() => expect(queries.at(-1)).toMatchObject({ offset: 2 }));
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
    expect(screen.queryByTestId('queue-more')).toBeNull();
    await fireEvent.click(screen.getAllByTestId('queue-row')[0]);
    expect(get(route)).toEqual({ screen: 'case', params: { id: 'c1' } });
  });

  it("names a township supervisor's queue", async () => {
    mockIPC((cmd) => (cmd === 'case_queue' ? { counts: [], total: 0, rows: [] } : cmd === 'areas' ? [] : undefined));
    status.set({ ...leader, role: 'supervisor' });
    render(Queue);
    expect(screen.getByRole('heading')).toHaveTextContent('乡镇案件队列');
    await waitFor(() => expect(screen.getByText('没有符合条件的案件')).toBeInTheDocument());
    expect(screen.queryByTestId('queue-more')).toBeNull();
  });
});
