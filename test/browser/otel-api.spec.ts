// Issue 13's must-show, in the browsers: the library of test/api/library.ts, written against
// @opentelemetry/api and api-logs only, bundled (esbuild) after a module that calls the built
// package's init(), nothing else. A recording collector on the page's origin keeps the raw
// requests; @bufbuild/protobuf decodes them. Every span, log record and metric the library
// makes arrives with its scope name and version and the right trace and parent ids.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { test, expect } from './fixtures.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { REMOTE_SPAN, REMOTE_TRACE, type ScenarioResult } from '../api/scenario.js';
import { attr, recordingCollector } from './recording.js';

const ROOT = new URL('../..', import.meta.url).pathname;

let app: StaticServer;
let dir: string;
const collector = recordingCollector();
const { delivered } = collector;
const pinged: Record<string, string | undefined>[] = [];

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-otel-api-'));
  // init() first, in a module of its own: the order the README gives.
  writeFileSync(join(dir, 'telemetry.js'), `import { init } from '${ROOT}dist/browser.js';
window.plume = init({
  endpoint: location.origin + '/otlp', serviceName: 'otel-api-page', instrumentations: { webVitals: false, errors: false },
});`);
  writeFileSync(join(dir, 'main.js'), `import './telemetry.js';
import { scenario } from '${ROOT}test/api/scenario.ts';
import { load } from '${ROOT}test/api/library.ts';
window.run = () => scenario(window.plume);
window.load = async (url) => { const text = await load(url); await window.plume.flush(); return text; };
// Issue 14.1's five calls, as the page makes them: what reaches the page, and what is sent.
window.hostile = async () => {
  const boom = () => { throw new Error('hostile'); };
  const t = window.plume.tracer;
  class Weird extends Error { constructor(m) { super(m); Object.defineProperty(this, 'stack', { get: boom }); } }
  const noFields = new Error('x');
  Object.defineProperty(noFields, 'message', { get: boom });
  Object.defineProperty(noFields, 'name', { get: boom });
  const calls = {
    getter: () => t.startSpan('h.getter', { attributes: Object.defineProperty({ ok: 1 }, 'bad', { get: boom, enumerable: true }) }).end(),
    proxy: () => t.startSpan('h.proxy', { attributes: new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }) }).end(),
    name: () => t.startSpan({ toString: boom, valueOf: boom }).end(),
    stack: () => { const s = t.startSpan('h.stack'); s.recordException(new Weird('weird')); s.end(); },
    fields: () => { const s = t.startSpan('h.fields'); s.recordException(noFields); s.end(); },
  };
  const thrown = [];
  for (const [name, call] of Object.entries(calls)) { try { call(); } catch (e) { thrown.push(name + ': ' + e.message); } }
  await window.plume.flush();
  return thrown;
};`);
  // A page with every instrumentation on: Web Vitals and the session as the 2026 browser events.
  writeFileSync(join(dir, 'vitals.js'), `import { init } from '${ROOT}dist/browser.js';
const plume = init({ endpoint: location.origin + '/otlp', serviceName: 'vitals-page' });
window.flush = () => plume.flush();`);
  const bundle = async (file: string) => (await build({
    entryPoints: [join(dir, file)], bundle: true, format: 'esm', write: false, logLevel: 'silent', nodePaths: [join(ROOT, 'node_modules')],
  })).outputFiles[0].text;
  const js = await bundle('main.js');
  // The script tag: plume.iife.js configured by data- attributes; the app's own bundle (with its
  // copy of the API) takes a tracer once Plume is ready.
  writeFileSync(join(dir, 'tag-app.js'), `import { trace } from '@opentelemetry/api';
window.plume.onReady(async (plume) => {
  const tracer = trace.getTracer('tag-lib', '3.0.0');
  tracer.startActiveSpan('tag.work', (span) => { tracer.startSpan('tag.child').end(); span.end(); });
  await plume.flush();
  window.tagDone = true;
});`);
  const tagApp = await bundle('tag-app.js');
  const vitals = await bundle('vitals.js');
  app = await startStaticServer(
    {
      '/': { body: '<!doctype html><meta charset="utf-8"><title>otel api</title><script type="module" src="/main.js"></script>' },
      '/tag': {
        body: '<!doctype html><meta charset="utf-8"><title>tag</title>' +
          '<script src="/dist/plume.iife.js" data-endpoint="/otlp" data-service-name="tag-page"></script>' +
          '<script type="module" src="/tag-app.js"></script>',
      },
      // No session stored (earlier pages of this origin in this browser started one): as a first visit.
      '/vitals': {
        body: '<!doctype html><meta charset="utf-8"><title>vitals</title><script>localStorage.removeItem("plume.session")</script>' +
          '<h1>Shop</h1><p>Some text to paint.</p><script type="module" src="/vitals.js"></script>',
      },
    },
    {
      '/main.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js),
      '/vitals.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(vitals),
      '/tag-app.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(tagApp),
      ...collector.handlers,
      '/ping': (req, res) => {
        pinged.push({ traceparent: req.headers.traceparent as string, baggage: req.headers.baggage as string });
        res.writeHead(200).end('pong');
      },
    },
  );
});
test.afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});
test.beforeEach(() => collector.reset());

