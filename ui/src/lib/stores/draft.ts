// Drafts of half-filled forms, kept in the engine's store as the worker types, so a form
// survives the app being closed or killed — or locked. Saving is debounced; `clear` forgets the
// draft; `flushDrafts` saves every draft still waiting (the app lock calls it before locking).
import { api } from '../api';

/** Drafts with input typed but not yet saved. */
const waitingDrafts = new Set<Draft<object>>();

/** Saves at once every draft that waits for its pause (before the app locks). */
export async function flushDrafts(): Promise<void> {
  await Promise.all([...waitingDrafts].map((d) => d.flush().catch(() => undefined)));
}

export interface Draft<T> {
  /** The saved draft merged over `initial`, or null when there was none. */
  load(): Promise<T | null>;
  /** Saves `value` after a short pause (the latest value wins). */
  save(value: T): void;
  /** Saves anything still waiting at once. */
  flush(): Promise<void>;
  clear(): Promise<void>;
}

export function draft<T extends object>(form: string, initial: T, delayMs = 300): Draft<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waiting: T | null = null;
  const write = async () => {
    timer = null;
    waitingDrafts.delete(self);
    if (waiting === null) return;
    const body = JSON.stringify(waiting);
    waiting = null;
    await api.saveDraft(form, body);
  };
  const self: Draft<T> = {
    async load() {
      const body = await api.loadDraft(form);
      if (!body) return null;
      try {
        return { ...initial, ...(JSON.parse(body) as Partial<T>) };
      } catch {
        return null;
      }
    },
    save(value) {
      waiting = value;
      waitingDrafts.add(self);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void write(), delayMs);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      await write();
    },
    async clear() {
      if (timer) clearTimeout(timer);
      timer = null;
      waiting = null;
      waitingDrafts.delete(self);
      await api.deleteDraft(form);
    },
  };
  return self;
}
