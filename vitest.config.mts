import { defineConfig } from 'vitest/config';

const INTEGRATION = '**/*.integration.test.ts';
const exclude = ['**/node_modules/**', '**/dist/**', '**/.nx/**'];

/**
 * Two kinds of tests, as two Vitest projects: `unit` (fast, offline, no servers) and
 * `integration` (the real engine, S3 server and git copies of the workspace), whose global setup
 * makes the engine and servers available once before any file starts. Each Nx project runs
 * them as its `test` and `integration` targets (`vitest run --project <kind> --dir <root>`).
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    setupFiles: ['libs/testing/src/setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, INTEGRATION],
          // The files of a run share one module graph per worker: importing cdktf and the provider
          // bindings once, not once per file, takes libs/security's tests from 30 to 10 CPU-s. A
          // file that mocks a module loads what it tests afresh (vi.resetModules) and unmocks after.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [INTEGRATION],
          exclude,
          globalSetup: ['tools/engine/src/test-global-setup.ts'],
          hookTimeout: 600_000,
          // Two files at once even on two cores: an integration test spends about half its time
          // waiting on the engine and servers it starts (measured with --cpu-prof), and each file
          // has its own copies, servers and ports.
          maxWorkers: 2,
        },
      },
    ],
  },
});
