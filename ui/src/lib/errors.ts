// An engine error in the worker's language: a network failure by its cause (with the server and
// whether it is tried again), any other by its kind.
import type { TaggedError } from './bindings/TaggedError';
import type { Translate } from './i18n';

export function errorText(t: Translate, e: TaggedError): string {
  if (e.kind === 'offline' && e.net) {
    const n = e.net;
    const cause = t(`net.${n.cause}`, { server: n.server, after: n.after_s ?? '' });
    const next = n.retrying
      ? t('net.retrying', { wait: n.wait_s ?? 0, next: n.attempt + 1, of: n.of })
      : t('net.gaveUp');
    return `${cause}${t('net.sep')}${next}`;
  }
  return t(`error.${e.kind}`, { message: e.message });
}
