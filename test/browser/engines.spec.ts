// What each engine supports, by feature detection in a real page: written to
// .ci/out/engines/<engine>.json, which scripts/engine-table.js renders into README.md.
// A few things the SDK relies on must hold everywhere; those are asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from './fixtures.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const OUT = fileURLToPath(new URL('../../.ci/out/engines/', import.meta.url));
const ENTRY_TYPES = ['largest-contentful-paint', 'layout-shift', 'event', 'first-input', 'long-animation-frame', 'paint', 'navigation', 'resource'];

// Every pageshow's `persisted`: [false, true] after a restore from the back/forward cache.
const html = (title: string) => ({
  body: `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${title}</p>
<script>window.pageshows = []; addEventListener('pageshow', (e) => window.pageshows.push(e.persisted));</script>`,
});
let server: StaticServer;
test.beforeAll(async () => {
  server = await startStaticServer({ '/probe': html('probe'), '/bf-a': html('a'), '/bf-b': html('b') });
});
test.afterAll(() => server.close());

/** Runs in the page: every answer is a boolean, by feature detection only. */
async function probe(entryTypes: string[]) {
  const w = window as any;
  const attempt = async (f: () => unknown) => { try { return Boolean(await f()); } catch { return false; } };
  // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  const add = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
  const supported: string[] = typeof PerformanceObserver === 'function' ? [...(PerformanceObserver.supportedEntryTypes ?? [])] : [];
  const features: Record<string, boolean> = {
    'navigator.userAgentData': 'userAgentData' in navigator,
    'Navigation API (window.navigation)': 'navigation' in window,
  };
  for (const t of entryTypes) features[`PerformanceObserver: ${t}`] = supported.includes(t);
  Object.assign(features, {
    'PerformanceEventTiming.interactionId (INP)': typeof w.PerformanceEventTiming === 'function' && 'interactionId' in w.PerformanceEventTiming.prototype,
    'PerformanceResourceTiming.responseStatus': typeof PerformanceResourceTiming === 'function' && 'responseStatus' in PerformanceResourceTiming.prototype,
    'PerformanceResourceTiming.serverTiming': typeof PerformanceResourceTiming === 'function' && 'serverTiming' in PerformanceResourceTiming.prototype,
    "CompressionStream('gzip')": await attempt(() => new CompressionStream('gzip')),
    'navigator.sendBeacon': typeof navigator.sendBeacon === 'function',
    'fetch keepalive (Request.keepalive reads true)': await attempt(() => new Request('/', { keepalive: true }).keepalive === true),
    'WebAssembly (instantiate from bytes)': await attempt(async () => {
      const { instance } = await WebAssembly.instantiate(add);
      return (instance.exports.add as (a: number, b: number) => number)(2, 3) === 5;
    }),
    'WebAssembly.instantiateStreaming': typeof WebAssembly === 'object' && typeof WebAssembly.instantiateStreaming === 'function',
    'crypto.randomUUID': await attempt(() => /^[0-9a-f-]{36}$/.test(crypto.randomUUID())),
    'AbortSignal.timeout': typeof AbortSignal.timeout === 'function',
    requestIdleCallback: typeof w.requestIdleCallback === 'function',
    'scheduler.yield': typeof w.scheduler?.yield === 'function',
    'document.prerendering': 'prerendering' in document,
  });
  return features;
}

/** Whether going back restores the page from the back/forward cache (pageshow.persisted). */
async function bfcache(page: Page): Promise<boolean> {
  const giveUp = new Promise<boolean>((r) => setTimeout(() => r(false), 20_000));
  return Promise.race([bfcacheProbe(page), giveUp]);
}

async function bfcacheProbe(page: Page): Promise<boolean> {
  try {
    await page.goto(`${server.url}/bf-a`);
    await page.goto(`${server.url}/bf-b`);
    await page.evaluate(() => { setTimeout(() => history.back(), 0); });
    // Polling during the navigation itself is what WebKitWebDriver has been seen to sit on
    // (a script call unanswered until its 120 s timeout): give the navigation a second first.
    await new Promise((r) => setTimeout(r, 1000));
    await page.waitForFunction(() => location.pathname === '/bf-a' && document.readyState === 'complete' && (window as any).pageshows?.length, { timeout: 10_000 });
    return (await page.evaluate(() => (window as any).pageshows as boolean[])).includes(true);
  } catch {
    return false;
  }
}

test('engine capabilities, by feature detection', async ({ browser, page }) => {
  // WebKitGTK under load has been seen to sit on the history.back() of the bfcache probe up
  // to its page-load timeout; give the test (and its teardown) room for that.
  test.setTimeout(180_000);
  await page.goto(`${server.url}/probe`);
  const features = await page.evaluate(probe, ENTRY_TYPES);
  const userAgent = await page.evaluate(() => navigator.userAgent);
  features['bfcache (pageshow.persisted after history.back())'] = await bfcache(page);

  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}${browser.engine}.json`, `${JSON.stringify({ engine: browser.engine, version: browser.version, userAgent, features }, null, 2)}\n`);

  // What the SDK needs from every engine it supports.
  for (const f of [
    'WebAssembly (instantiate from bytes)', 'navigator.sendBeacon', 'fetch keepalive (Request.keepalive reads true)',
    'crypto.randomUUID', 'PerformanceObserver: navigation', 'PerformanceObserver: resource', 'AbortSignal.timeout',
  ]) expect.soft(features[f], f).toBe(true);
});
