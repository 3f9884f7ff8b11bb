import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { ChartConfiguration } from 'chart.js';
import type { Figure } from '../../lib/bindings/Figure';
import type { ChartSpec } from '../../lib/report/charts';
import ChartCard from '../report/ChartCard.svelte';

/** Every chart drawn, with its configuration, and whether it was taken down. */
const drawn: { config: ChartConfiguration<'bar'>; destroyed: boolean }[] = [];

vi.mock('../../lib/report/chartjs', async (original) => ({
  ...(await original<typeof import('../../lib/report/chartjs')>()),
  Chart: class {
    entry: { config: ChartConfiguration<'bar'>; destroyed: boolean };
    constructor(_canvas: HTMLCanvasElement, config: ChartConfiguration<'bar'>) {
      this.entry = { config, destroyed: false };
      drawn.push(this.entry);
    }
    destroy() {
      this.entry.destroyed = true;
    }
  },
}));

const spec: ChartSpec = {
  id: 'overdue', title: '当前超期案件（按环节）', unit: 'count', categories: ['核实', '处置'],
  series: [{ label: '案件数', color: '#D55E00', values: [2, 1], texts: ['2', '1'], figures: [{ figure: 'overdue', step: 'verify' }, { figure: 'overdue', step: 'handle' }] }],
};

describe('a chart card', () => {
  const getContext = HTMLCanvasElement.prototype.getContext;
  afterEach(() => {
    cleanup();
    HTMLCanvasElement.prototype.getContext = getContext;
    drawn.length = 0;
  });

  it('draws where the webview has a canvas, a tap on a bar opening its figure; taken down with the card', async () => {
    HTMLCanvasElement.prototype.getContext = (() => ({})) as unknown as HTMLCanvasElement['getContext'];
    const picked: Figure[] = [];
    const { unmount } = render(ChartCard, { spec, onpick: (f: Figure) => picked.push(f) });
    await waitFor(() => expect(drawn).toHaveLength(1));
    expect(drawn[0].config.data.labels).toEqual(['核实', '处置']);
    drawn[0].config.options!.onClick!.call(null as never, {} as never, [{ datasetIndex: 0, index: 1 }] as never, null as never);
    expect(picked).toEqual([{ figure: 'overdue', step: 'handle' }]);
    // The same figures as a table of numbers, each opening its list.
    await fireEvent.click(screen.getByTestId('figure-overdue-verify'));
    expect(picked.at(-1)).toEqual({ figure: 'overdue', step: 'verify' });
    unmount();
    expect(drawn[0].destroyed).toBe(true);
  });

  it('shows only the table where nothing can be drawn', async () => {
    render(ChartCard, { spec, onpick: () => undefined });
    await new Promise((r) => setTimeout(r, 50));
    expect(drawn).toHaveLength(0);
    expect(screen.getByTestId('figure-overdue-handle')).toHaveTextContent('1');
    expect(screen.getByRole('img')).toHaveAttribute('aria-label', '当前超期案件（按环节）：图表，数值见下表');
  });
});
