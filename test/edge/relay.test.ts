// relay(): run in node (Request, Response, fetch and DecompressionStream are the web APIs the
// edge runtimes have), forwarding to the dev collector. workerd.test.ts runs it in workerd too.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { createEncoder, type Encoder } from '../../src/encoder.js';
import { relay } from '../../src/edge/relay.js';
import { closedPort } from './helpers.js';

const SITE = 'https://shop.example.com';
let collector: Collector;
let enc: Encoder;

beforeAll(async () => {
  collector = await startCollector();
  enc = await createEncoder({ implementation: 'js' });
});
afterAll(() => collector?.close());
beforeEach(() => collector.reset());

const traceId = (k: number) => k.toString(16).padStart(32, 'a');
const tracesJson = (k: number) => ({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-web' } }] },
    scopeSpans: [{ scope: { name: 'plume' }, spans: [{
      traceId: traceId(k), spanId: 'b7ad6b7169203331', name: 'GET /cart', kind: 3,
      startTimeUnixNano: '1764614400123456789', endTimeUnixNano: '1764614400223456789',
    }] }],
  }],
});
const metricsJson = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'browser.web_vital.lcp', unit: 'ms', gauge: { dataPoints: [{ asDouble: 1234.5, timeUnixNano: '1764614400123456789' }] } }] }] }] };
const logsJson = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1764614400123456789', severityNumber: 17, body: { stringValue: 'boom' } }] }] }] };

