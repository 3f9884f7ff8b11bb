// The one way the UI calls a command (used by the generated client, commands.gen.ts): a failed
// call rejects with a TaggedError, whatever the IPC threw.
import { invoke } from '@tauri-apps/api/core';
import type { TaggedError } from './bindings/TaggedError';
import type { CommandName } from './commands.gen';

/** Whatever a command rejected with, as a TaggedError. */
export function asTagged(e: unknown): TaggedError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const t = e as TaggedError;
    return {
      kind: t.kind,
      message: t.message,
      fields: t.fields ?? [],
      net: t.net ?? null,
      unsynced: t.unsynced ?? null,
      code: t.code ?? null,
      params: t.params ?? null,
    };
  }
  return { kind: 'internal', message: String(e), fields: [], net: null, unsynced: null, code: null, params: null };
}

/** Who hears of every refusal (the app lock listens for `locked` and `offline_locked`). */
const refusalListeners = new Set<(e: TaggedError) => void>();

/** Calls `f` with every command's refusal; returns a function that stops it. */
export function onRefusal(f: (e: TaggedError) => void): () => void {
  refusalListeners.add(f);
  return () => refusalListeners.delete(f);
}

export async function call<T>(cmd: CommandName, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    const tagged = asTagged(e);
    for (const f of refusalListeners) f(tagged);
    throw tagged;
  }
}