const LIB = { name: 'acme-checkout', version: '2.3.4' };

test('a library on @opentelemetry/api and api-logs reports through Plume after init() alone', async ({ page }) => {
  await page.goto(app.url);
  await page.waitForFunction(() => typeof (window as any).run === 'function');
  const r: ScenarioResult = await page.evaluate(() => (window as any).run());
  const d = delivered();
  const span = (name: string) => {
    const s = d.spans.find((x) => x.name === name);
    expect(s, name).toBeDefined();
    return s;
  };

  expect(r.sawPlumeSpan).toBe(true);
  // Nested through the API, under the app's span.
  const checkout = span('acme.checkout');
  const price = span('acme.price');
  for (const s of [checkout, price]) expect(s.scope).toEqual(LIB);
  expect(span('app.click')).toMatchObject({ traceId: r.app.traceId, spanId: r.app.spanId });
  expect(checkout).toMatchObject({ traceId: r.app.traceId, parentSpanId: r.app.spanId });
  expect(price).toMatchObject({ traceId: r.app.traceId, parentSpanId: checkout.spanId });
  // Plume's span inside the library's.
  expect(span('app.inside')).toMatchObject({ traceId: r.outer.traceId, parentSpanId: r.outer.spanId });
  // The API-extracted remote parent.
  expect(span('acme.serve')).toMatchObject({ traceId: REMOTE_TRACE, parentSpanId: REMOTE_SPAN, traceState: 'acme=1,other=x' });
  // The API's inject: the library's span and the API baggage.
  expect(r.headers).toEqual({ traceparent: `00-${r.app.traceId}-${checkout.spanId}-01`, baggage: 'acme.tier=gold' });
  // Log records (api-logs and the API's own logs), with the active span's ids and the scope.
  const checkedOut = d.logs.find((l) => l.eventName === 'acme.checkout');
  expect(checkedOut).toMatchObject({ scope: LIB, traceId: r.app.traceId, spanId: checkout.spanId });
  const priced = d.logs.find((l) => l.eventName === 'acme.priced');
  expect(priced).toMatchObject({ scope: { name: 'acme-checkout.api', version: LIB.version }, spanId: price.spanId });
  expect(attr(d.logs.find((l) => l.body?.stringValue === 'failed'), 'exception.type')).toBe('TypeError');
  // Metrics, with their scope.
  for (const name of ['acme.orders', 'acme.price', 'acme.queue.length', 'acme.stock']) {
    expect(d.metrics.find((m) => m.name === name)?.scope, name).toEqual(LIB);
  }
  expect(attr(d.metrics.find((m) => m.name === 'acme.orders').sum.dataPoints[0], 'acme.tier')).toBe('gold');
  expect(d.metrics.find((m) => m.name === 'acme.stock').sum.dataPoints[0]).toMatchObject({ asDouble: 42 });
});

test("a request made in the library's span is its child, and carries its trace", async ({ page }) => {
  await page.goto(app.url);
  await page.waitForFunction(() => typeof (window as any).load === 'function');
  expect(await page.evaluate(() => (window as any).load('/ping'))).toBe('pong');
  const d = delivered();
  const load = d.spans.find((s) => s.name === 'acme.load');
  const get = d.spans.find((s) => s.name === 'GET' && attr(s, 'url.full')?.toString().endsWith('/ping'));
  expect(load.scope).toEqual(LIB);
  expect(get).toMatchObject({ traceId: load.traceId, parentSpanId: load.spanId, kind: 'SPAN_KIND_CLIENT' });
  expect(pinged.at(-1)?.traceparent).toBe(`00-${get.traceId}-${get.spanId}-01`);
});

