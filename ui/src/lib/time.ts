// Dates as a worker reads them: days since a visit, local date and time.
import type { Locale } from './i18n';

const DAY_MS = 86_400_000;

/** Whole days between `ms` and `now` (0 today), or null for never. */
export function daysSince(ms: number | null | undefined, now = Date.now()): number | null {
  if (ms == null) return null;
  return Math.max(0, Math.floor((now - ms) / DAY_MS));
}

export function formatDateTime(ms: number | string, l: Locale): string {
  const d = new Date(ms);
  return d.toLocaleString(l, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(ms: number | string, l: Locale): string {
  return new Date(ms).toLocaleDateString(l, { year: 'numeric', month: 'numeric', day: 'numeric' });
}

/** Colour bands of households on the map and in lists, in legend order. */
export const BANDS = ['recent', 'month', 'overdue', 'never'] as const;
export type Band = (typeof BANDS)[number];

/** Colour band by days since the last visit: recent (≤7 d), month (≤30 d), overdue (>30 d), never visited. */
export function visitBand(days: number | null): Band {
  if (days == null) return 'never';
  if (days > 30) return 'overdue';
  return days <= 7 ? 'recent' : 'month';
}
