// The viewer: its static page and the JSON API it draws from, with the numbers it computes
// (percentiles from histogram buckets, grouped errors) checked against hand-worked values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { histogram, logsBody, metricsBody, post, spanId, T0, traceId, tracesBody } from './otlp.js';

let c: Collector;
const t1 = traceId();
const t2 = traceId();
const t3 = traceId();
const root = spanId();

async function api(path: string) {
  const res = await fetch(`${c.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

beforeAll(async () => {
  c = await startCollector();
  const exception = (message: string, time: bigint, stack?: string) => ({
    name: 'exception', time,
    attributes: { 'exception.type': 'TypeError', 'exception.message': message, ...(stack ? { 'exception.stacktrace': stack } : {}) },
  });
  expect((await post(c.url, 'traces', tracesBody([
    { service: 'shop-web', attributes: { 'session.id': 'sess-9' }, spans: [
      { traceId: t1, spanId: root, name: 'page load', start: T0, end: T0 + 500_000_000n },
      { traceId: t2, name: 'click', start: T0 + 1_000_000_000n, end: T0 + 1_002_000_000n, events: [exception('x is undefined', T0 + 2n, 'at foo (app.js:1:2)')] },
    ] },
    { service: 'edge', spans: [
      { traceId: t1, parentSpanId: root, name: 'GET /api/cart', kind: 2, start: T0 + 100_000_000n, end: T0 + 200_000_000n,
        status: { code: 2, message: 'upstream 500' }, events: [exception('x is undefined', T0 + 1n)] },
    ] },
  ]))).status).toBe(200);

  expect((await post(c.url, 'logs', logsBody([{ service: 'shop-web', logs: [
    { time: T0 + 3n, severityNumber: 17, body: 'uncaught', attributes: { 'exception.type': 'TypeError', 'exception.message': 'x is undefined' } },
    { time: T0 + 4n, severityNumber: 17, traceId: t3, attributes: { 'exception.type': 'NetworkError', 'exception.message': 'failed to fetch' } },
    { time: T0 + 5n, severityNumber: 9, body: 'not an error', traceId: t1 },
  ] }]))).status).toBe(200);

  const lcp = (route: Record<string, string>, counts: number[], rating: string) =>
    ({ attributes: { ...route, rating }, bounds: [1000, 2000, 3000, 4000], counts });
  const exp = (scale: number, offset: number, counts: bigint[]) => ({
    attributes: [{ key: 'url.path', value: { value: { case: 'stringValue', value: '/cart' } } }],
    timeUnixNano: T0, count: counts.reduce((a, b) => a + b, 0n), scale, zeroCount: 0n, positive: { offset, bucketCounts: counts },
  });
  expect((await post(c.url, 'metrics', metricsBody([{ service: 'shop-web', metrics: [
    histogram('browser.web_vital.lcp', 'ms', [
      lcp({ 'url.path': '/cart' }, [0, 10, 0, 0, 0], 'good'),
      lcp({ 'url.path': '/cart' }, [0, 0, 10, 0, 0], 'needs-improvement'),
      lcp({ route: '/checkout' }, [0, 0, 0, 10, 0], 'needs-improvement'),
    ]),
    // Cumulative: the second point repeats the first one's samples; only it may count.
    histogram('browser.web_vital.cls', '1', [
      { attributes: { 'url.path': '/cart' }, bounds: [0.1], counts: [5, 0], time: T0 + 1n },
      { attributes: { 'url.path': '/cart' }, bounds: [0.1], counts: [8, 2], time: T0 + 2n },
    ], 2),
    // Scale 0 bucket 3 is (8, 16]; scale 1 bucket 8 is (16, 22.6], i.e. scale 0 bucket 4 (16, 32].
    { name: 'browser.web_vital.inp', unit: 'ms', data: { case: 'exponentialHistogram', value: { aggregationTemporality: 1, dataPoints: [
      exp(0, 3, [4n]), exp(1, 8, [4n]),
    ] } } },
    histogram('http.server.request.duration', 's', [
      { attributes: { 'http.request.method': 'GET', 'http.route': '/api/cart' }, bounds: [0.1, 0.2, 0.5], counts: [10, 10, 0, 0] },
    ]),
    histogram('http.client.request.duration', 's', [
      { attributes: { 'http.request.method': 'POST', 'server.address': 'api.example.com' }, bounds: [0.1], counts: [0, 4], max: 0.3 },
    ]),
  ] }]))).status).toBe(200);
});
afterAll(() => c.close());

describe('viewer', () => {
  it('serves the page, its script and stylesheet under a strict CSP', async () => {
    const page = await fetch(`${c.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('data-testid="nav-vitals"');
    const script = await fetch(`${c.url}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await script.text();
    for (const id of ['trace-row', 'waterfall-span', 'span-detail', 'vital-p75', 'error-group', 'duration-row']) expect(js).toContain(`'${id}'`);
    expect(js).not.toMatch(/innerHTML|eval\(|https?:\/\//);
    const css = await fetch(`${c.url}/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).not.toMatch(/@import|url\(/);
    // The viewer's own requests stay out of the receiver's request log.
    expect(c.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });

  it('/api/traces lists trace summaries with filters, and the services to filter by', async () => {
    const all = await api('/api/traces');
    expect(all.status).toBe(200);
    expect(all.type).toBe('application/json; charset=utf-8');
    expect(all.body.services).toEqual(['edge', 'shop-web']);
    expect(all.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([t2, t1]);
    expect(all.body.traces[1]).toMatchObject({
      traceId: t1, rootName: 'page load', rootService: 'shop-web', services: ['edge', 'shop-web'], spanCount: 2,
      error: true, errorCount: 1, durationMs: 500, sessionId: 'sess-9',
    });
    expect((await api('/api/traces?service=edge')).body.traces).toHaveLength(1);
    expect((await api('/api/traces?status=ok')).body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([t2]);
    expect((await api('/api/traces?session=sess-9&name=click')).body.traces.map((t: { rootName: string }) => t.rootName)).toEqual(['click']);
    expect((await api('/api/traces?status=maybe')).status).toBe(400);
  });

  it('/api/trace/:id returns the spans of every service in start order, and the trace logs', async () => {
    const res = await api(`/api/trace/${t1.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.traceId).toBe(t1);
    expect(res.body.spans.map((s: { name: string; service: string; parentSpanId: string }) => [s.name, s.service, s.parentSpanId]))
      .toEqual([['page load', 'shop-web', ''], ['GET /api/cart', 'edge', root]]);
    expect(res.body.spans[1].events[0].attributes['exception.type']).toBe('TypeError');
    expect(res.body.logs.map((l: { body: string }) => l.body)).toEqual(['not an error']);
    expect((await api(`/api/trace/${traceId()}`)).status).toBe(404);
    expect((await api('/api/trace/not-an-id')).status).toBe(400);
  });

  it('/api/vitals gives p75 per vital and route, estimated from explicit and exponential buckets', async () => {
    const { body } = await api('/api/vitals');
    const row = (vital: string, route: string) => body.vitals.find((v: { vital: string; route: string }) => v.vital === vital && v.route === route);
    // (1000,2000]:10 (2000,3000]:10 → the 15th of 20 samples sits half way into (2000,3000].
    expect(row('lcp', '/cart')).toMatchObject({ metric: 'browser.web_vital.lcp', unit: 'ms', count: 20, p75: 2500, rating: 'good',
      ratings: { good: 10, 'needs-improvement': 10 } });
    expect(row('lcp', '/checkout')).toMatchObject({ count: 10, p75: 3750, rating: 'needs-improvement' });
    // Only the newest cumulative point: 10 samples, 8 of them in (0, 0.1].
    expect(row('cls', '/cart').count).toBe(10);
    expect(row('cls', '/cart').p75).toBeCloseTo(0.09375, 10);
    expect(row('inp', '/cart')).toMatchObject({ count: 8, p75: 24, rating: 'good' });
    expect(row('inp', '/cart').histogram).toEqual([{ lo: 8, hi: 16, count: 4 }, { lo: 16, hi: 32, count: 4 }]);
    const overall = body.overall.find((v: { vital: string }) => v.vital === 'lcp');
    expect(overall).toMatchObject({ route: '(all routes)', count: 30, p75: 3250 });
    expect(overall.histogram).toEqual([{ lo: 1000, hi: 2000, count: 10 }, { lo: 2000, hi: 3000, count: 10 }, { lo: 3000, hi: 4000, count: 10 }]);
    expect(body.vitals.map((v: { vital: string }) => v.vital)).toEqual(['lcp', 'lcp', 'inp', 'cls']);
  });

  it('/api/errors groups span exceptions and exception logs by type and message', async () => {
    const { body } = await api('/api/errors');
    expect(body.groups.map((g: { type: string; message: string; count: number }) => [g.type, g.message, g.count])).toEqual([
      ['NetworkError', 'failed to fetch', 1],
      ['TypeError', 'x is undefined', 3],
    ]);
    expect(body.groups[1]).toMatchObject({
      sources: { spanEvent: 2, log: 1 }, services: ['edge', 'shop-web'],
      firstSeenUnixNano: (T0 + 1n).toString(), lastSeenUnixNano: (T0 + 3n).toString(),
      traceId: t2, spanName: 'click', stacktrace: 'at foo (app.js:1:2)',
    });
    expect(body.groups[0]).toMatchObject({ traceId: t3, sources: { spanEvent: 0, log: 1 } });
  });

  it('/api/durations gives p50/p75/p95 by method and route or server address', async () => {
    const { body } = await api('/api/durations');
    expect(body.rows).toHaveLength(2);
    const [client, server] = body.rows;
    expect(client).toMatchObject({ metric: 'http.client.request.duration', kind: 'client', method: 'POST', target: 'api.example.com', unit: 's', count: 4 });
    // All 4 in (0.1, +inf), whose upper edge is the recorded max 0.3.
    expect(client.p50).toBeCloseTo(0.2, 10);
    expect(client.p95).toBeCloseTo(0.29, 10);
    expect(server).toMatchObject({ metric: 'http.server.request.duration', kind: 'server', service: 'shop-web', method: 'GET', target: '/api/cart', count: 20 });
    expect(server.p50).toBeCloseTo(0.1, 10);
    expect(server.p75).toBeCloseTo(0.15, 10);
    expect(server.p95).toBeCloseTo(0.19, 10);
  });

  it('/api/stats, /api/spans, /api/metrics and /api/logs expose counters and rows; the API is read-only', async () => {
    const stats = (await api('/api/stats')).body;
    expect(stats.stored).toEqual({ spans: 3, points: 9, records: 3 });
    expect(stats.received.traces.spans).toBe(3);
    expect((await api('/api/spans?service=edge')).body.spans.map((s: { name: string }) => s.name)).toEqual(['GET /api/cart']);
    expect((await api('/api/metrics?name=browser.web_vital.cls')).body.metrics).toHaveLength(2);
    expect((await api('/api/logs?severityMin=17')).body.logs).toHaveLength(2);
    expect((await api('/api/nope')).status).toBe(404);
    expect((await fetch(`${c.url}/api/traces`, { method: 'DELETE' })).status).toBe(405);
  });
});
