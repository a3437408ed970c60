// The test API of every browser suite: `test` and `expect` from @playwright/test, with
// `browser` (one per worker, from our driver layer's launch(), for the project's engine) and
// `page` (a new tab of it for each test, closed after the test). Suites import these and
// never touch Playwright's own browser, context or page fixtures.
import { test as base, expect, type TestType } from '@playwright/test';
import { ENGINES, launch, type Browser, type Engine, type Page } from './driver/index.js';

export { expect };
export type { Browser, Engine, Page };

// Typed as a runner without Playwright's built-in browser fixtures, which ours replace.
const bare = base as unknown as TestType<{}, {}>;

export const test = bare.extend<{ page: Page }, { browser: Browser }>({
  browser: [async ({}, use, workerInfo) => {
    const engine = workerInfo.project.metadata?.engine as Engine;
    if (!ENGINES.includes(engine)) throw new Error(`project ${workerInfo.project.name}: metadata.engine must be one of ${ENGINES.join(', ')}`);
    const browser = await launch(engine);
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  }, { scope: 'worker', timeout: 60_000 }],

  page: async ({ browser }, use, testInfo) => {
    const page = await browser.newPage();
    try {
      await use(page);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        // What the page looked like and said, beside the failure.
        const png = testInfo.outputPath('failure.png');
        if (await page.screenshot(png).then(() => true, () => false)) await testInfo.attach('screenshot', { path: png, contentType: 'image/png' });
        const errors = await page.consoleErrors().catch(() => []);
        if (errors.length) await testInfo.attach('console errors', { body: errors.join('\n'), contentType: 'text/plain' });
      }
      await page.close();
    }
  },
});
