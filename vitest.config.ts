import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: tests share one Redis and one PostgreSQL; each test isolates its own keys/tables.
    maxWorkers: 2,
  },
});
