// The UI's language: a locale store (zh-CN first, English switchable, remembered on the device)
// and `t`, a store of the translate function for the current locale.
import { derived, writable } from 'svelte/store';
import { zhCN, type Catalog } from './zh-CN';
import { en } from './en';

export type Locale = 'zh-CN' | 'en';
export type Params = Record<string, string | number>;

const catalogs: Record<Locale, Catalog> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'gridwork.locale';

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // No storage (tests, private mode): fall back to Chinese.
  }
  return 'zh-CN';
}

export const locale = writable<Locale>(initialLocale());
locale.subscribe((l) => {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, l);
  } catch {
    // Not remembered; the app still works.
  }
  if (globalThis.document) document.documentElement.lang = l;
});

/** Looks `key` ("section.name", where name may itself contain dots) up in `catalog`. */
export function lookup(catalog: Catalog, key: string): string | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const section = (catalog as unknown as Record<string, Record<string, string>>)[key.slice(0, dot)];
  return section?.[key.slice(dot + 1)];
}

/** Replaces `{name}` placeholders with `params`. */
export function format(text: string, params: Params = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type Translate = (key: string, params?: Params) => string;

export function translator(l: Locale): Translate {
  return (key, params) => format(lookup(catalogs[l], key) ?? lookup(catalogs['zh-CN'], key) ?? key, params);
}

export const t = derived(locale, translator);

export function toggleLocale(): void {
  locale.update((l) => (l === 'zh-CN' ? 'en' : 'zh-CN'));
}
