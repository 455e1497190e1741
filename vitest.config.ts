import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'simulator/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
