// Chart colours that stay apart for the common colour-blindnesses and on a grey print: the
// Okabe–Ito set first, then four of Paul Tol's; every bar also gets a dark outline.
export const PALETTE = {
  blue: '#0072B2',
  green: '#009E73',
  orange: '#E69F00',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  purple: '#CC79A7',
  yellow: '#F0E442',
  indigo: '#332288',
  wine: '#882255',
  teal: '#44AA99',
  olive: '#999933',
} as const;

/** Colours for a series of distinct things (e.g. dispute categories), in order; repeats past the end. */
export const SERIES_COLOURS: readonly string[] = Object.values(PALETTE);

/** The outline of every bar and the colour of target lines. */
export const OUTLINE = '#1b1b1b';
export const TARGET = '#b00020';
