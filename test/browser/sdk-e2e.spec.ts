// The browser SDK end to end: a page with every instrumentation on, a real collector
// receiving OTLP/protobuf (with the CORS preflight a real one needs), and assertions on the
// decoded spans, metrics and logs.
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const echo = (allowCors: boolean) => (req: any, res: any) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (allowCors) {
    headers['access-control-allow-origin'] = '*';
    headers['access-control-allow-headers'] = 'traceparent, tracestate, baggage';
  }
  if (req.method === 'OPTIONS') return void res.writeHead(204, headers).end();
  const delay = Number(new URL(req.url, 'http://x').searchParams.get('delay') ?? 0);
  setTimeout(() => res.writeHead(200, headers).end(JSON.stringify({ traceparent: req.headers.traceparent ?? null, tracestate: req.headers.tracestate ?? null })), delay);
};

let app: StaticServer;
let other: StaticServer;
let collector: Collector;

test.beforeAll(async () => {
  app = await startStaticServer({
    '/': { body: '<!doctype html><meta charset="utf-8"><title>Plume e2e</title><h1>shop</h1><script type="module" src="/test/browser/pages/sdk-app.js"></script>' },
    '/cart': { body: '<!doctype html><title>cart</title>' },
    '/strict': {
      headers: { 'content-security-policy': "script-src 'self'" },
      body: '<!doctype html><meta charset="utf-8"><title>strict</title><script type="module" src="/test/browser/pages/sdk-csp.js"></script>',
    },
    '/wasm-allowed': {
      headers: { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" },
      body: '<!doctype html><meta charset="utf-8"><title>wasm allowed</title><script type="module" src="/test/browser/pages/sdk-csp.js"></script>',
    },
  }, { '/api/echo': echo(false) });
  other = await startStaticServer({}, { '/allowed/echo': echo(true), '/other/echo': echo(true) });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => {
  await Promise.all([app.close(), other.close(), collector.close()]);
});
test.beforeEach(() => collector.reset());

test('every instrumentation reports what happened, linked and propagated', async ({ page }) => {
  await page.goto(`${app.url}/?collector=${encodeURIComponent(collector.url)}&other=${encodeURIComponent(other.url)}`);
  await page.waitForFunction(() => typeof (window as any).tour === 'function');
  const out = await page.evaluate(() => (window as any).tour());
  // WebKit sometimes gives the navigation entry no responseStart (a CI run of this test): then
  // there is no TTFB (web-vitals reports none either) and no request/response phases.
  const responseStart: number = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseStart ?? 0);
  const hasTtfb = responseStart > 0;
  // Leaving the page sends what is left (web vitals are final only now) with sendBeacon.
  await page.goto(`${app.url}/cart`);
  await collector.waitFor((c) => c.query.logs({ service: 'e2e-web' }).length >= 4 && c.query.spans({ name: 'routeChange' }).length >= 1
    && (!hasTtfb || c.query.metrics({ name: 'browser.web_vital.ttfb' }).length >= 1), 15_000).catch((e) => {
    // Which of the three is missing, and what the spans and metrics are.
    const names = (rows: { name: string }[]) => [...new Set(rows.map((r) => r.name))].join(', ');
    throw new Error(`${(e as Error).message}\n  spans: ${names(collector.query.spans({}))}\n  metrics: ${names(collector.query.metrics({}))}`);
  });

  const spans = collector.query.spans({ service: 'e2e-web' });
  const byUrl = (part: string) => spans.find((s) => String(s.attributes['url.full'] ?? '').includes(part))!;

  // fetch: semconv attributes, and traceparent only same-origin and to allow-listed URLs.
  const same = byUrl('/api/echo?fetch=1');
  expect(same).toMatchObject({ name: 'GET', kind: 3 });
  expect(same.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
  expect(out.sameOrigin.traceparent).toBe(`00-${same.traceId}-${same.spanId}-01`);
  const allowed = byUrl('/allowed/echo');
  expect(out.allowed.traceparent).toBe(`00-${allowed.traceId}-${allowed.spanId}-01`);
  expect(out.notAllowed.traceparent).toBeNull();
  expect(byUrl('/other/echo')).toBeTruthy();

  // XHR
  const x = byUrl('/api/echo?xhr=1');
  expect(x.attributes['http.response.status_code']).toBe(200);
  expect(out.xhr.traceparent).toBe(`00-${x.traceId}-${x.spanId}-01`);

  // Errors on requests: 404 and a network error.
  expect(byUrl('/api/missing').attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
  expect(byUrl('/unreachable')).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'error.type': 'TypeError' }) });

  // A manual span is the parent of the fetch inside it.
  const checkout = spans.find((s) => s.name === 'checkout')!;
  expect(checkout.attributes['cart.items']).toBe(3);
  const inSpan = byUrl('in-span=1');
  expect(inSpan.parentSpanId).toBe(checkout.spanId);
  expect(inSpan.traceId).toBe(checkout.traceId);

  // Route change: its own trace, parent of the fetch it made.
  const route = spans.find((s) => s.name === 'routeChange')!;
  expect(route.attributes).toMatchObject({ 'url.path': '/cart', 'browser.navigation.previous_path': '/' });
  const routeFetch = byUrl('route=1');
  expect(routeFetch.parentSpanId).toBe(route.spanId);
  expect(byUrl('early=1').parentSpanId).not.toBe(route.spanId);
  expect(BigInt(route.endTimeUnixNano) >= BigInt(routeFetch.endTimeUnixNano), 'the route ends after its request').toBe(true);

  // Page load: documentLoad with its phases.
  const load = spans.find((s) => s.name === 'documentLoad')!;
  expect(load.attributes['url.path']).toBe('/');
  const phases = spans.filter((s) => s.parentSpanId === load.spanId).map((s) => s.name);
  expect(phases).toEqual(expect.arrayContaining(hasTtfb ? ['request', 'response', 'domProcessing'] : ['domProcessing']));
  if (!hasTtfb) expect(phases, 'no request/response phases without responseStart').not.toContain('response');

  // Session: one id on every span and log.
  const sessions = new Set(spans.map((s) => s.attributes['session.id']));
  expect(sessions.size).toBe(1);
  expect([...sessions][0]).toMatch(/^[0-9a-f]{32}$/);

  // Logs: errors with exception.* linked to nothing (no active span), the INFO log linked to checkout.
  const logs = collector.query.logs({ service: 'e2e-web' });
  const ofType = (t: string) => logs.find((l) => l.attributes['exception.type'] === t)!;
  expect(ofType('TypeError').attributes['exception.message']).toBe('tour: thrown from a timer');
  expect(ofType('RangeError').attributes['browser.error.kind']).toBe('unhandledrejection');
  expect(ofType('ResourceLoadError').attributes['url.full']).toContain('/missing-image.png');
  const info = logs.find((l) => l.body === 'checkout started')!;
  expect(info.traceId).toBe(checkout.traceId);
  expect(info.spanId).toBe(checkout.spanId);
  for (const l of logs) expect(l.attributes['session.id']).toBe([...sessions][0]);

  // Metrics: request durations, errors, the manual histogram, web vitals.
  const names = new Set(collector.query.metrics({ service: 'e2e-web' }).map((m) => m.name));
  for (const n of ['http.client.request.duration', 'browser.errors', 'cart.value', 'browser.web_vital.fcp']) {
    expect(names, n).toContain(n);
  }
  if (hasTtfb) {
    const ttfb = collector.query.metrics({ name: 'browser.web_vital.ttfb' })[0];
    expect(ttfb.attributes).toMatchObject({ 'url.path': '/' });
    expect(['good', 'needs-improvement', 'poor']).toContain(ttfb.attributes.rating);
  } else {
    expect(names, 'no TTFB without responseStart').not.toContain('browser.web_vital.ttfb');
  }

  // Resource
  expect(load.resource).toMatchObject({ 'service.name': 'e2e-web', 'service.version': '9.9.9', 'deployment.environment.name': 'test', 'telemetry.sdk.name': 'plume', 'telemetry.sdk.language': 'webjs' });
  expect(String(load.resource['user_agent.original'])).toMatch(/Mozilla/);

  // The beacon's preflight was answered for this exact origin, with credentials.
  const preflight = collector.requests.find((r) => r.method === 'OPTIONS');
  if (preflight) expect(preflight.status).toBe(204);
  expect((await page.consoleErrors()).filter((e) => !/tour:|missing|404|unreachable|ERR_|Failed to load/.test(e))).toEqual([]);
});

// The wasm is compiled off the main thread with no synchronous probe first: a CSP that
// refuses WebAssembly must still end in the JS twin, with the data delivered.
for (const [path, kind] of [['/strict', 'js'], ['/wasm-allowed', 'wasm']] as const) {
  test(`a page whose CSP ${kind === 'js' ? 'refuses' : 'allows'} wasm: ${kind} encoder, spans delivered`, async ({ page }) => {
    await page.goto(`${app.url}${path}?collector=${encodeURIComponent(collector.url)}`);
    await page.waitForFunction(() => typeof (window as any).run === 'function');
    expect(await page.evaluate(() => (window as any).run())).toBe(kind);
    await collector.waitFor((c) => c.query.spans({ service: 'e2e-csp' }).length >= 1, 10_000);
    expect(collector.query.spans({ service: 'e2e-csp' }).map((s) => s.name)).toContain('under-csp');
  });
}
