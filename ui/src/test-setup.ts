// Vitest set-up: DOM matchers for every test.
import '@testing-library/jest-dom/vitest';
