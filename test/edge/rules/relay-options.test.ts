// relay(): forwarding, codings and option validation.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../../demo/collector/index.js';
import { createEncoder, type Encoder } from '../../../src/encoder.js';
import { relay } from '../../../src/edge/relay.js';

const SITE = 'https://shop.example.com';
let collector: Collector;
let enc: Encoder;
beforeAll(async () => { collector = await startCollector(); enc = await createEncoder({ implementation: 'js' }); });
afterAll(() => collector?.close());
beforeEach(() => collector.reset());

const traces = () => enc.encodeTraces({ resourceSpans: [{ scopeSpans: [{ spans: [{
  traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'x', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2',
}] }] }] });
const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(`${SITE}/otlp/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', ...headers } });
const forwarded = () => collector.requests.filter((r) => r.path.startsWith('/v1/'));

describe('relay', () => {
  it('a Content-Encoding it accepts (x-gzip) reaches the collector in a form the collector accepts', async () => {
    const r = relay({ collector: collector.url, rateLimit: false });
    const res = (await r(post(gzipSync(traces()) as BodyInit, { 'content-encoding': 'x-gzip' })))!;
    const text = await res.text();
    // Either refused up front (415, nothing forwarded) or forwarded and stored.
    if (res.status !== 415) {
      expect(res.status, text).toBe(200);
      expect(collector.query.spans({ traceId: 'a'.repeat(32) })).toHaveLength(1);
    }
  });

  it('does not forward the browser\'s cookies, authorization or other headers', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, headers: { 'x-api-key': 'k' } });
    const res = (await r(post(traces() as BodyInit, {
      cookie: 'session=secret', authorization: 'Bearer page', 'user-agent': 'Browser/1', 'x-custom': '1', origin: SITE, referer: `${SITE}/cart`,
    })))!;
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const h = forwarded()[0].headers;
    for (const k of ['cookie', 'authorization', 'x-custom', 'origin', 'referer']) expect(h[k], k).toBeUndefined();
    expect(h['x-api-key']).toBe('k');
  });

  it('a timeoutMillis the runtime cannot use is a TypeError at relay(), not a 502 at every forward', () => {
    for (const timeoutMillis of [-1, 0, Infinity, 2.5]) {
      expect(() => relay({ collector: collector.url, rateLimit: false, timeoutMillis }), String(timeoutMillis)).toThrow(TypeError);
    }
    expect(() => relay({ collector: collector.url, rateLimit: false, timeoutMillis: 5000 })).not.toThrow();
  });

  it('a pathPrefix without its leading slash is a TypeError at relay(), not a relay that never matches', () => {
    expect(() => relay({ collector: collector.url, rateLimit: false, pathPrefix: 'otlp' })).toThrow(TypeError);
    expect(relay({ collector: collector.url, rateLimit: false, pathPrefix: '' })).toBeTypeOf('function');
  });
});
