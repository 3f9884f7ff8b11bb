// The dashboard's charts as plain data, made from a Dashboard: for each chart its categories, its
// series (the plotted values, the same figures as text, and the Figure behind every bar, which is
// what a tap on the bar or its number opens) and its target lines. No drawing here: chartjs.ts
// turns a spec into a Chart.js config, ChartCard.svelte shows it with its table of numbers.
import type { Count } from '../bindings/Count';
import type { Dashboard } from '../bindings/Dashboard';
import type { Figure } from '../bindings/Figure';
import type { Translate } from '../i18n';
import { figureKey, hoursText, percentText } from './figures';
import { PALETTE, SERIES_COLOURS } from './palette';
import { monthLabel } from './period';

export interface ChartSeries {
  label: string;
  color: string;
  /** What is plotted, one per category (a count, or a percentage for `unit: 'percent'`). */
  values: number[];
  /** The same figure as the table shows it ("96.2%（25/26）", "12"). */
  texts: string[];
  /** What each bar counts (null: nothing behind it). */
  figures: (Figure | null)[];
}

export interface ChartSpec {
  /** Names the chart (data-testid `chart-<id>`). */
  id: string;
  title: string;
  unit: 'count' | 'percent';
  categories: string[];
  series: ChartSeries[];
  /** A target per category, in the unit of the chart, drawn as a line across its bar. */
  targets?: (number | null)[];
  targetLabel?: string;
  horizontal?: boolean;
  stacked?: boolean;
  /** The table of numbers lists series as rows and categories as columns (few categories, many series). */
  transposeTable?: boolean;
}

/** The figure behind bar `index` of series `series`, if any. */
export function figureAt(spec: ChartSpec, series: number, index: number): Figure | null {
  return spec.series[series]?.figures[index] ?? null;
}

const pct = (count: number, of: number) => (of > 0 ? (count * 100) / of : 0);

/** A bar chart of counts, one bar per count, labelled from its figure. */
function countChart(id: string, title: string, counts: Count[], label: (f: Figure) => string, color: string, seriesLabel: string): ChartSpec {
  return {
    id, title, unit: 'count',
    categories: counts.map((c) => label(c.figure)),
    series: [{ label: seriesLabel, color, values: counts.map((c) => c.count), texts: counts.map((c) => String(c.count)), figures: counts.map((c) => c.figure) }],
  };
}

/** The categories of the per-month chart: those with a case in any month, in first-seen order. */
function categoriesSeen(d: Dashboard): string[] {
  const seen: string[] = [];
  for (const m of d.categories)
    for (const c of m.counts) if (c.figure.figure === 'category' && !seen.includes(c.figure.category)) seen.push(c.figure.category);
  return seen;
}

