import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import GridMap from '../../components/GridMap.svelte';
import type { HouseholdRow } from '../bindings/HouseholdRow';
import { crowd, intersects, LABEL, placeLabels, TAP, textWidth, type Box, type Dot, type Label } from '../map-layout';
import { BANDS, daysSince, visitBand } from '../time';

/** A small deterministic random source (the same dots on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const NAMES = ['张伟', '王芳', '李秀英', '刘洋', '陈静', '杨磊', '赵敏', '黄丽娟', '周杰', '吴涛', '巴特尔', '乌兰图雅'];
function dots(n: number, w: number, h: number, seed: number): Dot[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({ id: `d${i}`, x: 22 + r() * (w - 44), y: 22 + r() * (h - 44), text: NAMES[i % NAMES.length] }));
}
const dotBox = (d: Dot): Box => ({ x: d.x - LABEL.dotR, y: d.y - LABEL.dotR, w: 2 * LABEL.dotR, h: 2 * LABEL.dotR });

function checkLayout(ds: Dot[], width: number, height: number): Label[] {
  const labels = placeLabels(ds, { width, height });
  expect(labels.size).toBe(ds.length);
  const placed = [...labels.values()].filter((l): l is Label => l != null);
  for (let i = 0; i < placed.length; i++) {
    const a = placed[i].box;
    expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= width && a.y + a.h <= height, `label ${i} inside`).toBe(true);
    for (let j = i + 1; j < placed.length; j++) expect(intersects(a, placed[j].box), `labels ${i} and ${j}`).toBe(false);
    for (const d of ds) expect(intersects(a, dotBox(d)), `label ${i} over dot ${d.id}`).toBe(false);
  }
  return placed;
}

describe('label placement', () => {
  it('knows when boxes overlap (touching is not overlapping)', () => {
    const a = { x: 0, y: 0, w: 10, h: 10 };
    const table: [Box, boolean][] = [
      [{ x: 5, y: 5, w: 10, h: 10 }, true],
      [{ x: 10, y: 0, w: 5, h: 5 }, false],
      [{ x: 0, y: 10, w: 5, h: 5 }, false],
      [{ x: 2, y: 2, w: 2, h: 2 }, true],
      [{ x: -5, y: -5, w: 4, h: 20 }, false],
    ];
    for (const [b, want] of table) {
      expect(intersects(a, b), JSON.stringify(b)).toBe(want);
      expect(intersects(b, a), JSON.stringify(b)).toBe(want);
    }
  });

  it('measures Chinese names a full em a character', () => {
    expect(textWidth('张伟', 13)).toBe(26);
    expect(textWidth('乌兰图雅', 10)).toBe(40);
    expect(textWidth('ab', 10)).toBe(12);
  });

  it('names every household of a sparse grid', () => {
    const ds = [{ id: 'a', x: 50, y: 50, text: '张伟' }, { id: 'b', x: 200, y: 60, text: '王芳' }, { id: 'c', x: 120, y: 200, text: '李秀英' }];
    expect(checkLayout(ds, 340, 300)).toHaveLength(3);
  });

  it('never lets two names overlap, or a name cover a dot, however dense the grid', () => {
    for (const [n, seed] of [[20, 1], [60, 2], [150, 3], [400, 4]]) {
      const ds = dots(n, 340, 420, seed);
      const placed = checkLayout(ds, 340, 420);
      if (n <= 20) expect(placed.length).toBeGreaterThan(n * 0.7);
    }
    // Many households at one spot: the names that fit around it, the rest listed on tap.
    const stacked = Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, x: 170, y: 150, text: NAMES[i] }));
    expect(checkLayout(stacked, 340, 300).length).toBeLessThan(stacked.length);
  });

  it('groups the dots whose 44 px tap targets overlap, nearest first', () => {
    const ds = [{ id: 'a', x: 100, y: 100, text: '' }, { id: 'b', x: 130, y: 100, text: '' }, { id: 'c', x: 100, y: 144, text: '' }, { id: 'd', x: 300, y: 300, text: '' }];
    expect(crowd(ds, 'a').map((d) => d.id)).toEqual(['a', 'b']);
    expect(crowd(ds, 'd').map((d) => d.id)).toEqual(['d']);
    expect(TAP).toBeGreaterThanOrEqual(44);
  });
});

describe('colour buckets', () => {
  it('band households by days since the last visit: ≤7, ≤30, >30, never', () => {
    const now = Date.UTC(2026, 10, 20, 12);
    const table: [number | null, string][] = [[0, 'recent'], [7, 'recent'], [8, 'month'], [30, 'month'], [31, 'overdue'], [400, 'overdue'], [null, 'never']];
    for (const [days, band] of table) {
      const last = days == null ? null : now - days * 86_400_000;
      expect(visitBand(daysSince(last, now)), String(days)).toBe(band);
    }
    expect(BANDS).toEqual(['recent', 'month', 'overdue', 'never']);
  });
});

describe('GridMap', () => {
  afterEach(() => cleanup());
  const now = Date.UTC(2026, 10, 20);
  const row = (id: string, lat: number, lon: number): HouseholdRow => ({
    id, micro_grid: '150621001001001001', head_name: `户${id}`, address: '', door_number: `${id}号`, phone: null,
    tags: [], lat, lon, last_visit_ms: null, interval_days: 30,
  });

  it('gives every dot a 44 px tap target and lists the households where dots crowd', async () => {
    const opened: string[] = [];
    // Two households a few metres apart and one far off.
    const households = [row('1', 40.0, 110.0), row('2', 40.00001, 110.00001), row('3', 40.01, 110.01)];
    render(GridMap, { area: null, households, width: 340, now, onopen: (id: string) => opened.push(id) });
    const dotsShown = screen.getAllByTestId('map-dot');
    for (const d of dotsShown) expect(Number(d.querySelector('.hit')!.getAttribute('r')) * 2).toBeGreaterThanOrEqual(44);
    expect(screen.getByTestId('map')).toHaveAttribute('width', '340');
    expect(dotsShown[0]).toHaveClass('band-never');

    await fireEvent.click(dotsShown[2]);
    expect(opened).toEqual(['3']);
    await fireEvent.click(dotsShown[0]);
    expect(opened).toEqual(['3']);
    const items = screen.getAllByTestId('map-pick-item');
    expect(items.map((b) => b.textContent)).toEqual([expect.stringContaining('户1'), expect.stringContaining('户2')]);
    await fireEvent.click(items[1]);
    expect(opened).toEqual(['3', '2']);
  });

  it('draws a tall grid narrower so it fits the height it is given, targets still 44 px', () => {
    const households = [row('1', 40.0, 110.0), row('2', 40.02, 110.002)];
    render(GridMap, { area: null, households, width: 340, maxHeight: 300, now, onopen: () => undefined });
    const svg = screen.getByTestId('map');
    expect(Number(svg.getAttribute('height'))).toBeLessThanOrEqual(300.5);
    expect(Number(svg.getAttribute('width'))).toBeLessThan(340);
    for (const d of screen.getAllByTestId('map-dot')) expect(Number(d.querySelector('.hit')!.getAttribute('r'))).toBe(22);
  });
});