const post = (path: string, body: BodyInit | null, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  new Request(`${SITE}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', ...headers }, ...init });

const forwarded = () => collector.requests.filter((r) => r.path.startsWith('/v1/'));

describe('relay', () => {
  // The collector's URL is known once beforeAll has run.
  let r: ReturnType<typeof relay>;
  beforeAll(() => { r = relay({ collector: collector.url, headers: { 'x-api-key': 'server-side-secret', 'x-tenant': 'shop' }, rateLimit: false, maxBodyBytes: 64 * 1024 }); });

  it('leaves other paths alone (undefined), so it composes with routing', async () => {
    expect(await r(new Request(`${SITE}/api/cart`))).toBeUndefined();
    expect(await r(new Request(`${SITE}/otlpx/v1/traces`, { method: 'POST' }))).toBeUndefined();
    const nope = await r(post('/otlp/v1/profiles', new Uint8Array()));
    expect(nope!.status).toBe(404);
  });

  it('forwards a valid protobuf export with the server-side headers, and passes the collector\'s answer back', async () => {
    const res = (await r(post('/otlp/v1/traces', enc.encodeTraces(tracesJson(1)) as BodyInit, { origin: SITE })))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    await res.arrayBuffer();
    expect(collector.query.spans({ traceId: traceId(1) })).toHaveLength(1);
    const [seen] = forwarded();
    expect(seen.path).toBe('/v1/traces');
    expect(seen.headers).toMatchObject({ 'x-api-key': 'server-side-secret', 'x-tenant': 'shop', 'content-type': 'application/x-protobuf' });
    // Nothing of the browser's request beyond the body and its type goes on.
    expect(seen.headers.origin).toBeUndefined();
  });

  it('forwards valid metrics and logs, protobuf and JSON', async () => {
    const bodies: [string, string, BodyInit][] = [
      ['/otlp/v1/metrics', 'application/x-protobuf', enc.encodeMetrics(metricsJson) as BodyInit],
      ['/otlp/v1/logs', 'application/x-protobuf', enc.encodeLogs(logsJson) as BodyInit],
      ['/otlp/v1/traces', 'application/json', JSON.stringify(tracesJson(2))],
      ['/otlp/v1/metrics', 'application/json; charset=utf-8', JSON.stringify(metricsJson)],
      ['/otlp/v1/logs', 'application/json', JSON.stringify(logsJson)],
    ];
    for (const [path, type, body] of bodies) {
      const res = (await r(post(path, body, { 'content-type': type })))!;
      expect(res.status, `${path} ${type}: ${await res.clone().text()}`).toBe(200);
      await res.arrayBuffer();
    }
    expect(collector.query.spans({ traceId: traceId(2) })).toHaveLength(1);
    expect(collector.query.metrics({ name: 'browser.web_vital.lcp' })).toHaveLength(2);
    expect(collector.query.logs()).toHaveLength(2);
    // The canonical type, without the browser's parameters.
    expect(forwarded().map((f) => f.headers['content-type'])).toEqual([
      'application/x-protobuf', 'application/x-protobuf', 'application/json', 'application/json', 'application/json',
    ]);
  });

  it('refuses garbage and truncated protobuf with 400, forwarding nothing', async () => {
    const valid = enc.encodeTraces(tracesJson(3));
    const bad: [string, Uint8Array][] = [
      ['random bytes', Uint8Array.from({ length: 200 }, (_, k) => (k * 7919 + 13) & 0xff)],
      ['truncated', valid.subarray(0, valid.length - 5)],
      ['a logs export sent as traces', enc.encodeLogs(logsJson)],
      ['text', new TextEncoder().encode('hello, collector')],
    ];
    for (const [what, body] of bad) {
      const res = (await r(post('/otlp/v1/traces', body as BodyInit)))!;
      expect(res.status, what).toBe(400);
      expect(await res.text()).toMatch(/^400 bad request: not an OTLP traces export: /);
    }
    expect(forwarded()).toHaveLength(0);
  });

  it('refuses JSON that does not parse or lacks the top-level array, with 400', async () => {
    for (const body of ['{"resourceSpans": [', '{"resourceLogs": []}', '[]', '{"resourceSpans": {}}', '\xff']) {
      const res = (await r(post('/otlp/v1/traces', body, { 'content-type': 'application/json' })))!;
      expect(res.status, body).toBe(400);
      await res.text();
    }
    expect(forwarded()).toHaveLength(0);
  });

  it('answers 415 to other content types (as the collector does) and 405 to other methods', async () => {
    const res = (await r(post('/otlp/v1/traces', 'x', { 'content-type': 'text/plain' })))!;
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('application/x-protobuf');
    const get = (await r(new Request(`${SITE}/otlp/v1/traces`)))!;
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const br = (await r(post('/otlp/v1/traces', enc.encodeTraces(tracesJson(4)) as BodyInit, { 'content-encoding': 'br' })))!;
    expect(br.status).toBe(415);
    expect(forwarded()).toHaveLength(0);
  });

  it('answers 413 over the limit: by Content-Length before reading, and while streaming without one', async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    // A Request made here has no Content-Length header; the ones runtimes hand over do.
    const declared = (await r(post('/otlp/v1/traces', big as BodyInit, { 'content-length': String(big.length) })))!;
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('65537 bytes');
    // A streamed body (chunked, no Content-Length) is counted as it arrives.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        if (pulled > 1000) c.close(); else c.enqueue(new Uint8Array(1024));
      },
    });
    const streamed = (await r(post('/otlp/v1/traces', stream, {}, { duplex: 'half' } as RequestInit)))!;
    expect(streamed.status).toBe(413);
    // It stopped reading soon after the limit, not at the end of the stream.
    expect(pulled).toBeLessThan(100);
    expect(forwarded()).toHaveLength(0);
  });

  it('takes gzip bodies: checks them decompressed, forwards them compressed; a bomb is 413', async () => {
    const body = gzipSync(enc.encodeTraces(tracesJson(5)));
    const res = (await r(post('/otlp/v1/traces', body as BodyInit, { 'content-encoding': 'gzip' })))!;
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(collector.query.spans({ traceId: traceId(5) })).toHaveLength(1);
    expect(forwarded()[0]).toMatchObject({ bodyBytes: body.length, headers: { 'content-encoding': 'gzip' } });

    const bomb = gzipSync(new Uint8Array(4 << 20));
    const refused = (await r(post('/otlp/v1/traces', bomb as BodyInit, { 'content-encoding': 'gzip' })))!;
    expect(refused.status).toBe(413);
    const notGzip = (await r(post('/otlp/v1/traces', new Uint8Array([1, 2, 3]) as BodyInit, { 'content-encoding': 'gzip' })))!;
    expect(notGzip.status).toBe(400);
    expect(forwarded()).toHaveLength(1);
  });

  it('rate-limits per client address: 429 with Retry-After, other clients unaffected', async () => {
    // The address by an explicit rule (a proxy of the site's own sets x-client); the runtime
    // adapters' rules are in rules/relay-client-address.test.ts and the workerd and Deno tests.
    const limited = relay({
      collector: collector.url, rateLimit: { requests: 2, perSeconds: 60 },
      clientAddress: (req) => req.headers.get('x-client') ?? undefined,
    });
    const from = (ip: string) => post('/otlp/v1/traces', enc.encodeTraces(tracesJson(6)) as BodyInit, { 'x-client': ip });
    for (let k = 0; k < 2; k++) {
      const ok = (await limited(from('198.51.100.1')))!;
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
    const third = (await limited(from('198.51.100.1')))!;
    expect(third.status).toBe(429);
    // 2 per 60 s: one token comes back in 30 s.
    expect(Number(third.headers.get('retry-after'))).toBe(30);
    const other = (await limited(from('198.51.100.2')))!;
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    // A forwarding header the client wrote changes nothing.
    const spoofed = { 'x-client': '198.51.100.1', 'cf-connecting-ip': '198.51.100.3' };
    const cf = (await limited(post('/otlp/v1/traces', enc.encodeTraces(tracesJson(6)) as BodyInit, spoofed)))!;
    expect(cf.status).toBe(429);
    expect(forwarded()).toHaveLength(3);
  });

  it('passes the collector\'s refusals back (status, Retry-After; its body only to the server log)', async () => {
    collector.failNext({ status: 503, retryAfter: 7 });
    const res = (await r(post('/otlp/v1/traces', enc.encodeTraces(tracesJson(7)) as BodyInit)))!;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.text()).toBe('503 the collector did not accept the export\n');
  });

  it('answers 502 when the collector cannot be reached', async () => {
    const down = relay({ collector: `http://127.0.0.1:${await closedPort()}`, rateLimit: false });
    const res = (await down(post('/otlp/v1/traces', enc.encodeTraces(tracesJson(8)) as BodyInit)))!;
    expect(res.status).toBe(502);
  });

  it('answers a CORS preflight from the site itself (and listed origins), not from others', async () => {
    const preflight = (origin: string, rr = r) => rr(new Request(`${SITE}/otlp/v1/traces`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    }));
    const same = (await preflight(SITE))!;
    expect(same.status).toBe(204);
    expect(Object.fromEntries(same.headers)).toMatchObject({
      'access-control-allow-origin': SITE, 'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, content-encoding', vary: 'Origin',
    });
    const other = (await preflight('https://evil.example'))!;
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const listed = relay({ collector: collector.url, allowOrigins: ['https://www.example.com'] });
    expect((await preflight('https://www.example.com', listed))!.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    // Behind a proxy the request URL is internal: the site lists its public origin (a
    // forwarded host is a header anyone can send, so it is not taken for the site).
    const behind = relay({ collector: collector.url, allowOrigins: [SITE] });
    const init = {
      method: 'OPTIONS', headers: { origin: SITE, 'x-forwarded-host': 'shop.example.com', 'access-control-request-method': 'POST' },
    };
    expect((await r(new Request('http://10.0.0.5:8080/otlp/v1/traces', init)))!.headers.get('access-control-allow-origin')).toBeNull();
    expect((await behind(new Request('http://10.0.0.5:8080/otlp/v1/traces', init)))!.headers.get('access-control-allow-origin')).toBe(SITE);
  });

  it('a custom pathPrefix', async () => {
    const mounted = relay({ collector: collector.url, pathPrefix: '/_t/' });
    expect(await mounted(post('/otlp/v1/traces', new Uint8Array() as BodyInit))).toBeUndefined();
    const res = (await mounted(post('/_t/v1/traces', enc.encodeTraces(tracesJson(9)) as BodyInit)))!;
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('refuses bad options at once, with a TypeError', () => {
    expect(() => relay({ collector: 'not a url' })).toThrow(TypeError);
    expect(() => relay({ collector: 'ftp://x' })).toThrow(/http\(s\)/);
    expect(() => relay({ collector: 'http://x', rateLimit: { requests: 0, perSeconds: 1 } })).toThrow(TypeError);
    expect(() => relay({ collector: 'http://x', headers: { k: 1 as unknown as string } })).toThrow(/headers\.k/);
  });
});
