// The checks a highlight-point entry gets before it is recorded (the engine checks them again):
// an area picked, points a whole number from -20 to 20 but not 0, a reason of 1 to 200 characters.
export interface HighlightInput {
  area: string;
  points: number | null;
  reason: string;
}

/** The catalog key of the first thing wrong with the entry, or null. */
export function highlightProblem(h: HighlightInput): string | null {
  if (!h.area) return 'highlight.areaRequired';
  if (h.points == null || !Number.isInteger(h.points) || h.points === 0 || Math.abs(h.points) > 20) return 'highlight.badPoints';
  const length = [...h.reason.trim()].length;
  if (length < 1 || length > 200) return 'highlight.badReason';
  return null;
}
