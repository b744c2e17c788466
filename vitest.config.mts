import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.nx/**'],
    setupFiles: ['libs/testing/src/setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
