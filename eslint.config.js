import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.bosun/', 'coverage/', 'bench/out/', 'bench/_tmp*', 'drizzle/', '.workflows-changed-*/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The library is imported by workflows, activities and workers, never the other way round: the workflow
    // contract lives in src/contract, and the process entry points (workers, `bosun dev`) in workers/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workflows', '**/workflows/*', '**/activities', '**/activities/*', '**/workers', '**/workers/*'],
              message: 'src/ must not import workflows/, activities/ or workers/: put shared types in src/contract, process wiring in workers/',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'], message: 'workflows must stay deterministic: do I/O in an activity' },
            { group: ['postgres', 'minio', 'drizzle-orm*', '@electric-sql/*', 'fastify', '@temporalio/client', '@temporalio/worker', '../src/db/*', '../src/storage/*'], message: 'workflows must stay deterministic: do I/O in an activity' },
          ],
        },
      ],
    },
  },
);