export function dashboardCharts(t: Translate, d: Dashboard): ChartSpec[] {
  const word = (f: Figure): string => {
    switch (f.figure) {
      case 'stage': return t(`stage.${f.stage}`);
      case 'level': return t(`level.${f.level}`);
      case 'overdue': return t(`reportStep.${f.step}`);
      case 'handler': return t(`villageHandler.${f.handler ?? 'none'}`);
      default: return figureKey(f);
    }
  };
  const cases = t('dash.cases');
  const v = d.resolved_in_village;
  const tw = d.resolved_in_township;
  const handlersTotal = d.handlers.reduce((n, c) => n + c.count, 0);
  const handlerTarget = (f: Figure) => (f.figure === 'handler' ? (f.handler === 'secretary' ? 70 : f.handler === 'committee' ? 30 : null) : null);
  const months = d.categories.map((m) => m.month);
  const coverageLabel = (r: Dashboard['coverage'][number]) => (r.level === 'grid' ? `· ${r.name}` : r.name);
  return [
    {
      id: 'shares', title: t('dash.shares'), unit: 'percent', horizontal: true,
      categories: [t('dash.inVillage'), t('dash.inTownship')],
      series: [{
        label: t('dash.handlerShare'), color: PALETTE.green,
        values: [pct(v.count, v.of), pct(tw.count, tw.of)],
        texts: [t('dash.share', { pct: percentText(v.count, v.of), count: v.count, of: v.of }), t('dash.share', { pct: percentText(tw.count, tw.of), count: tw.count, of: tw.of })],
        figures: [v.figure, tw.figure],
      }],
      targets: [95, null], targetLabel: t('dash.target', { n: 95 }),
    },
    countChart('stage', t('dash.byStage'), d.by_stage, word, PALETTE.blue, cases),
    countChart('level', t('dash.byLevel'), d.by_level, word, PALETTE.sky, cases),
    countChart('overdue', t('dash.overdue'), d.overdue, word, PALETTE.vermillion, cases),
    {
      id: 'handlers', title: t('dash.handlers'), unit: 'percent',
      categories: d.handlers.map((c) => word(c.figure)),
      series: [{
        label: t('dash.handlerShare'), color: PALETTE.indigo,
        values: d.handlers.map((c) => pct(c.count, handlersTotal)),
        texts: d.handlers.map((c) => t('dash.share', { pct: percentText(c.count, handlersTotal), count: c.count, of: handlersTotal })),
        figures: d.handlers.map((c) => c.figure),
      }],
      targets: d.handlers.map((c) => handlerTarget(c.figure)), targetLabel: t('dash.target', { n: '70 / 30' }),
    },
    {
      id: 'coverage', title: t('dash.coverage'), unit: 'percent', horizontal: true, stacked: true,
      categories: d.coverage.map(coverageLabel),
      series: [
        {
          label: t('dash.visited'), color: PALETTE.green,
          values: d.coverage.map((r) => pct(r.visited, r.households)),
          texts: d.coverage.map((r) => t('dash.share', { pct: percentText(r.visited, r.households), count: r.visited, of: r.households })),
          figures: d.coverage.map((r) => ({ figure: 'visited', area: r.area })),
        },
        {
          label: t('dash.notVisited'), color: PALETTE.orange,
          values: d.coverage.map((r) => pct(r.households - r.visited, r.households)),
          texts: d.coverage.map((r) => String(r.households - r.visited)),
          figures: d.coverage.map((r) => ({ figure: 'not_visited', area: r.area })),
        },
      ],
    },
    {
      id: 'categories', title: t('dash.categories'), unit: 'count', stacked: true, transposeTable: true,
      categories: months.map((m) => monthLabel(t, m)),
      series: categoriesSeen(d).map((category, i) => {
        const counts = d.categories.map((m) => m.counts.find((c) => c.figure.figure === 'category' && c.figure.category === category)?.count ?? 0);
        return {
          label: t(`category.${category}`), color: SERIES_COLOURS[i % SERIES_COLOURS.length],
          values: counts, texts: counts.map(String),
          figures: months.map((month) => ({ figure: 'category', month, category }) as Figure),
        };
      }),
    },
  ];
}

/** The single numbers at the top of the dashboard, each with the figure behind it. */
export interface Tile { id: string; label: string; value: string; sub: string; figure: Figure }

export function dashboardTiles(t: Translate, d: Dashboard): Tile[] {
  const v = d.resolved_in_village;
  const tw = d.resolved_in_township;
  const ct = d.close_time;
  return [
    { id: 'in-village', label: t('dash.inVillage'), value: percentText(v.count, v.of), sub: `${v.count}/${v.of} · ${t('dash.target', { n: 95 })}`, figure: v.figure },
    { id: 'in-township', label: t('dash.inTownship'), value: percentText(tw.count, tw.of), sub: `${tw.count}/${tw.of}`, figure: tw.figure },
    { id: 'closed', label: t('dash.closed'), value: String(ct.closed), sub: '', figure: { figure: 'closed' } },
    {
      id: 'close-time', label: t('dash.closeTimeMedian'), value: t('dash.hours', { n: hoursText(ct.median_hours) }),
      sub: `${t('dash.p90')} ${t('dash.hours', { n: hoursText(ct.p90_hours) })}`, figure: { figure: 'closed' },
    },
    { id: 'cards', label: t('dash.cards'), value: String(d.cards.count), sub: '', figure: d.cards.figure },
  ];
}
