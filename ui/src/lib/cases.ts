// What the queue and the case screen say about a case: a step's deadline ("剩 5 小时" / "超期 2 天"),
// its age, the level and attempt ("村级 第2/3次"), the next level up, and one line per timeline event.
import type { DisputeAction } from './bindings/DisputeAction';
import type { MediationLevel } from './bindings/MediationLevel';
import type { Translate } from './i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Attempts allowed at each level of the three threes (三次劝调 / 三次联调 / 三次终调). */
export const ATTEMPTS_PER_LEVEL = 3;

/** A span in the largest whole unit it reaches (never less than one minute), in words. */
export function span(t: Translate, ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) {
    const n = Math.floor(abs / DAY);
    return t(n === 1 ? 'clock.day' : 'clock.days', { n });
  }
  if (abs >= HOUR) {
    const n = Math.floor(abs / HOUR);
    return t(n === 1 ? 'clock.hour' : 'clock.hours', { n });
  }
  const n = Math.max(1, Math.floor(abs / MINUTE));
  return t(n === 1 ? 'clock.minute' : 'clock.minutes', { n });
}

/** The step's deadline as time left or time overdue; null when the stage waits on none. */
export function dueText(t: Translate, dueMs: number | null, now: number): { text: string; overdue: boolean } | null {
  if (dueMs == null) return null;
  const overdue = dueMs < now;
  return { text: t(overdue ? 'queue.over' : 'queue.left', { amount: span(t, dueMs - now) }), overdue };
}

/** How long ago something happened ("3 天前"). */
export function ageText(t: Translate, ms: number, now: number): string {
  return t('queue.ago', { amount: span(t, now - ms) });
}

export function nextLevel(level: MediationLevel): MediationLevel | null {
  return level === 'village' ? 'township' : level === 'township' ? 'banner' : null;
}

/** "村级 第2/3次". */
export function attemptText(t: Translate, level: MediationLevel, n: number): string {
  return t('queue.attempt', { level: t(`level.${level}`), n, of: ATTEMPTS_PER_LEVEL });
}

/** What an event did beyond its name: the handler, the level, the outcome, the reason … */
export function eventDetails(t: Translate, a: DisputeAction, nameOf: (key: string) => string): string[] {
  switch (a.type) {
    case 'rejected':
    case 'reopened':
      return [t('case.reason', { text: a.reason })];
    case 'dispatched':
      return [t('case.to', { name: nameOf(a.to) })];
    case 'mediation_attempt': {
      const out = [t('case.attempt', { level: t(`level.${a.level}`), n: a.number, outcome: t(`outcome.${a.outcome}`) })];
      if (a.mediator) out.push(t('case.mediator', { name: nameOf(a.mediator) }));
      if (a.agreement) out.push(t('case.agreement', { text: a.agreement }));
      return out;
    }
    case 'escalated':
      return [t('case.escalatedTo', { level: t(`level.${a.to}`) })];
    case 'referred':
      return [t('case.referredTo', { to: t(`referral.${a.to}`) })];
    case 'closed':
      return a.household_confirmed ? [t('case.confirmed')] : [];
    case 'rated':
      return [t('case.stars', { n: a.score })];
    default:
      return [];
  }
}

/** The flash after a step: what was done, in words. */
export function doneText(t: Translate, a: DisputeAction, nameOf: (key: string) => string): string {
  switch (a.type) {
    case 'dispatched':
      return t('done.dispatched', { to: nameOf(a.to) });
    case 'mediation_attempt':
      return t('done.mediation_attempt', { level: t(`level.${a.level}`), n: a.number });
    case 'escalated':
      return t('done.escalated', { level: t(`level.${a.to}`) });
    case 'referred':
      return t('done.referred', { to: t(`referral.${a.to}`) });
    default:
      return t(`done.${a.type}`);
  }
}
