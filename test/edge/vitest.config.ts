// The edge suite on its own: `npx vitest run -c test/edge/vitest.config.ts`. Each file starts
// its runtime once (workerd, Deno, edge-runtime); two files run at a time on 2 cores.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/edge/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
