// debug: true checks the collector once and names exactly what is wrong with its answer.
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

let app: StaticServer;
const collectors: Collector[] = [];
test.beforeAll(async () => {
  app = await startStaticServer({
    '/': { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/test/browser/pages/cors-check.js"></script>' },
    '/csp': {
      body: '<!doctype html><meta charset="utf-8"><script type="module" src="/test/browser/pages/cors-check.js"></script>',
      headers: { 'content-security-policy': "connect-src 'self'" },
    },
  });
});
test.afterAll(async () => { await Promise.all([app.close(), ...collectors.map((c) => c.close())]); });

async function warningsFor(page: any, path: string, collector: Collector): Promise<string[]> {
  await page.goto(`${app.url}${path}?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => (window as any).checkDone, { timeout: 15_000 });
  return (await page.evaluate(() => (window as any).warnings as string[])).filter((w) => w.includes('collector check'));
}

test('a collector that does not list this origin: missing Access-Control-Allow-Origin', async ({ page }) => {
  const c = await startCollector({ corsOrigins: ['http://127.0.0.1:1'] });
  collectors.push(c);
  const w = await warningsFor(page, '/', c);
  expect(w.join('\n')).toMatch(/PLUME_W010 .*missing Access-Control-Allow-Origin for http:\/\/127\.0\.0\.1:\d+/);
});

test("a collector answering '*' without credentials: beacons would be lost, and it says so", async ({ page }) => {
  const c = await startCollector({ corsOrigins: [app.url], corsMode: 'wildcard' } as any);
  collectors.push(c);
  const w = await warningsFor(page, '/', c);
  expect(w.join('\n')).toMatch(/PLUME_W010 .*Access-Control-Allow-Credentials: true/);
  expect(w.join('\n')).not.toMatch(/Allow-Origin for/);
});

test('a collector configured right: no warning', async ({ page }) => {
  const c = await startCollector({ corsOrigins: [app.url] });
  collectors.push(c);
  const w = await warningsFor(page, '/', c);
  expect(w).toEqual([]);
  expect(await page.evaluate(() => (window as any).checkResult)).toEqual({ ok: true, problems: [] });
});

test("the page's connect-src blocks the collector", async ({ page }) => {
  const c = await startCollector({ corsOrigins: [app.url] });
  collectors.push(c);
  const w = await warningsFor(page, '/csp', c);
  expect(w.join('\n')).toMatch(/PLUME_W011 .*connect-src/);
});
