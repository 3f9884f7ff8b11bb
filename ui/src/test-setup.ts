// Vitest set-up: DOM matchers for every test.
import '@testing-library/jest-dom/vitest';

// jsdom has no ResizeObserver (the map reads its width with bind:clientWidth): one that never fires.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;
