// The dashboard draws its charts with Chart.js v4. Why Chart.js and not ECharts: the same UI runs
// on the workers' phones, so size counts. Chart.js is tree-shakeable: registering only what is
// used here (the bar controller and element, the category and linear scales, tooltip, legend)
// comes to about 153 kB minified / 53 kB gzipped, and ChartCard loads this module as its own chunk
// on first use, so a phone that never opens the office's screens never loads it. The smallest
// ECharts build that could draw the same (bar chart, grid, tooltip, legend, mark line, canvas
// renderer) measured 533 kB minified / 180 kB gzipped, over three times as much. Chart.js is well
// kept (MIT, steady releases), draws on a canvas that prints, and its click events name the
// dataset and index, which `figureAt` maps to the Figure behind the bar. Every chart here is a bar
// chart (counts, shares against a target line, stacked coverage and categories), so one
// controller is enough; the target lines are a small plugin below, not another package.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  type Plugin,
  Tooltip,
} from 'chart.js';
import type { Figure } from '../bindings/Figure';
import { type ChartSpec, figureAt } from './charts';
import { OUTLINE, TARGET } from './palette';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif";
Chart.defaults.font.size = 13;
Chart.defaults.color = '#111';

export { Chart };

/** Draws each category's target as a dashed line across its bar, with the label once. */
function targetLines(spec: ChartSpec): Plugin<'bar'> {
  return {
    id: 'targets',
    afterDatasetsDraw(chart) {
      const targets = spec.targets;
      if (!targets) return;
      const { ctx } = chart;
      const index = chart.scales[spec.horizontal ? 'y' : 'x'];
      const value = chart.scales[spec.horizontal ? 'x' : 'y'];
      const band = (index.getPixelForValue(1) - index.getPixelForValue(0)) * 0.45 || 20;
      ctx.save();
      ctx.strokeStyle = TARGET;
      ctx.fillStyle = TARGET;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.font = `bold 12px ${Chart.defaults.font.family}`;
      targets.forEach((target, i) => {
        if (target == null) return;
        const at = value.getPixelForValue(target);
        const mid = index.getPixelForValue(i);
        ctx.beginPath();
        if (spec.horizontal) {
          ctx.moveTo(at, mid - band);
          ctx.lineTo(at, mid + band);
        } else {
          ctx.moveTo(mid - band, at);
          ctx.lineTo(mid + band, at);
        }
        ctx.stroke();
        const text = `${target}%`;
        if (spec.horizontal) ctx.fillText(text, at + 4, mid - band + 10);
        else ctx.fillText(text, mid + band + 3, at + 4);
      });
      ctx.restore();
    },
  };
}

/** The Chart.js configuration of a spec; a tap on a bar calls `onpick` with the figure behind it. */
export function chartConfig(spec: ChartSpec, onpick: (f: Figure) => void): ChartConfiguration<'bar'> {
  const valueAxis = {
    stacked: spec.stacked ?? false,
    beginAtZero: true,
    ...(spec.unit === 'percent' ? { max: 100, ticks: { callback: (v: string | number) => `${v}%` } } : { ticks: { precision: 0 } }),
  };
  const indexAxis = { stacked: spec.stacked ?? false, ticks: { autoSkip: false } };
  return {
    type: 'bar',
    data: {
      labels: spec.categories,
      datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderColor: OUTLINE, borderWidth: 1 })),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: spec.horizontal ? { x: valueAxis, y: indexAxis } : { x: indexAxis, y: valueAxis },
      plugins: {
        legend: { display: spec.series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (item) => `${spec.series[item.datasetIndex].label}: ${spec.series[item.datasetIndex].texts[item.dataIndex]}` } },
      },
      onClick: (_event, elements) => {
        const hit = elements[0];
        const figure = hit ? figureAt(spec, hit.datasetIndex, hit.index) : null;
        if (figure) onpick(figure);
      },
      onHover: (event, elements) => {
        const target = event.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
      },
    },
    plugins: [targetLines(spec)],
  };
}
