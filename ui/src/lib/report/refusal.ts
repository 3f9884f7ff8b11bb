// A refused report request in the office's language: a bad period or month by its field and code
// (`validation.<code>`, e.g. a custom period over two years), any other error as errorText has it.
import type { TaggedError } from '../bindings/TaggedError';
import { errorText } from '../errors';
import type { Translate } from '../i18n';
import { fieldMessage } from '../validation';

export function refusalText(t: Translate, e: TaggedError): string {
  if (e.kind === 'validation' && e.fields.length > 0) return e.fields.map((f) => fieldMessage(f, t)).join('；');
  return errorText(t, e);
}
