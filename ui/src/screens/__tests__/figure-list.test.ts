import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import type { FigureQuery } from '../../lib/bindings/FigureQuery';
import { route } from '../../lib/stores/router';
import FigureList from '../FigureList.svelte';
import { eachTestAtNow } from './case-fixtures';
import { figurePage } from './report-fixtures';

eachTestAtNow();

const card = { kind: 'card' as const, id: 'k1', title: '李娜', detail: 'GW-0001', area_name: '第1小微网格', at_ms: null, overdue: false, household: 'h5' };

function start(props: Record<string, unknown>) {
  const queries: FigureQuery[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== 'figure_list') return;
    const query = (args as { query: FigureQuery }).query;
    queries.push(query);
    return query.offset === 0 ? figurePage : { ...figurePage, items: [card] };
  });
  render(FigureList, props as never);
  return queries;
}

describe('the list behind a number', () => {
  it('asks for the figure of the period, names it, and opens a case or a household', async () => {
    const queries = start({ figure: { figure: 'stage', stage: 'mediating' }, period: { kind: 'month', month: '2026-11' } });
    await waitFor(() => expect(screen.getAllByTestId('figure-item')).toHaveLength(2));
    expect(queries[0]).toEqual({ scope: null, period: { kind: 'month', month: '2026-11' }, figure: { figure: 'stage', stage: 'mediating' }, offset: 0, limit: 50 });
    expect(screen.getByTestId('figures-title')).toHaveTextContent('案件阶段：调解中');
    expect(screen.getByTestId('figures-total')).toHaveTextContent('共 3 条');
    const [caseRow, household] = screen.getAllByTestId('figure-item');
    expect(caseRow).toHaveTextContent('邻里纠纷');
    expect(caseRow).toHaveTextContent('超期');
    expect(caseRow).toHaveTextContent('楼上漏水');
    expect(household).toHaveTextContent('张伟');
    expect(household).not.toHaveTextContent('超期');
    await fireEvent.click(caseRow);
    expect(get(route)).toEqual({ screen: 'case', params: { id: 'd1' } });
    await fireEvent.click(household);
    expect(get(route)).toEqual({ screen: 'household', params: { id: 'h2' } });
  });

  it('pages on, and a card opens its household', async () => {
    const queries = start({ figure: { figure: 'not_visited', area: '150621001001' }, period: { kind: 'quarter', quarter: '2026Q4' }, area_name: '锦园社区' });
    expect(await screen.findByTestId('figures-title')).toHaveTextContent('周期内未走访：锦园社区');
    await fireEvent.click(await screen.findByTestId('figures-more'));
    await waitFor(() => expect(screen.getAllByTestId('figure-item')).toHaveLength(3));
    expect(queries.at(-1)).toMatchObject({ offset: 2, period: { kind: 'quarter', quarter: '2026Q4' } });
    expect(screen.queryByTestId('figures-more')).toBeNull();
    await fireEvent.click(screen.getAllByTestId('figure-item')[2]);
    expect(get(route)).toEqual({ screen: 'household', params: { id: 'h5' } });
  });
});
