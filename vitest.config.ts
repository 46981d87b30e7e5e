import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Slow tests (a packed library synthesized in a fresh app, 50,000-denial storms) carry `{ tags: ['slow'] }`:
    // `npx vitest run --tags-filter='!slow'` leaves them out while iterating; `npm test` runs them all.
    tags: [{ name: 'slow', description: 'takes more than ~20 s on a 2-core machine', timeout: 300_000 }],
    // The JSON report lets .ci/run print the plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
