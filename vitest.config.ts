import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests, and integration tests against the real stack that
// test/integration/support/globalSetup.ts starts (Temporal dev server, PostgreSQL, MinIO).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // Unit tests first (fast feedback), then the integration suite with its own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/support/globalSetup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Two cores: a few files at a time keeps the servers responsive.
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
