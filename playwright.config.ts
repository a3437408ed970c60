import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one. Without the background-networking flags
// Chromium keeps dialling Google's hosts, which this closed network refuses.
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export default defineConfig({
  testDir: './test/browser',
  testMatch: '**/*.spec.ts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '.ci/out/e2e.json' }]],
  outputDir: '.ci/out/artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.PLUME_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS },
  },
});
