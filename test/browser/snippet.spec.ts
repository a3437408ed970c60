// The script tag: the inline snippet queues calls and holds early errors; plume.iife.js,
// arriving late, replays them in order with their original times. Config can also come from
// data- attributes on the script tag.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { createEncoder } from '../../src/encoder.js';

const ROOT = new URL('../..', import.meta.url).pathname;
let app: StaticServer;
let collector: Collector;

test.beforeAll(async () => {
  const snippet = readFileSync(`${ROOT}dist/snippet.min.js`, 'utf8').replace('/plume.iife.js', '/slow/plume.iife.js');
  const iife = readFileSync(`${ROOT}dist/plume.iife.js`);
  app = await startStaticServer({
    '/snippet': {
      body: `<!doctype html><meta charset="utf-8"><title>snippet</title>
<script>${snippet}</script>
<script>
  window.queuedAt = Date.now();
  plume('init', { endpoint: new URLSearchParams(location.search).get('collector'), serviceName: 'snippet-page', batch: { scheduledDelayMillis: 200 } });
  plume('emit', { body: 'queued before the SDK', severityNumber: 9 });
  plume.onReady(function (p) { window.readyCalls = (window.readyCalls || 0) + 1; p.tracer.startSpan('from onReady').end(); });
  setTimeout(function () { window.thrownAt = Date.now(); throw new TypeError('early error'); }, 0);
  Promise.reject(new RangeError('early rejection'));
</script><p>page</p>`,
    },
    '/blank': { body: '<!doctype html><meta charset="utf-8"><title>blank</title>' },
    '/data-attrs': {
      body: `<!doctype html><meta charset="utf-8"><title>data</title><script>document.write('<script src="/dist/plume.iife.js" data-endpoint="' + new URLSearchParams(location.search).get('collector') + '" data-service-name="data-attrs-page" data-sample-rate="1"><\\/script>')</script><p>page</p>`,
    },
  }, {
    // The SDK arrives late, so everything above happens before it.
    '/slow/plume.iife.js': (_q, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'text/javascript' }).end(iife), 400),
    '/slow/plume.wasm': (_q, res) => void res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(`${ROOT}dist/plume.wasm`)),
  });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), collector.close()]); });

test('snippet: queued calls and early errors are replayed in order, with their original times', async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/snippet?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => (window as any).readyCalls === 1 && typeof (window as any).plume?.tracer === 'object');
  const { queuedAt, thrownAt } = await page.evaluate(() => ({ queuedAt: (window as any).queuedAt, thrownAt: (window as any).thrownAt }));
  await page.evaluate(() => (window as any).plume.flush());
  await collector.waitFor((c) => c.query.logs({ service: 'snippet-page' }).length >= 3 && c.query.spans({ service: 'snippet-page', name: 'from onReady' }).length === 1, 10_000);
  const logs = collector.query.logs({ service: 'snippet-page' });
  const ms = (ns: string) => Number(BigInt(ns) / 1_000_000n);
  const queued = logs.find((l) => l.body === 'queued before the SDK')!;
  expect(Math.abs(ms(queued.timeUnixNano) - queuedAt)).toBeLessThan(100);
  const early = logs.find((l) => l.attributes['exception.type'] === 'TypeError')!;
  expect(early.attributes['exception.message']).toBe('early error');
  expect(Math.abs(ms(early.timeUnixNano) - thrownAt)).toBeLessThan(100);
  expect(logs.find((l) => l.attributes['exception.type'] === 'RangeError')?.attributes['browser.error.kind']).toBe('unhandledrejection');
  // Replayed before the SDK's own listeners took over: each error exactly once.
  expect(logs.filter((l) => l.attributes['exception.message'] === 'early error')).toHaveLength(1);
  // window.plume is now the live API: calls go straight through.
  await page.evaluate(() => (window as any).plume('emit', { body: 'after load' }));
  await page.evaluate(() => (window as any).plume.flush());
  await collector.waitFor((c) => c.query.logs({ service: 'snippet-page' }).some((l) => l.body === 'after load'), 10_000);
});

test('script tag with data- attributes: config from the tag', async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/data-attrs?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => typeof (window as any).plume?.tracer === 'object');
  await page.evaluate(() => { (window as any).plume.tracer.startSpan('tagged').end(); return (window as any).plume.flush(); });
  await collector.waitFor((c) => c.query.spans({ service: 'data-attrs-page', name: 'tagged' }).length === 1, 10_000);
});

test('script tag: what an earlier page persisted is sent by the next, through plume.replay.js', async ({ page }) => {
  collector.reset();
  // A request an earlier page of this origin could not send, stored as it stores one
  // (export/persist.ts: signal|priority|items|body as one char per byte).
  const encoder = await createEncoder({ implementation: 'js' });
  const body = encoder.encodeTraces({ resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'data-attrs-page' } }] },
    scopeSpans: [{ scope: { name: 'test' }, spans: [{
      traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'persisted by an earlier page', kind: 1,
      startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000',
    }] }],
  }] });
  await page.goto(`${app.url}/blank`);
  await page.evaluate((value) => localStorage.setItem('plume.outbox.earlier.0', value), `traces|2|1|${String.fromCharCode(...body)}`);
  await page.goto(`${app.url}/data-attrs?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => typeof (window as any).plume?.tracer === 'object');
  await page.evaluate(() => (window as any).plume.flush());
  await collector.waitFor((c) => c.query.spans({ service: 'data-attrs-page', name: 'persisted by an earlier page' }).length === 1, 10_000);
  const after = await page.evaluate(() => ({
    left: Object.keys(localStorage).filter((k) => k.startsWith('plume.outbox.')),
    loaded: performance.getEntriesByType('resource').some((e) => e.name.endsWith('/plume.replay.js')),
  }));
  expect(after).toEqual({ left: [], loaded: true });
});

test('script tag: a page with nothing persisted does not load plume.replay.js', async ({ page }) => {
  await page.goto(`${app.url}/blank`);
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${app.url}/data-attrs?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => typeof (window as any).plume?.tracer === 'object');
  await page.evaluate(() => (window as any).plume.flush());
  expect(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('plume.')))).not.toContainEqual(expect.stringContaining('plume.replay.js'));
});
