// The behaviour every runtime must show, run against a worker that serves workers/app.ts.
import { expect, it } from 'vitest';
import type { Collector, SpanRow } from '../../demo/collector/index.js';
import { closedPort, serverTimingTraceparent, type Gate, type Upstream } from './helpers.js';

export interface Harness {
  base: string;
  collector: Collector;
  upstream: Upstream;
  gate: Gate;
  service: string;
  runtime: string;
  /** The client.address the runtime's adapter vouches for, for a request from this process (none: undefined). */
  client?: string;
}

// OTLP span kinds as the collector stores them.
export const SERVER = 2;
export const CLIENT = 3;
const ERROR = 2;

let seq = 0;
export const newId = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export async function spansOf(c: Collector, traceId: string, n: number): Promise<SpanRow[]> {
  await c.waitFor((c) => c.query.spans({ traceId }).length >= n, 10_000);
  return c.query.spans({ traceId });
}

export async function request(h: Harness, path: string, init?: RequestInit) {
  const res = await fetch(`${h.base}${path}`, init);
  const body = await res.text();
  return { res, body, timing: serverTimingTraceparent(res.headers.get('server-timing')) };
}

export function runtimeSuite(get: () => Harness): void {
  it('traces a request: SERVER and CLIENT spans in one trace, traceparent to the upstream, Server-Timing back', async () => {
    const h = get();
    const id = newId('call');
    const { res, body, timing } = await request(h, `/call?id=${id}`, {
      headers: { 'user-agent': 'edge-test/1.0', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
    });
    expect(res.status).toBe(200);
    expect(body).toBe('upstream said hello');
    // The app's own Server-Timing metric stays; ours is added.
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=2, traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
    expect(timing).toBeDefined();

    const spans = await spansOf(h.collector, timing!.traceId, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(server.spanId).toBe(timing!.spanId);
    expect(server.parentSpanId).toBe('');
    expect(server.name).toBe('GET');
    expect(server.service).toBe(h.service);
    const port = Number(new URL(h.base).port);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${h.base}/call?id=${id}`,
      'url.path': '/call',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': port,
      'user_agent.original': 'edge-test/1.0',
      'http.response.status_code': 200,
    });
    // The address the platform vouches for, never X-Forwarded-For as the client sent it.
    expect(server.attributes['client.address']).toBe(h.client);
    expect(server.statusCode).toBe(0);
    expect(server.resource).toMatchObject({
      'service.name': h.service,
      'telemetry.sdk.name': 'plume',
      'telemetry.sdk.language': 'js',
      'process.runtime.name': h.runtime,
    });

    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.traceId).toBe(server.traceId);
    expect(client.name).toBe('GET');
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET', 'url.full': `${h.upstream.url}/up?id=${id}`, 'http.response.status_code': 200,
    });
    expect(h.upstream.seen.get(id)!.headers.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
  });

  it('@opentelemetry/api inside a handler: its span is a child of the SERVER span, its fetch and log record are its', async () => {
    const h = get();
    const id = newId('api');
    const { res, timing } = await request(h, `/api?id=${id}`);
    expect(res.status).toBe(200);
    const spans = await spansOf(h.collector, timing!.traceId, 3);
    const server = spans.find((s) => s.kind === SERVER)!;
    const lib = spans.find((s) => s.name === 'lib.work')!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(server.spanId).toBe(timing!.spanId);
    expect(lib).toMatchObject({ scope: 'edge-lib', scopeVersion: '1.2.3', parentSpanId: server.spanId, service: h.service });
    expect(client.parentSpanId).toBe(lib.spanId);
    await h.collector.waitFor((c) => c.query.logs({ traceId: server.traceId }).length >= 1, 10_000);
    const [log] = h.collector.query.logs({ traceId: server.traceId });
    expect(log).toMatchObject({ spanId: lib.spanId, scope: 'edge-lib' });
  });

  it('continues an incoming traceparent, tracestate and baggage', async () => {
    const h = get();
    const id = newId('continue');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const { timing } = await request(h, `/call?id=${id}`, {
      headers: { traceparent: `00-${traceId}-${parent}-01`, tracestate: 'vendor=abc', baggage: 'user.tier=gold' },
    });
    expect(timing!.traceId).toBe(traceId);
    const spans = await spansOf(h.collector, traceId, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.spanId).toBe(timing!.spanId);
    expect(server.parentSpanId).toBe(parent);
    expect(server.traceState).toBe('vendor=abc');
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(client.parentSpanId).toBe(server.spanId);
    const seen = h.upstream.seen.get(id)!.headers;
    expect(seen.traceparent).toBe(`00-${traceId}-${client.spanId}-01`);
    expect(seen.tracestate).toBe('vendor=abc');
    expect(seen.baggage).toBe('user.tier=gold');
  });

  it('records a thrown exception on the SERVER span and rethrows the very same error', async () => {
    const h = get();
    const id = newId('throw');
    const traceId = 'a'.repeat(31) + '1';
    const { res } = await request(h, `/throw?id=${id}&check`, { headers: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01` } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-same-error')).toBe('true');
    const [server] = await spansOf(h.collector, traceId, 1);
    expect(server.kind).toBe(SERVER);
    expect(server.statusCode).toBe(ERROR);
    expect(server.statusMessage).toBe(`boom ${id}`);
    expect(server.attributes['error.type']).toBe('Boom');
    expect(server.attributes['http.response.status_code']).toBeUndefined();
    const ex = server.events.find((e) => e.name === 'exception')!;
    expect(ex.attributes).toMatchObject({ 'exception.type': 'Boom', 'exception.message': `boom ${id}` });
    expect(String(ex.attributes['exception.stacktrace'])).toContain('Boom');

    // Uncaught, the runtime answers for it as it would without Plume.
    const plain = await fetch(`${h.base}/throw?id=${id}-2`);
    expect(plain.status).toBe(500);
    await plain.text();
  });

  it('5xx is an error on the server side, 4xx is not', async () => {
    const h = get();
    const five = await request(h, '/500');
    const four = await request(h, '/404');
    expect(five.res.status).toBe(500);
    expect(four.res.status).toBe(404);
    const [s5] = await spansOf(h.collector, five.timing!.traceId, 1);
    const [s4] = await spansOf(h.collector, four.timing!.traceId, 1);
    expect(s5.statusCode).toBe(ERROR);
    expect(s5.attributes['error.type']).toBe('500');
    expect(s4.statusCode).toBe(0);
    expect(s4.attributes['error.type']).toBeUndefined();
    expect(s4.attributes['http.response.status_code']).toBe(404);
  });

  it('exports after the response: the response is back while the export is still held at the gate', async () => {
    const h = get();
    h.gate.hold();
    try {
      const before = h.gate.arrived;
      const { res, timing } = await request(h, `/call?id=${newId('after')}`);
      expect(res.status).toBe(200);
      // The export does arrive, and it waits; nothing of this trace is stored yet.
      await h.collector.waitFor(() => h.gate.arrived > before && h.gate.waiting > 0, 10_000);
      expect(h.collector.query.spans({ traceId: timing!.traceId })).toHaveLength(0);
      h.gate.release();
      await spansOf(h.collector, timing!.traceId, 2);
    } finally {
      h.gate.release();
    }
  });

  it('traces every fetch form (Request, URL, header tuples, Headers, records) and keeps the caller\'s headers', async () => {
    const h = get();
    const id = newId('forms');
    const { body, timing } = await request(h, `/forms?id=${id}`);
    expect(body).toBe('forms');
    const spans = await spansOf(h.collector, timing!.traceId, 6);
    const clients = spans.filter((s) => s.kind === CLIENT);
    expect(clients).toHaveLength(5);
    for (const form of ['request', 'url', 'tuples', 'headers', 'record']) {
      const seen = h.upstream.seen.get(`${id}-${form}`)!;
      const client = clients.find((s) => String(s.attributes['url.full']).endsWith(`id=${id}-${form}`))!;
      expect(client.parentSpanId).toBe(timing!.spanId);
      expect(seen.headers.traceparent).toBe(`00-${timing!.traceId}-${client.spanId}-01`);
      if (form !== 'url') expect(seen.headers['x-form']).toBe(form);
    }
    expect(h.upstream.seen.get(`${id}-record`)).toMatchObject({ method: 'POST', body: 'hi' });
  });

  it('a failed outbound fetch: the caller gets the rejection, the CLIENT span the error', async () => {
    const h = get();
    const { body, timing } = await request(h, `/refused?port=${await closedPort()}`);
    expect(body).toMatch(/^rejected \w+/);
    const spans = await spansOf(h.collector, timing!.traceId, 2);
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(client.statusCode).toBe(ERROR);
    expect(client.attributes['error.type']).toBe(body.slice('rejected '.length));
  });

  it('a passed-through upstream response (immutable headers) gets our traceparent instead of the upstream\'s', async () => {
    const h = get();
    const id = newId('proxy');
    const { res, body, timing } = await request(h, `/proxy?id=${id}`);
    expect(body).toBe('hello');
    const st = res.headers.get('server-timing')!;
    expect(st).toMatch(/^db;dur=1\.5, traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
    expect(st).not.toContain('2222222222222222');
    const spans = await spansOf(h.collector, timing!.traceId, 2);
    expect(spans.find((s) => s.kind === SERVER)!.spanId).toBe(timing!.spanId);
  });

  it('setRoute names the span and sets http.route; the duration histograms are exported', async () => {
    const h = get();
    const { timing } = await request(h, '/route');
    const [server] = await spansOf(h.collector, timing!.traceId, 1);
    expect(server.name).toBe('GET /route/:id');
    expect(server.attributes['http.route']).toBe('/route/:id');
    await h.collector.waitFor((c) => c.query.metrics({ name: 'http.server.request.duration', service: h.service }).length > 0);
    const points = h.collector.query.metrics({ name: 'http.server.request.duration', service: h.service });
    expect(points[0]).toMatchObject({ type: 'histogram', unit: 's' });
    expect(points[0].explicitBounds).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    expect(points.some((p) => p.attributes['http.route'] === '/route/:id' && p.attributes['http.response.status_code'] === 200)).toBe(true);
    expect(h.collector.query.metrics({ name: 'http.client.request.duration', service: h.service }).length).toBeGreaterThan(0);
  });

  it('work handed to waitUntil is waited for (or, without waitUntil, exported later): its CLIENT span arrives', async () => {
    const h = get();
    const id = newId('bg');
    const { body, timing } = await request(h, `/background?id=${id}`);
    expect(body).toBe('background');
    const spans = await spansOf(h.collector, timing!.traceId, 2);
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(client.parentSpanId).toBe(timing!.spanId);
    expect(h.upstream.seen.get(id)!.headers.traceparent).toBe(`00-${timing!.traceId}-${client.spanId}-01`);
  });
}

/**
 * Two requests in flight at once, each fetching after a timer. With AsyncLocalStorage each
 * CLIENT span has its own request's SERVER span as parent; without it the spans are roots,
 * never the other request's child. Passed explicitly, the context always links them.
 */
export function concurrencySuite(get: () => Harness, hasAls: boolean): void {
  it(`concurrent requests: outbound spans ${hasAls ? 'find their own request (AsyncLocalStorage)' : 'are roots, never crossed (no AsyncLocalStorage)'}`, async () => {
    const h = get();
    const ids = [newId('conc'), newId('conc')];
    const results = await Promise.all(ids.map((id, k) => request(h, `/delayed?id=${id}&ms=${150 + 50 * k}&after=${200 - 50 * k}`)));
    for (const [k, id] of ids.entries()) {
      const { timing } = results[k];
      const seen = h.upstream.seen.get(id)!.headers.traceparent;
      expect(seen).toBeDefined();
      const [, traceId, spanId] = seen.split('-');
      if (hasAls) {
        expect(traceId).toBe(timing!.traceId);
        const spans = await spansOf(h.collector, traceId, 2);
        expect(spans.find((s) => s.spanId === spanId)!.parentSpanId).toBe(timing!.spanId);
      } else {
        // Not the other request's trace, and no parent at all.
        expect(traceId).not.toBe(results[1 - k].timing!.traceId);
        const [client] = await spansOf(h.collector, traceId, 1);
        expect(client.kind).toBe(CLIENT);
        expect(client.parentSpanId).toBe('');
      }
    }
  });

  it('concurrent requests: a context passed explicitly (requestContext) always links the span', async () => {
    const h = get();
    const ids = [newId('expl'), newId('expl')];
    const results = await Promise.all(ids.map((id, k) => request(h, `/explicit?id=${id}&ms=${150 + 50 * k}&after=${200 - 50 * k}`)));
    for (const [k, id] of ids.entries()) {
      const { timing } = results[k];
      const [, traceId, spanId] = h.upstream.seen.get(id)!.headers.traceparent.split('-');
      expect(traceId).toBe(timing!.traceId);
      const spans = await spansOf(h.collector, traceId, 2);
      expect(spans.find((s) => s.spanId === spanId)!.parentSpanId).toBe(timing!.spanId);
    }
  });

  it('one request in flight: a fetch after a timer still finds its parent', async () => {
    const h = get();
    const id = newId('single');
    const { timing } = await request(h, `/delayed?id=${id}&ms=20`);
    const [, traceId, spanId] = h.upstream.seen.get(id)!.headers.traceparent.split('-');
    expect(traceId).toBe(timing!.traceId);
    const spans = await spansOf(h.collector, traceId, 2);
    expect(spans.find((s) => s.spanId === spanId)!.parentSpanId).toBe(timing!.spanId);
  });
}
