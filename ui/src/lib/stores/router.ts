// Which screen is showing, with a back stack (the app has no URL bar to speak of). Routes and
// their typed parameters are declared in ../routes/params.ts; screens, titles and tabs in
// ../routes/table.ts.
import { get, writable } from 'svelte/store';
import type { Route, RouteName, RouteParams } from '../routes/params';

export type { Route, RouteName as Screen };

/** The arguments `go` takes for a route: the params, optional when every param is. */
export type ParamsArg<K extends RouteName> = Partial<RouteParams[K]> extends RouteParams[K] ? [params?: RouteParams[K]] : [params: RouteParams[K]];

const start: Route = { screen: 'today', params: {} };
export const route = writable<Route>(start);
const stack: Route[] = [];

function make<K extends RouteName>(screen: K, params: RouteParams[K] | undefined): Route {
  return { screen, params: params ?? {} } as Route;
}

/** Opens a screen; the current one goes on the back stack. */
export function go<K extends RouteName>(screen: K, ...[params]: ParamsArg<K>): void {
  stack.push(get(route));
  route.set(make(screen, params));
}

/** Opens a top-level tab: the back stack starts again. */
export function tab<K extends RouteName>(screen: K, ...[params]: ParamsArg<K>): void {
  stack.length = 0;
  route.set(make(screen, params));
}

export function back(): void {
  route.set(stack.pop() ?? start);
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
