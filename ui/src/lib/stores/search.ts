// Instant household search: every keystroke queries the engine; an answer that arrives after a
// newer query was sent is dropped, so the list always matches the text in the box.
import { writable, type Readable } from 'svelte/store';
import type { HouseholdRow } from '../bindings/HouseholdRow';

export type Query = (area: string | null, text: string) => Promise<HouseholdRow[]>;

export interface HouseholdSearch extends Readable<{ rows: HouseholdRow[]; busy: boolean; ms: number }> {
  run(area: string | null, text: string): Promise<void>;
}

export function householdSearch(query: Query): HouseholdSearch {
  const state = writable({ rows: [] as HouseholdRow[], busy: false, ms: 0 });
  let latest = 0;
  return {
    subscribe: state.subscribe,
    async run(area, text) {
      const mine = ++latest;
      state.update((s) => ({ ...s, busy: true }));
      const started = performance.now();
      const rows = await query(area, text.trim().toLowerCase());
      if (mine === latest) state.set({ rows, busy: false, ms: performance.now() - started });
    },
  };
}
