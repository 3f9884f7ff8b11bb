import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { locale } from '../../lib/i18n';
import { officePeriod } from '../../lib/stores/office';
import { route } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import Dashboard from '../Dashboard.svelte';
import { eachTestAtNow } from './case-fixtures';
import { dashboard, supervisor } from './report-fixtures';

eachTestAtNow();

function start(answer: (args: Record<string, unknown>) => unknown = () => dashboard) {
  const asked: Record<string, unknown>[] = [];
  mockIPC((cmd, args) => {
    if (cmd === 'dashboard') {
      asked.push(args as Record<string, unknown>);
      return answer(args as Record<string, unknown>);
    }
  });
  status.set(supervisor);
  officePeriod.set({ kind: 'month', month: '2026-11' });
  render(Dashboard);
  return asked;
}

describe('Dashboard', () => {
  it('shows every figure as a number, in Chinese, for the month picked', async () => {
    const asked = start();
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('锦园镇看板'));
    expect(asked[0]).toEqual({ period: { kind: 'month', month: '2026-11' }, scope: null });
    expect(screen.getByTestId('dash-as-of')).toHaveTextContent('2026年11月');
    expect(screen.getByTestId('tile-in-village')).toHaveTextContent('村内化解 96.0% 24/25 · 目标 95%');
    expect(screen.getByTestId('tile-close-time')).toHaveTextContent('30.3 小时');
    const shares = within(screen.getByTestId('chart-shares'));
    expect(shares.getByTestId('figure-closed_at-village')).toHaveTextContent('96.0%（24/25）');
    expect(shares.getByText('┅ 目标 95%')).toBeInTheDocument();
    const handlers = within(screen.getByTestId('chart-handlers'));
    expect(handlers.getByTestId('figure-handler-none')).toHaveTextContent('16.7%（4/24）');
    const coverage = within(screen.getByTestId('chart-coverage'));
    expect(coverage.getByTestId('figure-not_visited-150621001001')).toHaveTextContent('50');
    // A chart is never the only way to read it: its canvas is labelled, its figures are a table.
    expect(within(screen.getByTestId('chart-stage')).getByRole('img')).toHaveAttribute('aria-label', '案件阶段（本期受理）：图表，数值见下表');
    expect(within(screen.getByTestId('chart-categories')).getByTestId('figure-category-2026-11-land')).toHaveTextContent('2');
  });

  it('opens the list behind a number with its figure and period, the area named for coverage', async () => {
    start();
    await fireEvent.click(await screen.findByTestId('figure-not_visited-150621001001'));
    expect(get(route)).toEqual({
      screen: 'figures',
      params: { figure: { figure: 'not_visited', area: '150621001001' }, period: { kind: 'month', month: '2026-11' }, area_name: '锦园社区' },
    });
    await fireEvent.click(screen.getByTestId('tile-cards'));
    expect(get(route)).toMatchObject({ screen: 'figures', params: { figure: { figure: 'cards' } } });
  });

  it('counts again for a quarter and for custom dates, refusing dates the wrong way round', async () => {
    const asked = start();
    await screen.findByTestId('tile-cards');
    await fireEvent.click(screen.getByTestId('period-quarter'));
    await waitFor(() => expect(asked.at(-1)).toEqual({ period: { kind: 'quarter', quarter: '2026Q4' }, scope: null }));
    await fireEvent.change(screen.getByTestId('period-quarter-select'), { target: { value: '2026Q3' } });
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ period: { quarter: '2026Q3' } }));
    await fireEvent.click(screen.getByTestId('period-custom'));
    await fireEvent.input(screen.getByTestId('period-from'), { target: { value: '2026-11-20' } });
    await fireEvent.input(screen.getByTestId('period-to'), { target: { value: '2026-11-03' } });
    const before = asked.length;
    await fireEvent.click(screen.getByTestId('period-apply'));
    expect(screen.getByTestId('period-problem')).toHaveTextContent('结束日期不能早于开始日期');
    expect(asked).toHaveLength(before);
    await fireEvent.input(screen.getByTestId('period-to'), { target: { value: '2026-11-25' } });
    await fireEvent.click(screen.getByTestId('period-apply'));
    await waitFor(() => expect(asked.at(-1)).toEqual({ period: { kind: 'custom', from: '2026-11-20', to: '2026-11-25' }, scope: null }));
    expect(screen.queryByTestId('period-problem')).toBeNull();
  });

  it('says so when a period has nothing, and words a refusal', async () => {
    start(() => ({ ...dashboard, overdue: [], categories: [] }));
    expect(await screen.findByTestId('chart-overdue')).toHaveTextContent('本期间没有数据');
    expect(screen.getByTestId('chart-categories').querySelector('canvas')).toBeNull();
  });

  it('words a refused period in Chinese', async () => {
    start(() => {
      throw { kind: 'validation', message: 'english', fields: [{ field: 'period', code: 'period_too_long', message: 'english' }] };
    });
    expect(await screen.findByTestId('dash-error')).toHaveTextContent('统计期间太长，最多两年');
  });

  it('reads in English too', async () => {
    locale.set('en');
    try {
      start();
      await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('锦园镇: dashboard'));
      expect(screen.getByTestId('tile-in-village')).toHaveTextContent('In the village 96.0% 24/25 · target 95%');
      expect(screen.getByTestId('tile-close-time')).toHaveTextContent('Time to close (median) 30.3 h 90th percentile 120.0 h');
      expect(within(screen.getByTestId('chart-handlers')).getByTestId('figure-handler-secretary')).toHaveTextContent('58.3% (14/24)');
      expect(screen.getByTestId('period-quarter')).toHaveTextContent('Quarter');
    } finally {
      locale.set('zh-CN');
    }
  });
});
