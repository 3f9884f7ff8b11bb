// Vitest set-up: DOM matchers for every test.
import '@testing-library/jest-dom/vitest';

// jsdom has no ResizeObserver (the map reads its width with bind:clientWidth): one that never fires.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

// jsdom has no canvas: every canvas answers that it cannot draw (as a webview without one would),
// so the charts show their tables only; a test that wants a drawing stubs getContext itself.
HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
