// Drafts of half-filled forms, kept in the engine's store as the worker types, so a form
// survives the app being closed or killed. Saving is debounced; `clear` forgets the draft.
import { api } from '../api';

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
    if (waiting === null) return;
    const body = JSON.stringify(waiting);
    waiting = null;
    await api.saveDraft(form, body);
  };
  return {
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
      await api.deleteDraft(form);
    },
  };
}
