// Report periods as the office picks them: months ("2026-11") and quarters ("2026Q4") in China
// time (UTC+8, as the engine counts them), the choices a picker offers, the words for a period,
// and the checks a custom period gets before it is asked for.
import type { PeriodSpec } from '../bindings/PeriodSpec';
import type { Translate } from '../i18n';

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The China-time calendar date of an instant: [year, month 1–12, day]. */
function chinaDate(ms: number): [number, number, number] {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The month ("2026-11") an instant falls in, China time. */
export function monthOf(ms: number): string {
  const [y, m] = chinaDate(ms);
  return `${y}-${pad(m)}`;
}

/** The quarter ("2026Q4") an instant falls in, China time. */
export function quarterOf(ms: number): string {
  const [y, m] = chinaDate(ms);
  return `${y}Q${Math.ceil(m / 3)}`;
}

/** The date ("2026-11-03") of an instant, China time. */
export function dateOf(ms: number): string {
  const [y, m, d] = chinaDate(ms);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** The month `n` months after `month` (before, when negative). */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

/** The quarter `n` quarters after `quarter` (before, when negative). */
export function shiftQuarter(quarter: string, n: number): string {
  const [y, q] = quarter.split('Q').map(Number);
  const i = y * 4 + (q - 1) + n;
  return `${Math.floor(i / 4)}Q${(i % 4) + 1}`;
}

/** The `count` months up to the one holding `now`, newest first. */
export function recentMonths(now: number, count: number): string[] {
  const current = monthOf(now);
  return Array.from({ length: count }, (_, i) => shiftMonth(current, -i));
}

/** The `count` quarters up to the one holding `now`, newest first. */
export function recentQuarters(now: number, count: number): string[] {
  const current = quarterOf(now);
  return Array.from({ length: count }, (_, i) => shiftQuarter(current, -i));
}

/** A month in words: 2026年11月 / 2026-11. */
export function monthLabel(t: Translate, month: string): string {
  const [y, m] = month.split('-');
  return t('period.monthLabel', { y, m: String(Number(m)) });
}

/** A quarter in words: 2026年第4季度 / 2026 Q4. */
export function quarterLabel(t: Translate, quarter: string): string {
  const [y, q] = quarter.split('Q');
  return t('period.quarterLabel', { y, q });
}

/** A period in words. */
export function periodLabel(t: Translate, p: PeriodSpec): string {
  switch (p.kind) {
    case 'month': return monthLabel(t, p.month);
    case 'quarter': return quarterLabel(t, p.quarter);
    case 'custom': return t('period.customLabel', { from: p.from, to: p.to });
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The catalog key of what is wrong with a custom period, or null when it may be asked for (the
 *  engine checks the rest, e.g. its length). */
export function customProblem(from: string, to: string): string | null {
  if (!DATE.test(from) || !DATE.test(to)) return 'period.missing';
  return to < from ? 'period.reversed' : null;
}

/** A stable text key of a period (e.g. to tell whether two picks are the same). */
export function periodKey(p: PeriodSpec): string {
  return p.kind === 'month' ? p.month : p.kind === 'quarter' ? p.quarter : `${p.from}..${p.to}`;
}
