import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { flash } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import Ranking from '../Ranking.svelte';
import { eachTestAtNow } from './case-fixtures';
import { GRID, highlightRows, ranking, supervisor } from './report-fixtures';

eachTestAtNow();

function start() {
  const calls: [string, Record<string, unknown>][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Record<string, unknown>]);
    if (cmd === 'ranking') return { ...ranking, quarter: (args as { quarter: string }).quarter };
    if (cmd === 'highlights') return highlightRows;
    if (cmd === 'award_highlight') return 'hl3';
    if (cmd === 'withdraw_highlight') return null;
    if (cmd === 'status') return supervisor;
  });
  status.set(supervisor);
  render(Ranking);
  return calls;
}

describe('Ranking', () => {
  it("shows the quarter's villages and grids with the template's parts, highlight points and totals", async () => {
    const calls = start();
    const villages = within(await screen.findByTestId('rank-villages'));
    expect(calls.find(([c]) => c === 'ranking')?.[1]).toEqual({ quarter: '2026Q4', scope: null });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('季度排名 · 2026年第4季度');
    expect(screen.getByTestId('ranking-weights')).toHaveTextContent('走访覆盖率 30%，村内化解率 25%');
    const rows = villages.getAllByTestId('rank-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('1锦园社区锦园镇75.075.0%');
    expect(within(rows[0]).getByTestId('rank-highlights')).toHaveTextContent('+5');
    expect(within(rows[0]).getByTestId('rank-total')).toHaveTextContent('89.5');
    expect(rows[0]).toHaveTextContent('4.6★');
    const grid = within(screen.getByTestId('rank-grids')).getByTestId('rank-row');
    expect(within(grid).getByTestId('rank-highlights')).toHaveTextContent('-2');
    expect(within(grid).getByTestId('rank-total')).toHaveTextContent('89.3');
    // The quarter's highlight entries, a withdrawn one marked.
    await waitFor(() => expect(screen.getAllByTestId('highlight-row')).toHaveLength(2));
    expect(screen.getAllByTestId('highlight-row')[1]).toHaveTextContent('已撤回');
    await fireEvent.change(screen.getByTestId('ranking-quarter'), { target: { value: '2026Q3' } });
    await waitFor(() => expect(calls.filter(([c]) => c === 'ranking').at(-1)?.[1]).toEqual({ quarter: '2026Q3', scope: null }));
    await waitFor(() => expect(calls.filter(([c]) => c === 'highlights').at(-1)?.[1]).toEqual({ quarter: '2026Q3', scope: null }));
  });

  it('checks a highlight entry, records it for the quarter and counts again', async () => {
    const calls = start();
    await screen.findByTestId('highlight-form');
    await fireEvent.click(screen.getByTestId('highlight-submit'));
    expect(screen.getByTestId('highlight-problem')).toHaveTextContent('请选择网格或村（社区）');
    await fireEvent.change(screen.getByTestId('highlight-area'), { target: { value: GRID } });
    await fireEvent.input(screen.getByTestId('highlight-points'), { target: { value: '25' } });
    await fireEvent.click(screen.getByTestId('highlight-submit'));
    expect(screen.getByTestId('highlight-problem')).toHaveTextContent('分值应为 -20 至 20 之间的非零整数');
    await fireEvent.input(screen.getByTestId('highlight-points'), { target: { value: '3' } });
    await fireEvent.click(screen.getByTestId('highlight-submit'));
    expect(screen.getByTestId('highlight-problem')).toHaveTextContent('请填写理由');
    expect(calls.some(([c]) => c === 'award_highlight')).toBe(false);
    const rankings = calls.filter(([c]) => c === 'ranking').length;
    await fireEvent.input(screen.getByTestId('highlight-reason'), { target: { value: '  矛盾纠纷排查台账规范  ' } });
    await fireEvent.click(screen.getByTestId('highlight-submit'));
    await waitFor(() => expect(calls.find(([c]) => c === 'award_highlight')?.[1]).toEqual({
      highlight: { area: GRID, quarter: '2026Q4', points: 3, reason: '矛盾纠纷排查台账规范' },
    }));
    await waitFor(() => expect(calls.filter(([c]) => c === 'ranking').length).toBeGreaterThan(rankings));
    expect(get(flash)?.text).toBe('已为 第1网格 记 +3 分，联网后自动同步');
    expect(screen.queryByTestId('highlight-problem')).toBeNull();
  });

  it('withdraws an entry only after asking', async () => {
    const calls = start();
    await waitFor(() => expect(screen.getAllByTestId('highlight-row')).toHaveLength(2));
    expect(screen.getAllByTestId('highlight-withdraw')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('highlight-withdraw'));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('确认撤回「调解经验在全旗推广」这条加分？');
    expect(calls.some(([c]) => c === 'withdraw_highlight')).toBe(false);
    await fireEvent.click(screen.getByTestId('highlight-withdraw-yes'));
    await waitFor(() => expect(calls.find(([c]) => c === 'withdraw_highlight')?.[1]).toEqual({ id: 'hl1' }));
    expect(get(flash)?.text).toBe('已撤回这条加分');
  });
});
