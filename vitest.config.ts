import { defineConfig } from 'vitest/config';

// Unit tests live next to the code; end-to-end tests (Playwright on the headless host) live in test/.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
