// The monthly notice's cells as read: each column's unit (shares, hours, a mean rating, counts —
// as docs/ranking.md and the XLSX have them), a value in words, and how it moved since last month.
import type { NoticeCell } from '../bindings/NoticeCell';

export type Unit = 'share' | 'hours' | 'rating' | 'count';

/** The unit of a notice column by its key. */
export function columnUnit(key: string): Unit {
  switch (key) {
    case 'resolved_in_village':
    case 'resolved_in_township':
    case 'coverage':
    case 'secretary_share':
      return 'share';
    case 'median_close_hours':
    case 'p90_close_hours':
      return 'hours';
    case 'rating_avg':
      return 'rating';
    default:
      return 'count';
  }
}

/** A value in its unit: 96.2%, 31.5, 4.6, 12; "—" for nothing to count. */
export function cellText(key: string, v: number | null): string {
  if (v == null) return '—';
  switch (columnUnit(key)) {
    case 'share': return `${(v * 100).toFixed(1)}%`;
    case 'hours':
    case 'rating': return v.toFixed(1);
    case 'count': return String(Math.round(v));
  }
}

/** Which way a column gets better: shares, closures, cards and ratings up; times and overdue
 *  cases down; cases reported neither (more reports may mean more trust as well as more trouble). */
export function betterWhen(key: string): 'higher' | 'lower' | null {
  switch (key) {
    case 'median_close_hours':
    case 'p90_close_hours':
    case 'overdue':
      return 'lower';
    case 'cases_reported':
      return null;
    default:
      return 'higher';
  }
}

/** Whether a move since last month is for the better, the worse, or neither. */
export function verdict(c: NoticeCell): 'better' | 'worse' | null {
  const move = trend(c);
  const good = betterWhen(c.key);
  if (!good || (move !== 'up' && move !== 'down')) return null;
  return (move === 'up') === (good === 'higher') ? 'better' : 'worse';
}

/** Up, down or the same as last month (null when either month has nothing). */
export function trend(c: NoticeCell): 'up' | 'down' | 'same' | null {
  if (c.value == null || c.previous == null) return null;
  if (Math.abs(c.value - c.previous) < 1e-9) return 'same';
  return c.value > c.previous ? 'up' : 'down';
}
