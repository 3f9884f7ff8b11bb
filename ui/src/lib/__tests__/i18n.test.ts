import { get } from 'svelte/store';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { format, locale, lookup, t, toggleLocale, translator } from '../i18n';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

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
