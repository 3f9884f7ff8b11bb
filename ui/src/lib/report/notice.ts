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

/** Up, down or the same as last month (null when either month has nothing). */
export function trend(c: NoticeCell): 'up' | 'down' | 'same' | null {
  if (c.value == null || c.previous == null) return null;
  if (Math.abs(c.value - c.previous) < 1e-9) return 'same';
  return c.value > c.previous ? 'up' : 'down';
}
