import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { route } from '../../lib/stores/router';
import Today from '../Today.svelte';
import { NOW, queuePage } from './case-fixtures';

const household = (i: number) => ({
  id: `h${i}`, micro_grid: '150621001001001001', head_name: `住户${i}`, address: '锦园社区', door_number: `${i}号`, phone: null,
  tags: [], lat: null, lon: null, last_visit_ms: null, interval_days: 30,
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

describe('Today', () => {
  it('lists cases dispatched to me with a feedback action, my reports with their stage, and pages every due household', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const pages: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'today')
        return {
          micro_grids: [], follow_ups: [], due: Array.from({ length: 8 }, (_, i) => household(i)), due_total: 30,
          dispatched_to_me: [{ ...queuePage.rows[1], stage: 'dispatched' }],
          my_disputes: [{ id: 'd9', micro_grid: '1', reporter: '王芳', reported_ms: NOW, category: 'family', urgency: 'normal', description: '家事', stage: 'reported' }],
        };
      if (cmd === 'due_households') {
        const a = args as { offset: number; limit: number };
        pages.push(a);
        return Array.from({ length: Math.min(a.limit, 30 - a.offset) }, (_, i) => household(a.offset + i));
      }
    });
    render(Today);
    await waitFor(() => expect(screen.getByTestId('dispatched-row')).toHaveTextContent('邻里纠纷'));
    expect(screen.getByTestId('dispatched-row')).toHaveTextContent('已派遣');
    expect(screen.getByTestId('dispatched-row')).toHaveTextContent('剩 5 小时');
    expect(screen.getByTestId('my-dispute-stage')).toHaveTextContent('待核实');
    expect(screen.getAllByTestId('household-item')).toHaveLength(8);
    expect(screen.getByTestId('due-shown')).toHaveTextContent('已显示 8 / 30 户');
    await fireEvent.click(screen.getByTestId('due-more'));
    await waitFor(() => expect(screen.getAllByTestId('household-item')).toHaveLength(28));
    expect(pages[0]).toMatchObject({ offset: 8, limit: 20 });
    await fireEvent.click(screen.getByTestId('due-more'));
    await waitFor(() => expect(screen.getAllByTestId('household-item')).toHaveLength(30));
    expect(screen.queryByTestId('due-more')).toBeNull();
    await fireEvent.click(screen.getByTestId('dispatched-feedback'));
    expect(get(route)).toEqual({ screen: 'case', params: { id: 'c2' } });
  });
});
