// What a dashboard number counts (a Figure) in words and as a stable key: the key names the
// number's button (data-testid) and tells figures apart; the words head the list behind it.
import type { Figure } from '../bindings/Figure';
import type { Translate } from '../i18n';
import { monthLabel } from './period';

/** A stable key: `stage-open`, `closed_at-village`, `handler-none`, `visited-150621001001`, … */
export function figureKey(f: Figure): string {
  switch (f.figure) {
    case 'stage': return `stage-${f.stage}`;
    case 'level': return `level-${f.level}`;
    case 'closed_at': return `closed_at-${f.level}`;
    case 'closed': return 'closed';
    case 'overdue': return `overdue-${f.step}`;
    case 'visited': return `visited-${f.area}`;
    case 'not_visited': return `not_visited-${f.area}`;
    case 'cards': return 'cards';
    case 'category': return `category-${f.month}-${f.category}`;
    case 'handler': return `handler-${f.handler ?? 'none'}`;
  }
}

/** The words for what a figure counts; `areaName` names the area of a coverage figure. */
export function figureLabel(t: Translate, f: Figure, areaName?: string): string {
  switch (f.figure) {
    case 'stage': return t('figures.stage', { stage: t(`stage.${f.stage}`) });
    case 'level': return t('figures.level', { level: t(`level.${f.level}`) });
    // Closed at a level counts the closures at it or below (resolved inside the township = village + township).
    case 'closed_at': return t(`figures.closed_at_${f.level}`);
    case 'closed': return t('figures.closed');
    case 'overdue': return t('figures.overdueStep', { step: t(`reportStep.${f.step}`) });
    case 'visited': return t('figures.visited', { area: areaName ?? f.area });
    case 'not_visited': return t('figures.not_visited', { area: areaName ?? f.area });
    case 'cards': return t('figures.cards');
    case 'category': return t('figures.category', { month: monthLabel(t, f.month), category: t(`category.${f.category}`) });
    case 'handler': return t('figures.handler', { handler: t(`villageHandler.${f.handler ?? 'none'}`) });
  }
}

/** A share in words: "96.2%", or "—" when there is nothing to share. */
export function percentText(count: number, of: number): string {
  return of > 0 ? `${((count * 100) / of).toFixed(1)}%` : '—';
}

/** Hours to one decimal, or "—". */
export function hoursText(h: number | null | undefined): string {
  return h == null ? '—' : h.toFixed(1);
}
