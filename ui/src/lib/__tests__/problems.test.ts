import { translator } from '../i18n';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { clockAmount, clockWarning, rejectionWords } from '../problems';
import codes from '../codes.json';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('refusals and engine errors in both languages', () => {
  it('every server reject code has a reason and a what-to-do in both catalogs', () => {
    expect(codes.reject.length).toBeGreaterThan(5);
    for (const c of [zhCN, en]) {
      for (const code of codes.reject) {
        expect((c.reject as Record<string, string>)[code], code).toBeTruthy();
        expect((c.rejectTodo as Record<string, string>)[code], code).toBeTruthy();
      }
    }
  });

  it('every engine error tag has both catalog entries', () => {
    expect(codes.error.length).toBeGreaterThan(5);
    for (const c of [zhCN, en]) {
      for (const tag of codes.error) expect((c.error as Record<string, string>)[tag], tag).toBeTruthy();
    }
  });

  it('every workflow and authority refusal code, and every action a refusal names, has both entries', () => {
    expect(codes.workflow.length).toBeGreaterThan(10);
    for (const c of [zhCN, en] as unknown as Record<string, Record<string, string>>[]) {
      for (const code of codes.workflow) expect(c.workflow?.[code], `workflow.${code}`).toBeTruthy();
      for (const code of codes.forbidden) expect(c.forbidden?.[code], `forbidden.${code}`).toBeTruthy();
      for (const action of codes.action) expect(c.action?.[action], `action.${action}`).toBeTruthy();
    }
  });

  it('the codes the handset mends itself say so', () => {
    for (const code of codes.mended) {
      expect(rejectionWords(translator('zh-CN'), code).todo).toContain('自动修正');
      expect(rejectionWords(translator('en'), code).todo).toContain('fixes this itself');
    }
  });

  it('an unknown code still says something in the language', () => {
    expect(rejectionWords(translator('zh-CN'), 'no_such_code')).toEqual({ why: '服务器拒绝了这条记录', todo: '请联系网格办' });
    expect(rejectionWords(translator('zh-CN'), 'validation').why).toBe('内容不符合要求');
  });
});

describe('the clock warning', () => {
  const zh = translator('zh-CN');
  const enT = translator('en');
  it('says how far off and which way, in plain words', () => {
    expect(clockWarning(zh, -3 * DAY)).toBe(
      '手机时间比北京时间快 3 天。请在手机设置中打开自动时间；网格通已按服务器时间记录，工作不会丢失。',
    );
    expect(clockWarning(zh, 3 * DAY - 900)).toMatch(/^手机时间比北京时间慢 3 天。/);
    expect(clockWarning(zh, -5 * HOUR)).toMatch(/^手机时间比北京时间快 5 小时。/);
    expect(clockWarning(zh, 7 * MINUTE + 20_000)).toMatch(/^手机时间比北京时间慢 7 分钟。/);
    expect(clockWarning(enT, -3 * DAY)).toMatch(/^The phone's clock is 3 days fast compared with Beijing time\./);
    expect(clockWarning(enT, HOUR)).toMatch(/^The phone's clock is 1 hour slow/);
    expect(clockWarning(enT, -6 * MINUTE)).toMatch(/^The phone's clock is 6 minutes fast/);
  });
  it('rounds in the largest unit reached', () => {
    expect(clockAmount(-365 * DAY)).toEqual({ n: 365, unit: 'day' });
    expect(clockAmount(59 * MINUTE + 45_000)).toEqual({ n: 1, unit: 'hour' });
  });
});
