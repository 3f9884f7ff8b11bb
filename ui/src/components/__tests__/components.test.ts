import { fireEvent, render, screen } from '@testing-library/svelte';
import type { Area } from '../../lib/bindings/Area';
import type { HouseholdRow } from '../../lib/bindings/HouseholdRow';
import { syncError, syncing } from '../../lib/stores/sync';
import GridMap from '../GridMap.svelte';
import HouseholdItem from '../HouseholdItem.svelte';
import SyncBar from '../SyncBar.svelte';

const now = Date.UTC(2026, 10, 20);
const h = (id: string, days: number | null, lat: number, lon: number): HouseholdRow => ({
  id, micro_grid: '150621001001001001', head_name: `户${id}`, address: '锦园社区', door_number: `${id}号`, phone: null,
  tags: id === '1' ? ['elderly_alone'] : [], lat, lon, last_visit_ms: days == null ? null : now - days * 86_400_000, interval_days: 30,
});

describe('HouseholdItem', () => {
  it('shows the name, door, tags and days since the last visit, and opens on tap', async () => {
    const opened: string[] = [];
    render(HouseholdItem, { household: h('1', null, 40, 110), onopen: (id: string) => opened.push(id) });
    expect(screen.getByText('户1')).toBeInTheDocument();
    expect(screen.getByText('独居老人')).toBeInTheDocument();
    expect(screen.getByText('从未')).toHaveClass('band-never');
    await fireEvent.click(screen.getByTestId('household-item'));
    expect(opened).toEqual(['1']);
  });
});

describe('GridMap', () => {
  it('draws the boundary and colours each household by days since its visit', () => {
    const area: Area = {
      code: '150621001001001001', name: '第1小微网格', level: 'micro_grid', parent: '150621001001001',
      boundary: { type: 'MultiPolygon', coordinates: [[[[110, 40], [110.01, 40], [110.01, 40.01], [110, 40.01], [110, 40]]]] },
    };
    const households = [h('1', 2, 40.002, 110.002), h('2', 20, 40.005, 110.005), h('3', null, 40.008, 110.008), h('4', 1, 0, 0)];
    households[3].lat = null;
    const { container } = render(GridMap, { area, households, now, onopen: () => undefined });
    expect(container.querySelectorAll('polygon')).toHaveLength(1);
    const dots = screen.getAllByTestId('map-dot');
    expect(dots.map((d) => d.getAttribute('class')?.match(/band-\w+/)?.[0])).toEqual(['band-recent', 'band-month', 'band-never']);
  });
});

describe('SyncBar', () => {
  it('shows progress while syncing and the offline message after a failed sync', async () => {
    syncing.set(true);
    const { rerender } = render(SyncBar);
    expect(screen.getByTestId('sync-progress')).toBeInTheDocument();
    syncing.set(false);
    syncError.set({ kind: 'offline', message: 'refused', fields: [], net: null, unsynced: null, code: null, params: null });
    await rerender({});
    expect(screen.getByTestId('offline')).toHaveTextContent('无法连接服务器');
    // With its cause: the server, how long was waited, and that it stopped trying, in Chinese.
    syncError.set({
      kind: 'offline',
      message: 'the server at https://grid.example.cn took the connection but gave no answer within 25 s',
      fields: [],
      net: { cause: 'no_answer', server: 'https://grid.example.cn', after_s: 25, attempt: 2, of: 4, retrying: false, wait_s: null, detail: '' },
      unsynced: null,
      code: null,
      params: null,
    });
    await rerender({});
    const text = screen.getByTestId('offline').textContent ?? '';
    expect(text).toContain('服务器 https://grid.example.cn 已连上，但 25 秒内没有应答');
    expect(text).toContain('已停止重试');
    expect(text).not.toMatch(/answer|server at/);
    syncError.set(null);
  });
});
