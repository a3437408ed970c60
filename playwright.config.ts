import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one. Without the background-networking flags
// Chromium keeps dialling Google's hosts, which this closed network refuses.
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Every browser suite runs once per engine, through our own driver layer
// (test/browser/driver/, started by the fixtures in test/browser/fixtures.ts), never
// through Playwright's browsers: one project per engine, its metadata names the engine.
export default defineConfig({
  testDir: './test/browser',
  testMatch: '**/*.spec.ts',
  workers: 1,
  timeout: 60_000,
  // CI (a loaded two-core machine): a test that fails by chance is run once more, and the
  // summary of `npm test` names every test that needed it (scripts/test.js). A retried test
  // is still a defect to fix; locally there are no retries, so flakiness shows.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: '.ci/out/e2e.json' }]],
  outputDir: '.ci/out/artifacts',
  projects: [
    { name: 'chromium', metadata: { engine: 'chromium' } },
    { name: 'firefox', metadata: { engine: 'firefox' } },
    { name: 'webkit', metadata: { engine: 'webkit' } },
  ],
});
