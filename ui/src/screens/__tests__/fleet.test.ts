import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { locale } from '../../lib/i18n';
import Fleet from '../Fleet.svelte';
import { fleet } from './office-fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
  locale.set('zh-CN');
});

const names = () => screen.getAllByTestId('fleet-row').map((r) => r.querySelector('strong')?.textContent);

describe('Fleet', () => {
  it('lists every handset, the flagged and longest silent first, with its flags in Chinese', async () => {
    mockIPC((cmd) => (cmd === 'fleet' ? fleet : undefined));
    render(Fleet);
    await waitFor(() => expect(screen.getAllByTestId('fleet-row')).toHaveLength(4));
    expect(names()).toEqual(['周涛', '赵磊', '孙丽', '王芳']);
    expect(screen.getByTestId('fleet-summary')).toHaveTextContent('共 4 台，3 台需要关注');
    const rows = screen.getAllByTestId('fleet-row');
    expect(rows[0]).toHaveTextContent('从未同步');
    expect(rows[1]).toHaveTextContent('长时间未联系');
    expect(rows[1]).toHaveTextContent('6 天');
    expect(rows[2]).toHaveTextContent('积压过多');
    expect(rows[2]).toHaveTextContent('版本过旧');
    expect(rows[2].querySelector('[data-testid="fleet-waiting"]')).toHaveTextContent('153');
    expect(rows[3].querySelectorAll('[data-testid="fleet-flag"]')).toHaveLength(0);
    expect(screen.queryByTestId('fleet-stale')).toBeNull();
  });

  it('filters to the flagged handsets and sorts by changes waiting', async () => {
    mockIPC((cmd) => (cmd === 'fleet' ? fleet : undefined));
    render(Fleet);
    await waitFor(() => expect(screen.getAllByTestId('fleet-row')).toHaveLength(4));
    await fireEvent.click(screen.getByTestId('fleet-only-flagged'));
    expect(names()).toEqual(['周涛', '赵磊', '孙丽']);
    await fireEvent.change(screen.getByTestId('fleet-sort'), { target: { value: 'waiting' } });
    expect(names()).toEqual(['孙丽', '赵磊', '周涛']);
  });

  it('says when it shows the kept copy, and in English too', async () => {
    locale.set('en');
    mockIPC((cmd) => (cmd === 'fleet' ? { ...fleet, stale: true } : undefined));
    render(Fleet);
    await waitFor(() => expect(screen.getByTestId('fleet-stale')).toHaveTextContent('The server cannot be reached'));
    expect(screen.getAllByTestId('fleet-row')[0]).toHaveTextContent('Never synced');
  });

  it('shows a refusal in words', async () => {
    mockIPC((cmd) => {
      if (cmd === 'fleet') throw { kind: 'forbidden', message: 'only a township office may do this', fields: [], code: 'forbidden' };
    });
    render(Fleet);
    await waitFor(() => expect(screen.getByTestId('fleet-error')).toBeInTheDocument());
    expect(screen.queryByTestId('fleet-table')).toBeNull();
  });
});
