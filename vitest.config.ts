import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...configDefaults.exclude, 'test/subtensor/**'],
        },
      },
      {
        // The real Subtensor runtime under Chopsticks: one shared localnet (global-setup.ts), one file at a
        // time (a project cannot set fileParallelism in Vitest 3.2; one fork runs its files in sequence).
        extends: true,
        test: {
          name: 'subtensor',
          include: ['test/subtensor/**/*.test.ts'],
          poolOptions: { forks: { singleFork: true } },
          globalSetup: ['test/subtensor/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
