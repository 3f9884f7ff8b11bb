import type { ActiveElement, ChartEvent } from 'chart.js';
import { dashboard } from '../../screens/__tests__/report-fixtures';
import type { Figure } from '../bindings/Figure';
import { translator } from '../i18n';
import { dashboardCharts, dashboardTiles, figureAt } from '../report/charts';
import { chartConfig } from '../report/chartjs';

const zh = translator('zh-CN');
const charts = dashboardCharts(zh, dashboard);
const chart = (id: string) => charts.find((c) => c.id === id)!;

describe('the dashboard as chart data', () => {
  it('has every chart the office reads, each bar with the figure behind it', () => {
    expect(charts.map((c) => c.id)).toEqual(['shares', 'stage', 'level', 'overdue', 'handlers', 'coverage', 'categories']);
    for (const c of charts)
      for (const s of c.series) {
        expect(s.values, `${c.id} ${s.label}`).toHaveLength(c.categories.length);
        expect(s.texts, `${c.id} ${s.label}`).toHaveLength(c.categories.length);
        expect(s.figures, `${c.id} ${s.label}`).toHaveLength(c.categories.length);
      }
  });

  it('plots the shares in percent against the 95% target, the numbers in words', () => {
    const s = chart('shares');
    expect(s.unit).toBe('percent');
    expect(s.categories).toEqual(['村内化解', '乡镇内化解']);
    expect(s.series[0].values).toEqual([96, 100]);
    expect(s.series[0].texts).toEqual(['96.0%（24/25）', '100.0%（25/25）']);
    expect(s.targets).toEqual([95, null]);
    expect(figureAt(s, 0, 0)).toEqual({ figure: 'closed_at', level: 'village' });
  });

  it('counts stages, levels and overdue steps in words', () => {
    expect(chart('stage').categories).toEqual(['待核实', '调解中', '已评价']);
    expect(chart('stage').series[0].values).toEqual([3, 5, 40]);
    expect(chart('level').categories).toEqual(['村级', '乡镇级', '旗级']);
    expect(chart('overdue').categories).toEqual(['核实', '处置']);
    expect(figureAt(chart('overdue'), 0, 1)).toEqual({ figure: 'overdue', step: 'handle' });
    expect(figureAt(chart('overdue'), 1, 0)).toBeNull();
  });

  it('shares the village closures by handler against 70 / 30, not recorded without a target', () => {
    const h = chart('handlers');
    expect(h.categories).toEqual(['村党组织书记', '调委会委员', '未记录']);
    expect(h.series[0].values.map(Math.round)).toEqual([58, 25, 17]);
    expect(h.series[0].texts[0]).toBe('58.3%（14/24）');
    expect(h.targets).toEqual([70, 30, null]);
    expect(figureAt(h, 0, 2)).toEqual({ figure: 'handler', handler: null });
  });

  it('stacks visited and not visited per village and grid, each opening its list', () => {
    const c = chart('coverage');
    expect(c.categories).toEqual(['锦园社区', '· 第1网格']);
    expect(c.series.map((s) => s.values)).toEqual([[75, 90], [25, 10]]);
    expect(c.series[1].texts).toEqual(['50', '10']);
    expect(figureAt(c, 1, 1)).toEqual({ figure: 'not_visited', area: '150621001001001' });
  });

  it('stacks categories per month, a month without a category counting 0', () => {
    const c = chart('categories');
    expect(c.categories).toEqual(['2026年10月', '2026年11月']);
    expect(c.series.map((s) => s.label)).toEqual(['邻里纠纷', '土地草牧场']);
    expect(c.series[1].values).toEqual([0, 2]);
    expect(figureAt(c, 1, 1)).toEqual({ figure: 'category', month: '2026-11', category: 'land' });
    expect(new Set(c.series.map((s) => s.color)).size).toBe(2);
  });

  it('tops the dashboard with single numbers that open their lists', () => {
    const tiles = dashboardTiles(zh, dashboard);
    expect(tiles.map((t) => [t.id, t.value])).toEqual([
      ['in-village', '96.0%'], ['in-township', '100.0%'], ['closed', '25'], ['close-time', '30.3 小时'], ['cards', '17'],
    ]);
    expect(tiles[3].label).toBe('结案用时（中位数）');
    expect(tiles[3].sub).toBe('90分位 120.0 小时');
    expect(tiles[4].figure).toEqual({ figure: 'cards' });
  });
});

describe('the Chart.js configuration', () => {
  it('opens the figure behind the bar that was tapped, and nothing for a tap beside the bars', () => {
    const picked: Figure[] = [];
    const config = chartConfig(chart('coverage'), (f) => picked.push(f));
    const click = config.options!.onClick!;
    const hit = (datasetIndex: number, index: number) => [{ datasetIndex, index }] as unknown as ActiveElement[];
    click.call(null as never, {} as ChartEvent, hit(0, 1), null as never);
    click.call(null as never, {} as ChartEvent, [], null as never);
    expect(picked).toEqual([{ figure: 'visited', area: '150621001001001' }]);
  });

  it('lays a chart out from its spec: bars across for horizontal, percent axes to 100, stacks, legends for several series', () => {
    const coverage = chartConfig(chart('coverage'), () => undefined);
    expect(coverage.options!.indexAxis).toBe('y');
    expect(coverage.options!.scales!.x).toMatchObject({ stacked: true, max: 100 });
    expect(coverage.options!.plugins!.legend).toMatchObject({ display: true });
    expect(coverage.data.datasets.map((d) => d.label)).toEqual(['已走访', '未走访']);
    const stage = chartConfig(chart('stage'), () => undefined);
    expect(stage.options!.indexAxis).toBe('x');
    expect(stage.options!.scales!.y).toMatchObject({ stacked: false, beginAtZero: true });
    expect(stage.options!.scales!.y).not.toHaveProperty('max');
    expect(stage.options!.plugins!.legend).toMatchObject({ display: false });
    expect(stage.data.labels).toEqual(['待核实', '调解中', '已评价']);
    expect(stage.data.datasets[0].data).toEqual([3, 5, 40]);
  });
});