test('issue 14.1: the five calls that threw into the page (ESM build) do not, and their spans are sent', async ({ page }) => {
  await page.goto(app.url);
  await page.waitForFunction(() => typeof (window as any).hostile === 'function');
  expect(await page.evaluate(() => (window as any).hostile())).toEqual([]);
  const d = delivered();
  const names = d.spans.map((s) => s.name ?? '');
  expect(names).toEqual(expect.arrayContaining(['h.getter', 'h.proxy', '', 'h.stack', 'h.fields']));
  const getter = d.spans.find((s) => s.name === 'h.getter');
  expect(attr(getter, 'ok')).toBe('1');
  expect(getter.droppedAttributesCount).toBe(1);
  expect(d.spans.find((s) => s.name === 'h.proxy').droppedAttributesCount).toBe(1);
  const ev = (name: string) => d.spans.find((s) => s.name === name).events[0];
  expect(attr(ev('h.stack'), 'exception.message')).toBe('weird');
  expect(attr(ev('h.stack'), 'exception.stacktrace')).toBeUndefined();
  expect(attr(ev('h.fields'), 'exception.type')).toBe('Error');
});

test('Web Vitals also as browser.web_vital events, beside their histograms; the session as a session.start event', async ({ page }) => {
  await page.goto(`${app.url}/vitals`);
  await page.waitForFunction(() => typeof (window as any).flush === 'function');
  // TTFB is reported once the page has loaded, FCP at the first paint (all three engines; but
  // WebKit sometimes gives the navigation entry no responseStart, and then there is no TTFB,
  // as web-vitals would report none).
  await page.waitForFunction(() => document.readyState === 'complete');
  const responseStart: number = await page.evaluate(() =>
    (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseStart ?? 0);
  const names = responseStart > 0 ? ['ttfb', 'fcp'] : ['fcp'];
  const event = (name: string) =>
    collector.delivered().logs.find((l) => l.eventName === 'browser.web_vital' && attr(l, 'browser.web_vital.name') === name);
  await expect.poll(async () => {
    await page.evaluate(() => (window as any).flush());
    return names.every((n) => !!event(n));
  }, { timeout: 15_000 }).toBe(true);
  const { logs, metrics } = collector.delivered();
  for (const name of names) {
    const e = event(name);
    expect(e.scope).toMatchObject({ name: 'plume.web-vitals' });
    expect(attr(e, 'browser.web_vital.id')).toMatch(/^p1-\d+-\d+$/);
    expect(['good', 'needs-improvement', 'poor']).toContain(attr(e, 'browser.web_vital.rating'));
    expect(attr(e, 'browser.web_vital.navigation_type')).toBe('navigate');
    expect(attr(e, 'url.path')).toBe('/vitals');
    // The same measurement as the histogram's (its only point: its sum).
    const h = metrics.find((m) => m.name === `browser.web_vital.${name}`).histogram.dataPoints[0];
    expect(Number(attr(e, 'browser.web_vital.value'))).toBeCloseTo(h.sum, 6);
    expect(Number(attr(e, 'browser.web_vital.delta'))).toBeCloseTo(h.sum, 6);
  }
  // No session was stored: this page started one, and said so.
  const start = logs.find((l) => l.eventName === 'session.start');
  expect(start.scope).toMatchObject({ name: 'plume.session' });
  expect(String(attr(start, 'session.id'))).toMatch(/^[0-9a-f]{32}$/);
  expect(logs.some((l) => l.eventName === 'session.end')).toBe(false);
});

test('the script tag (plume.iife.js) is the SDK behind the API too', async ({ page }) => {
  await page.goto(`${app.url}/tag`);
  await page.waitForFunction(() => (window as any).tagDone === true);
  const { spans } = collector.delivered();
  const work = spans.find((s) => s.name === 'tag.work');
  expect(work.scope).toEqual({ name: 'tag-lib', version: '3.0.0' });
  expect(spans.find((s) => s.name === 'tag.child')).toMatchObject({ traceId: work.traceId, parentSpanId: work.spanId });
});
