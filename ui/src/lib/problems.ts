// What a refused change and a wrong phone clock mean, in the worker's language: catalog keys by
// reject code (reject.*, rejectTodo.*), and the clock offset in whole days, hours or minutes.
import type { Translate } from './i18n';

/** The catalog section names a refusal is worded from; unknown codes fall back to `unknown`. */
export function rejectionWords(t: Translate, code: string | null | undefined): { why: string; todo: string } {
  const key = (section: string) => {
    const k = `${section}.${code ?? ''}`;
    const text = t(k);
    return text === k ? t(`${section}.unknown`) : text;
  };
  return { why: key('reject'), todo: key('rejectTodo') };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far off the clock is, rounded in the largest unit it reaches (as the CLI says it). */
export function clockAmount(offsetMs: number): { n: number; unit: 'day' | 'hour' | 'minute' } {
  const abs = Math.abs(offsetMs);
  if (abs >= DAY - HOUR / 2) return { n: Math.round(abs / DAY), unit: 'day' };
  if (abs >= HOUR - MINUTE / 2) return { n: Math.round(abs / HOUR), unit: 'hour' };
  return { n: Math.round(abs / MINUTE), unit: 'minute' };
}

/** The warning for an offset (server clock minus phone clock; negative: the phone is fast). */
export function clockWarning(t: Translate, offsetMs: number): string {
  const { n, unit } = clockAmount(offsetMs);
  const amount = t(`clock.${unit}${n === 1 ? '' : 's'}`, { n });
  return t(offsetMs < 0 ? 'clock.fast' : 'clock.slow', { amount });
}
