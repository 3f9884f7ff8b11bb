// Placing household names on the offline map so that no two overlap and none covers a dot: a
// greedy pass tries eight places around each dot and keeps the first free one; a name with no
// free place is left off, and tapping where dots crowd lists the households there instead.

/** Smallest tap target, in CSS pixels (the map is drawn one SVG unit per pixel). */
export const TAP = 44;

export interface Box { x: number; y: number; w: number; h: number }

export interface Dot { id: string; x: number; y: number; text: string }

/** Where a name goes: its box, and the text's start and baseline. */
export interface Label { box: Box; tx: number; ty: number }

export interface LabelStyle { size: number; dotR: number; gap: number; pad: number }
export const LABEL: LabelStyle = { size: 13, dotR: 8, gap: 3, pad: 1 };

/** True when two boxes share some area (touching edges do not count). */
export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Width of a text at `size` px: CJK and full-width characters a full em, the rest 0.6 em. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const c of text) w += /[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u.test(c) ? size : size * 0.6;
  return w;
}

/** The eight places around a dot, most readable first: right, left, above, below, then corners. */
function candidates(d: Dot, w: number, h: number, s: LabelStyle): Box[] {
  const o = s.dotR + s.gap;
  const mid = d.y - h / 2;
  return [
    { x: d.x + o, y: mid, w, h },
    { x: d.x - o - w, y: mid, w, h },
    { x: d.x - w / 2, y: d.y - o - h, w, h },
    { x: d.x - w / 2, y: d.y + o, w, h },
    { x: d.x + o * 0.7, y: d.y - o * 0.7 - h, w, h },
    { x: d.x + o * 0.7, y: d.y + o * 0.7, w, h },
    { x: d.x - o * 0.7 - w, y: d.y - o * 0.7 - h, w, h },
    { x: d.x - o * 0.7 - w, y: d.y + o * 0.7, w, h },
  ];
}

/**
 * A label for each dot that has room, inside `bounds`, overlapping no other label and no dot;
 * `null` for a dot whose name would have to overlap something. Dots are taken top to bottom,
 * left to right, so the same dots always get the same labels.
 */
export function placeLabels(dots: Dot[], bounds: { width: number; height: number }, s: LabelStyle = LABEL): Map<string, Label | null> {
  const dotBoxes = dots.map((d) => ({ x: d.x - s.dotR, y: d.y - s.dotR, w: 2 * s.dotR, h: 2 * s.dotR }));
  const placed: Box[] = [];
  const out = new Map<string, Label | null>();
  const order = [...dots].sort((a, b) => a.y - b.y || a.x - b.x || a.id.localeCompare(b.id));
  for (const d of order) {
    const w = textWidth(d.text, s.size) + 2 * s.pad;
    const h = s.size + 2 * s.pad + 2;
    const box = candidates(d, w, h, s).find(
      (b) =>
        b.x >= 0 && b.y >= 0 && b.x + b.w <= bounds.width && b.y + b.h <= bounds.height &&
        !placed.some((p) => intersects(p, b)) && !dotBoxes.some((p) => intersects(p, b)),
    );
    if (box) {
      placed.push(box);
      out.set(d.id, { box, tx: box.x + s.pad, ty: box.y + s.pad + s.size * 0.88 });
    } else out.set(d.id, null);
  }
  return out;
}

/** The dots whose tap targets overlap `id`'s (it among them), nearest first: one tap there is ambiguous. */
export function crowd(dots: Dot[], id: string, reach = TAP): Dot[] {
  const me = dots.find((d) => d.id === id);
  if (!me) return [];
  return dots
    .map((d) => ({ d, r: Math.hypot(d.x - me.x, d.y - me.y) }))
    .filter(({ r }) => r < reach)
    .sort((a, b) => a.r - b.r)
    .map(({ d }) => d);
}
