// Turns the engine's validation errors ({field, code, message}) into inline messages in the
// user's language, keyed by the field path the form shows them under.
import type { ValidationError } from './bindings/ValidationError';
import type { Translate } from './i18n';

/** `parties[0].name` → `parties.name`: the catalog names a field once, whatever its index. */
export function fieldKey(field: string): string {
  return field.replace(/\[\d+\]/g, '');
}

export function fieldMessage(e: ValidationError, t: Translate): string {
  const labelKey = `field.${fieldKey(e.field)}`;
  const label = t(labelKey);
  const messageKey = `validation.${e.code}`;
  const message = t(messageKey, { field: label === labelKey ? e.field : label });
  return message === messageKey ? e.message : message;
}

/** One message per field path (the first, when the engine reports several for one field). */
export function errorsByField(fields: ValidationError[], t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f.field] ??= fieldMessage(f, t);
  return out;
}
