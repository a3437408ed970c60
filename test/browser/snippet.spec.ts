// The script tag: the inline snippet queues calls and holds early errors; plume.iife.js,
// arriving late, replays them in order with their original times. Config can also come from
// data- attributes on the script tag, or from an init called after plume.iife.js has arrived
// (a consent banner). The snippet is checked in the form the README documents: its trailing
// arguments edited to another URL and an integrity hash.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { createEncoder } from '../../src/encoder.js';

const ROOT = new URL('../..', import.meta.url).pathname;
let app: StaticServer;
let collector: Collector;

// Page-side records: Plume's warnings, uncaught errors (WebKit's driver sees console errors
// only after load), and whether plume.iife.js has loaded or failed to. No favicon request:
// its 404 would be a console error.
const WATCH = `<link rel="icon" href="data:,"><script>
  window.warnings = []; window.uncaught = [];
  var warn0 = console.warn;
  console.warn = function () { warnings.push([].join.call(arguments, ' ')); return warn0.apply(console, arguments); };
  addEventListener('error', function (e) {
    var t = e.target;
    if (t && t.tagName === 'SCRIPT') window.iifeFailed = true; else uncaught.push(String(e.message));
  }, true);
  // A load event does not reach window: listened for on document.
  document.addEventListener('load', function (e) { var t = e.target; if (t && t.tagName === 'SCRIPT' && /plume\\.iife\\.js$/.test(t.src)) window.iifeLoaded = true; }, true);
</script>`;

/** The ending the README documents for dist/snippet.min.js (its "ending in …" line). */
function documentedEnding(): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const m = readme.match(/<script>\/\* dist\/snippet\.min\.js, ending in …(.+?) \*\/<\/script>/);
  if (!m) throw new Error('README: no "dist/snippet.min.js, ending in …" line');
  return m[1];
}

test.beforeAll(async () => {
  const built = readFileSync(`${ROOT}dist/snippet.min.js`, 'utf8').trim();
  const snippet = built.replace('/plume.iife.js', '/slow/plume.iife.js');
  const iife = readFileSync(`${ROOT}dist/plume.iife.js`);
  // As the README says to: the last two arguments edited, the minified body untouched.
  const ending = documentedEnding();
  const withSri = (hash: string) => `${built.slice(0, -ending.length)}${ending.replace("'/plume.iife.js',''", `'/cdn/plume.iife.js','${hash}'`)}`;
  const sri = `sha384-${createHash('sha384').update(iife).digest('base64')}`;
  const wrongSri = `sha384-${createHash('sha384').update('something else').digest('base64')}`;
  const sriPage = (hash: string) => ({
    body: `<!doctype html><meta charset="utf-8"><title>sri</title>${WATCH}<script>${built.endsWith(ending) ? withSri(hash) : 'window.notAsDocumented = true'}</script>
<script>plume.init({ endpoint: new URLSearchParams(location.search).get('collector'), serviceName: 'sri-page', batch: { scheduledDelayMillis: 200 } });</script><p>page</p>`,
  });
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
    // No config at all: plume.iife.js arrives and waits for init (a consent banner, say).
    '/later': {
      body: `<!doctype html><meta charset="utf-8"><title>later</title>${WATCH}<script>${snippet}</script>
<script>plume('emit', { body: 'queued before init', severityNumber: 9 });</script><p>page</p>`,
    },
    '/plain': { body: `<!doctype html><meta charset="utf-8"><title>plain</title>${WATCH}<script src="/dist/plume.iife.js" async></script><p>page</p>` },
    '/bad-config': {
      body: `<!doctype html><meta charset="utf-8"><title>bad</title>${WATCH}<script src="/dist/plume.iife.js" data-endpoint="http://[bad" async></script><p>page</p>`,
    },
    '/sri': sriPage(sri),
    '/sri-wrong': sriPage(wrongSri),
    '/data-attrs': {
      body: `<!doctype html><meta charset="utf-8"><title>data</title><script>document.write('<script src="/dist/plume.iife.js" data-endpoint="' + new URLSearchParams(location.search).get('collector') + '" data-service-name="data-attrs-page" data-sample-rate="1"><\\/script>')</script><p>page</p>`,
    },
  }, {
    // The SDK arrives late, so everything above happens before it.
    '/slow/plume.iife.js': (_q, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'text/javascript' }).end(iife), 400),
    '/cdn/plume.iife.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(iife),
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

