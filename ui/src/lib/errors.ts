// An engine error in the worker's language: a network failure by its cause (with the server and
// whether it is tried again), a workflow or authority refusal by its code (`workflow.<code>`,
// `forbidden.<code>`, with its params translated where they name an action, stage, level or
// role), any other by its kind. An English message never reaches a zh-CN screen for a coded refusal.
import type { TaggedError } from './bindings/TaggedError';
import type { Params, Translate } from './i18n';

/** Which catalog section translates a param's value (wire names such as `verified`, `village`). */
const PARAM_SECTIONS: Record<string, string[]> = {
  action: ['action'],
  stage: ['stage'],
  level: ['level'],
  case_level: ['level'],
  // After the banner's third attempt the next step is a referral, not a level.
  next: ['level', 'referral'],
  from: ['level'],
  to: ['level'],
  role: ['role'],
};

/** The params with wire names replaced by their words; values without a catalog entry stay. */
export function translatedParams(t: Translate, params: TaggedError['params']): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params ?? {}) as [string, string][]) {
    const words = (PARAM_SECTIONS[name] ?? []).map((s) => [`${s}.${value}`, t(`${s}.${value}`)]).find(([k, w]) => w !== k);
    out[name] = words ? words[1] : value;
  }
  return out;
}

/** The coded refusal's sentence, or null when it has no code or the catalog lacks it. */
export function codedText(t: Translate, e: TaggedError): string | null {
  if (!e.code || (e.kind !== 'workflow' && e.kind !== 'forbidden')) return null;
  const key = `${e.kind}.${e.code}`;
  const text = t(key, translatedParams(t, e.params));
  return text === key ? null : text;
}

export function errorText(t: Translate, e: TaggedError): string {
  if (e.kind === 'offline' && e.net) {
    const n = e.net;
    const cause = t(`net.${n.cause}`, { server: n.server, after: n.after_s ?? '' });
    const next = n.retrying
      ? t('net.retrying', { wait: n.wait_s ?? 0, next: n.attempt + 1, of: n.of })
      : t('net.gaveUp');
    return `${cause}${t('net.sep')}${next}`;
  }
  return codedText(t, e) ?? t(`error.${e.kind}`, { ...translatedParams(t, e.params), message: e.message });
}
