// Whether the window is a desk's (≥ 1280 px wide): the township office's window then lays out with
// a side navigation; below it, the phone's bottom tabs. Follows the window as it is resized.
import { readable } from 'svelte/store';

/** The width from which the office's desktop layout is used. */
export const DESK_MIN_WIDTH = 1280;
const QUERY = `(min-width: ${DESK_MIN_WIDTH}px)`;

/** True while the window is at least DESK_MIN_WIDTH wide (false where matchMedia is missing). */
export const wide = readable(false, (set) => {
  const mq = globalThis.matchMedia?.(QUERY);
  if (!mq) return;
  set(mq.matches);
  const on = (e: MediaQueryListEvent) => set(e.matches);
  mq.addEventListener('change', on);
  return () => mq.removeEventListener('change', on);
});