test('init after plume.iife.js has arrived (a consent banner): no warning before, then the live API, with what was queued and held', async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/later`);
  await page.waitForFunction(() => (window as any).iifeLoaded);
  // An error after the SDK arrived and before init: the snippet still holds it.
  await page.evaluate(() => { setTimeout(() => { throw new TypeError('before consent'); }, 0); });
  await page.waitForFunction(() => (window as any).uncaught.some((m: string) => m.includes('before consent')));
  expect(await page.evaluate(() => (window as any).warnings)).toEqual([]);
  const started = await page.evaluate((url: string) => {
    const w = window as any;
    const live = w.plume.init({ endpoint: url, serviceName: 'init-later', batch: { scheduledDelayMillis: 200 } });
    live.tracer.startSpan('after consent').end();
    return { same: live === w.plume, tracer: typeof w.plume.tracer };
  }, collector.url);
  expect(started).toEqual({ same: true, tracer: 'object' });
  await page.evaluate(() => (window as any).plume.flush());
  await collector.waitFor((c) => c.query.spans({ service: 'init-later', name: 'after consent' }).length === 1
    && c.query.logs({ service: 'init-later' }).some((l) => l.body === 'queued before init')
    && c.query.logs({ service: 'init-later' }).some((l) => l.attributes['exception.message'] === 'before consent'), 10_000);
  expect(await page.evaluate(() => (window as any).warnings)).toEqual([]);
});

test("a plain script tag without config waits, silently, for plume('init', config)", async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/plain`);
  await page.waitForFunction(() => typeof (window as any).plume === 'function');
  const started = await page.evaluate((url: string) => {
    const w = window as any;
    const live = w.plume('init', { endpoint: url, serviceName: 'plain-tag', batch: { scheduledDelayMillis: 200 } });
    live.tracer.startSpan('plain').end();
    return live === w.plume;
  }, collector.url);
  expect(started).toBe(true);
  await page.evaluate(() => (window as any).plume.flush());
  await collector.waitFor((c) => c.query.spans({ service: 'plain-tag', name: 'plain' }).length === 1, 10_000);
  expect(await page.evaluate(() => ({ warnings: (window as any).warnings, uncaught: (window as any).uncaught }))).toEqual({ warnings: [], uncaught: [] });
  expect(await page.consoleErrors()).toEqual([]);
});

test('a bad config on the script tag is a PLUME_W002 warning, never an exception; a later good init starts', async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/bad-config`);
  await page.waitForFunction(() => typeof (window as any).plume === 'function');
  const seen = await page.evaluate(() => ({ warnings: (window as any).warnings, uncaught: (window as any).uncaught }));
  expect(seen.uncaught).toEqual([]);
  expect(seen.warnings.join('\n')).toMatch(/PLUME_W002 .*endpoint/);
  await page.evaluate((url: string) => {
    const live = (window as any).plume.init({ endpoint: url, serviceName: 'bad-then-good', batch: { scheduledDelayMillis: 200 } });
    live.tracer.startSpan('good now').end();
    return live.flush();
  }, collector.url);
  await collector.waitFor((c) => c.query.spans({ service: 'bad-then-good', name: 'good now' }).length === 1, 10_000);
  expect(await page.consoleErrors()).toEqual([]);
});

test("the README's snippet, its trailing arguments edited to another URL and an integrity hash, loads the SDK", async ({ page }) => {
  collector.reset();
  await page.goto(`${app.url}/sri?collector=${encodeURIComponent(collector.url)}`);
  expect(await page.evaluate(() => (window as any).notAsDocumented ?? false), `dist/snippet.min.js ends in ${documentedEnding()}`).toBe(false);
  await page.waitForFunction(() => typeof (window as any).plume?.tracer === 'object');
  const tag = await page.evaluate(() => {
    const s = [...document.scripts].find((x) => x.src.endsWith('/cdn/plume.iife.js'))!;
    return { integrity: s.integrity.slice(0, 7), crossOrigin: s.crossOrigin };
  });
  expect(tag).toEqual({ integrity: 'sha384-', crossOrigin: 'anonymous' });
  await page.evaluate(() => { (window as any).plume.tracer.startSpan('with sri').end(); return (window as any).plume.flush(); });
  await collector.waitFor((c) => c.query.spans({ service: 'sri-page', name: 'with sri' }).length === 1, 10_000);
});

test('the same snippet with a wrong integrity hash: the browser refuses plume.iife.js', async ({ page }) => {
  await page.goto(`${app.url}/sri-wrong?collector=${encodeURIComponent(collector.url)}`);
  expect(await page.evaluate(() => (window as any).notAsDocumented ?? false)).toBe(false);
  await page.waitForFunction(() => (window as any).iifeFailed);
  expect(await page.evaluate(() => typeof (window as any).plume?.tracer)).toBe('undefined');
});
