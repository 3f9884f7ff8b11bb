// Which screen is showing, with a back stack (the app has no URL bar to speak of).
import { get, writable } from 'svelte/store';

export type Screen =
  | 'today'
  | 'households'
  | 'household'
  | 'visit'
  | 'dispute'
  | 'card'
  | 'map'
  | 'outbox'
  | 'conflicts';

export interface Route {
  screen: Screen;
  /** e.g. { id: household id } or { grid: micro-grid code } */
  params: Record<string, string>;
}

export const route = writable<Route>({ screen: 'today', params: {} });
const stack: Route[] = [];

/** Opens a screen; the current one goes on the back stack. */
export function go(screen: Screen, params: Record<string, string> = {}): void {
  stack.push(get(route));
  route.set({ screen, params });
}

/** Opens a top-level tab: the back stack starts again. */
export function tab(screen: Screen): void {
  stack.length = 0;
  route.set({ screen, params: {} });
}

export function back(): void {
  route.set(stack.pop() ?? { screen: 'today', params: {} });
}

export function canGoBack(): boolean {
  return stack.length > 0;
}

/** A one-line message shown on the next screen (e.g. "visit saved"), cleared by the next move. */
export const flash = writable<{ text: string; tone: 'success' | 'notice' } | null>(null);
let pendingFlash: { text: string; tone: 'success' | 'notice' } | null = null;
route.subscribe(() => {
  if (pendingFlash) {
    flash.set(pendingFlash);
    pendingFlash = null;
  } else flash.set(null);
});

/** Goes back and shows `text` on the screen that appears. */
export function backWith(text: string, tone: 'success' | 'notice' = 'success'): void {
  pendingFlash = { text, tone };
  back();
}
