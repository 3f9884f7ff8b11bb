import { get } from 'svelte/store';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { format, locale, lookup, t, toggleLocale, translator } from '../i18n';
import { errorText } from '../errors';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('network and store errors', () => {
  const causes = ['refused', 'connect_timeout', 'no_answer', 'answer_lost', 'certificate', 'name_lookup', 'unreachable'];
  it('have a message per cause and for upgrade_required and damaged_store in both languages', () => {
    for (const c of causes) {
      expect(lookup(zhCN, `net.${c}`), c).toBeTruthy();
      expect(lookup(en, `net.${c}`), c).toBeTruthy();
    }
    for (const k of ['error.upgrade_required', 'error.damaged_store']) expect(lookup(zhCN, k), k).toBeTruthy();
    expect(translator('zh-CN')('error.upgrade_required')).toContain('请更新网格通后再同步');
  });

  it('say the cause, the server and the retry in Chinese', () => {
    const net = { cause: 'refused' as const, server: 'http://10.0.0.2:8787', after_s: null, attempt: 1, of: 4, retrying: true, wait_s: 2, detail: 'x' };
    const text = errorText(translator('zh-CN'), { kind: 'offline', message: 'english', fields: [], net, unsynced: null, code: null, params: null });
    expect(text).toBe('服务器 http://10.0.0.2:8787 拒绝连接：服务没有运行，或地址、端口有误。2 秒后重试（第 2 次，共 4 次）');
    expect(errorText(translator('en'), { kind: 'upgrade_required', message: '', fields: [], net: null, unsynced: null, code: null, params: null })).toContain('update Gridwork');
  });
});

describe('message catalogs', () => {
  it('have the same keys in both languages, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const k of keys(zhCN)) expect(lookup(zhCN, k), k).not.toBe('');
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(format('{n} 天前', { n: 3 })).toBe('3 天前');
    expect(format('{a}-{b}', { a: 1 })).toBe('1-{b}');
  });

  it('look up keys whose names contain dots', () => {
    expect(translator('zh-CN')('field.fix.lat')).toBe('纬度');
    expect(translator('en')('field.fix.lat')).toBe('Latitude');
    expect(translator('en')('no.such.key')).toBe('no.such.key');
  });

  it('start in Chinese and switch to English and back', () => {
    expect(get(locale)).toBe('zh-CN');
    expect(get(t)('nav.outbox')).toBe('待同步');
    toggleLocale();
    expect(get(t)('nav.outbox')).toBe('Outbox');
    expect(localStorage.getItem('gridwork.locale')).toBe('en');
    toggleLocale();
    expect(get(t)('today.hello', { name: '王芳' })).toBe('王芳，您好');
  });
});

describe('coded refusals', () => {
  const refusal = (kind: string, code: string, params: Record<string, string>) =>
    ({ kind, message: 'English words', fields: [], net: null, unsynced: null, code, params });
  it('word every workflow and authority code in both languages, params translated', () => {
    const codes = ['stage', 'twice', 'already_dispatched', 'attempts_used', 'beyond_banner', 'refer_too_early', 'no_handler',
      'wrong_level', 'wrong_number', 'skip_level', 'bad_score', 'other_dispute', 'unconfirmed', 'nothing_to_settle'];
    for (const c of codes) for (const cat of [zhCN, en]) expect(lookup(cat, `workflow.${c}`), c).toBeTruthy();
    for (const c of ['outside_area', 'forbidden']) for (const cat of [zhCN, en]) expect(lookup(cat, `forbidden.${c}`), c).toBeTruthy();
    const zh = translator('zh-CN');
    expect(errorText(zh, refusal('workflow', 'attempts_used', { level: 'village', next: 'township' }))).toBe('村级的三次调解已用完，下一步转至乡镇级');
    expect(errorText(zh, refusal('workflow', 'attempts_used', { level: 'banner', next: 'court' }))).toBe('旗级的三次调解已用完，下一步转至法院');
    expect(errorText(zh, refusal('workflow', 'skip_level', { from: 'village', to: 'banner', next: 'township' }))).toBe('不能从村级直接上报至旗级，应先上报至乡镇级');
    expect(errorText(zh, refusal('forbidden', 'outside_area', {}))).toBe('这个案件不在您负责的区域内');
    // An unknown code falls back to the kind, still without the English message.
    expect(errorText(zh, refusal('workflow', 'new_code', {}))).toBe('这一步现在不能做，请刷新后再试');
  });
});
