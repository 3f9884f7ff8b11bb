import { figureKey, figureLabel, hoursText, percentText } from '../report/figures';
import { highlightProblem } from '../report/highlight';
import { betterWhen, cellText, columnUnit, trend, verdict } from '../report/notice';
import { translator } from '../i18n';

describe('figures in words', () => {
  it('key every kind of figure apart and name it in both languages', () => {
    const zh = translator('zh-CN');
    expect(figureKey({ figure: 'handler', handler: null })).toBe('handler-none');
    expect(figureKey({ figure: 'category', month: '2026-11', category: 'land' })).toBe('category-2026-11-land');
    expect(figureLabel(zh, { figure: 'closed_at', level: 'village' })).toBe('在村级结案（村内化解）');
    expect(figureLabel(zh, { figure: 'closed_at', level: 'township' })).toBe('在村级或乡镇级结案（乡镇内化解）');
    expect(figureLabel(zh, { figure: 'overdue', step: 'verify' })).toBe('超期：核实');
    expect(figureLabel(zh, { figure: 'not_visited', area: '150621001001' }, '锦园社区')).toBe('周期内未走访：锦园社区');
    expect(figureLabel(zh, { figure: 'category', month: '2026-11', category: 'land' })).toBe('2026年11月 · 土地草牧场');
    expect(figureLabel(translator('en'), { figure: 'handler', handler: 'committee' })).toBe('Village closures · Committee member');
  });

  it('show shares and hours, with a dash for nothing', () => {
    expect(percentText(24, 25)).toBe('96.0%');
    expect(percentText(0, 0)).toBe('—');
    expect(hoursText(30.25)).toBe('30.3');
    expect(hoursText(null)).toBe('—');
  });
});

describe('notice cells', () => {
  it('read each column in its unit', () => {
    expect(columnUnit('secretary_share')).toBe('share');
    expect(cellText('resolved_in_village', 0.9612)).toBe('96.1%');
    expect(cellText('p90_close_hours', 120)).toBe('120.0');
    expect(cellText('rating_avg', 4.56)).toBe('4.6');
    expect(cellText('cases_reported', 48)).toBe('48');
    expect(cellText('closed', null)).toBe('—');
  });

  it('tell how a figure moved since last month', () => {
    expect(trend({ key: 'closed', value: 5, previous: 3 })).toBe('up');
    expect(trend({ key: 'closed', value: 2, previous: 3 })).toBe('down');
    expect(trend({ key: 'closed', value: 3, previous: 3 })).toBe('same');
    expect(trend({ key: 'closed', value: 3, previous: null })).toBeNull();
  });

  it('judge a move by the column: fewer overdue cases and shorter times are better, reports neither', () => {
    expect(betterWhen('p90_close_hours')).toBe('lower');
    expect(verdict({ key: 'resolved_in_village', value: 0.9, previous: 0.8 })).toBe('better');
    expect(verdict({ key: 'overdue', value: 4, previous: 2 })).toBe('worse');
    expect(verdict({ key: 'median_close_hours', value: 20, previous: 30 })).toBe('better');
    expect(verdict({ key: 'cases_reported', value: 20, previous: 30 })).toBeNull();
    expect(verdict({ key: 'closed', value: 3, previous: 3 })).toBeNull();
  });
});

describe('highlight points', () => {
  const ok = { area: '150621001001', points: 5, reason: '经验推广' };
  it('need an area, whole points from -20 to 20 but not 0, and a reason of 1 to 200 characters', () => {
    expect(highlightProblem(ok)).toBeNull();
    expect(highlightProblem({ ...ok, points: -20 })).toBeNull();
    expect(highlightProblem({ ...ok, area: '' })).toBe('highlight.areaRequired');
    for (const points of [0, 21, -21, 2.5, null]) expect(highlightProblem({ ...ok, points }), String(points)).toBe('highlight.badPoints');
    expect(highlightProblem({ ...ok, reason: '  ' })).toBe('highlight.badReason');
    expect(highlightProblem({ ...ok, reason: '好'.repeat(200) })).toBeNull();
    expect(highlightProblem({ ...ok, reason: '好'.repeat(201) })).toBe('highlight.badReason');
  });
});
