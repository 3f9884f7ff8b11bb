import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { route } from '../../lib/stores/router';
import Notice from '../Notice.svelte';
import { eachTestAtNow } from './case-fixtures';
import { notice } from './report-fixtures';

eachTestAtNow();

function start(exportAnswer: () => unknown = () => ({ xlsx: '/srv/out/月通报-2026-11.xlsx', csv: '/srv/out/月通报-2026-11.csv' })) {
  const calls: [string, Record<string, unknown>][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Record<string, unknown>]);
    if (cmd === 'monthly_notice') return { ...notice, month: (args as { month: string }).month };
    if (cmd === 'export_notice') return exportAnswer();
  });
  render(Notice);
  return calls;
}

describe('the monthly notice', () => {
  afterEach(() => localStorage.removeItem('gridwork.noticeDir'));

  it("shows last month's figures per area against the month before, and the overdue cases", async () => {
    const calls = start();
    await screen.findByTestId('notice-sheet');
    // NOW is 2026-12-01 in China: the notice is for November.
    expect(calls[0]).toEqual(['monthly_notice', { month: '2026-11', scope: null }]);
    expect(screen.getByTestId('notice-title')).toHaveTextContent('锦园镇 2026年11月 矛盾纠纷化解工作月通报');
    const headers = screen.getByTestId('notice-sheet').querySelectorAll('table.figures thead th');
    expect([...headers].map((h) => h.textContent)).toEqual(['区域', '受理案件', '村内化解率', '结案用时中位数（小时）']);
    const [total, village, grid] = screen.getAllByTestId('notice-row');
    expect(total).toHaveClass('level-township');
    // Each cell: this month (with how it moved), and last month below it.
    const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => [td.querySelector('.v')?.textContent, td.querySelector('.prev')?.textContent]);
    expect(cells(total)).toEqual([['48↑', '40'], ['96.0%↓', '97.0%'], ['30.3', '—']]);
    expect(cells(village)).toEqual([['30', '30'], ['—', '100.0%'], ['12.0↓', '14.0']]);
    expect(grid).toHaveClass('level-grid');
    expect(within(total).getAllByText('↓')[0]).toHaveAttribute('aria-label', '下降（变差）');
    expect(within(total).getByText('↑')).toHaveAttribute('aria-label', '上升');
    expect(within(village).getByText('↓')).toHaveClass('better');
    const overdue = screen.getByTestId('notice-overdue');
    expect(overdue).toHaveTextContent('第1小微网格土地草牧场待核实 · 村级核实');
    expect(overdue).toHaveTextContent('3草场边界');
    await fireEvent.click(within(overdue).getByRole('button'));
    expect(get(route)).toEqual({ screen: 'case', params: { id: 'd9' } });
  });

  it('asks for another month, and prints the page', async () => {
    const calls = start();
    await screen.findByTestId('notice-sheet');
    await fireEvent.change(screen.getByTestId('notice-month'), { target: { value: '2026-10' } });
    await waitFor(() => expect(calls.at(-1)).toEqual(['monthly_notice', { month: '2026-10', scope: null }]));
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    await fireEvent.click(screen.getByTestId('notice-print'));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });

  it('writes the XLSX and CSV to the folder given and says where, remembering the folder', async () => {
    const calls = start();
    await screen.findByTestId('notice-sheet');
    await fireEvent.input(screen.getByTestId('notice-dir'), { target: { value: ' /srv/out ' } });
    await fireEvent.click(screen.getByTestId('notice-export'));
    await waitFor(() => expect(screen.getByTestId('notice-written')).toBeInTheDocument());
    expect(calls.find(([c]) => c === 'export_notice')?.[1]).toEqual({ month: '2026-11', scope: null, dir: '/srv/out' });
    expect(screen.getByTestId('notice-xlsx')).toHaveTextContent('/srv/out/月通报-2026-11.xlsx');
    expect(screen.getByTestId('notice-csv')).toHaveTextContent('/srv/out/月通报-2026-11.csv');
    expect(localStorage.getItem('gridwork.noticeDir')).toBe('/srv/out');
  });

  it('words a folder that cannot be written, and a failed store', async () => {
    let refusal: unknown = { kind: 'validation', message: 'x', fields: [{ field: 'dir', code: 'unwritable', message: '/nope cannot be written' }] };
    start(() => {
      throw refusal;
    });
    await screen.findByTestId('notice-sheet');
    await fireEvent.input(screen.getByTestId('notice-dir'), { target: { value: '/nope' } });
    await fireEvent.click(screen.getByTestId('notice-export'));
    expect(await screen.findByTestId('notice-export-error')).toHaveTextContent('保存文件夹无法写入：文件夹不存在，或本机无权写入');
    expect(screen.queryByTestId('notice-written')).toBeNull();
    expect(localStorage.getItem('gridwork.noticeDir')).toBeNull();
    refusal = { kind: 'storage', message: 'disk full', fields: [] };
    await fireEvent.click(screen.getByTestId('notice-export'));
    await waitFor(() => expect(screen.getByTestId('notice-export-error')).toHaveTextContent('本机存储出错：disk full'));
  });
});
