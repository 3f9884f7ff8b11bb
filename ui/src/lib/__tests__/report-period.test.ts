import { translator } from '../i18n';
import { customProblem, dateOf, monthOf, periodKey, periodLabel, quarterOf, recentMonths, recentQuarters, shiftMonth, shiftQuarter } from '../report/period';

describe('report periods', () => {
  it('count months, quarters and dates in China time (UTC+8)', () => {
    // 2026-12-31 17:00 UTC is already 2027-01-01 01:00 in China.
    const late = Date.UTC(2026, 11, 31, 17, 0);
    expect(monthOf(late)).toBe('2027-01');
    expect(quarterOf(late)).toBe('2027Q1');
    expect(dateOf(late)).toBe('2027-01-01');
    const early = Date.UTC(2026, 11, 31, 15, 59);
    expect([monthOf(early), quarterOf(early), dateOf(early)]).toEqual(['2026-12', '2026Q4', '2026-12-31']);
  });

  it('step months and quarters across years, both ways', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-11', 2)).toBe('2027-01');
    expect(shiftQuarter('2026Q1', -1)).toBe('2025Q4');
    expect(shiftQuarter('2026Q4', 1)).toBe('2027Q1');
    const now = Date.UTC(2026, 1, 10);
    expect(recentMonths(now, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(recentQuarters(now, 2)).toEqual(['2026Q1', '2025Q4']);
  });

  it('word a period in Chinese and in English', () => {
    const zh = translator('zh-CN');
    const en = translator('en');
    expect(periodLabel(zh, { kind: 'month', month: '2026-03' })).toBe('2026年3月');
    expect(periodLabel(zh, { kind: 'quarter', quarter: '2026Q4' })).toBe('2026年第4季度');
    expect(periodLabel(zh, { kind: 'custom', from: '2026-11-03', to: '2026-11-20' })).toBe('2026-11-03 至 2026-11-20');
    expect(periodLabel(en, { kind: 'quarter', quarter: '2026Q4' })).toBe('2026 Q4');
    expect(periodKey({ kind: 'custom', from: '2026-11-03', to: '2026-11-20' })).toBe('2026-11-03..2026-11-20');
  });

  it('check a custom period before asking for it', () => {
    expect(customProblem('', '2026-11-20')).toBe('period.missing');
    expect(customProblem('2026-11-21', '2026-11-20')).toBe('period.reversed');
    expect(customProblem('2026-11-20', '2026-11-20')).toBeNull();
  });
});
