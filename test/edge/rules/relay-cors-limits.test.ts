// relay(): CORS compares the whole origin with the site's own (the URL it was reached at) and
// the listed ones, never with request headers; the options that could not work are refused;
// the number of requests in flight is bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relay } from '../../../src/edge/relay.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { post, SITE, traces, within } from './relay-harness.js';

let collector: FakeCollector;
beforeAll(async () => { collector = await startFakeCollector(); });
afterAll(() => collector?.close());

const preflight = (origin: string, headers: Record<string, string> = {}, url = `${SITE}/otlp/v1/traces`) => new Request(url, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', ...headers },
});
const acao = async (p: Promise<Response | undefined>) => {
  const res = (await p)!;
  await res.arrayBuffer();
  return res.headers.get('access-control-allow-origin');
};

describe('relay: CORS', () => {
  const r = () => relay({ collector: collector.url, rateLimit: false, allowOrigins: ['https://WWW.Example.com/'] });

  it('the site\'s own origin and listed ones are allowed, as browsers serialize them', async () => {
    expect(await acao(r()(preflight(SITE)))).toBe(SITE);
    expect(await acao(r()(post(traces() as BodyInit, { origin: SITE })))).toBe(SITE);
    // A listed origin is compared in its serialized form (lower case, no trailing slash).
    expect(await acao(r()(preflight('https://www.example.com')))).toBe('https://www.example.com');
  });

  it('http:// on an https site is another origin: no CORS headers', async () => {
    expect(await acao(r()(preflight('http://shop.example.com')))).toBeNull();
    expect(await acao(r()(post(traces() as BodyInit, { origin: 'http://shop.example.com' })))).toBeNull();
    expect(await acao(r()(preflight('https://shop.example.com:8443')))).toBeNull();
  });

  it('an X-Forwarded-Host naming the origin\'s host does not make it the site', async () => {
    for (const headers of [{ 'x-forwarded-host': 'evil.example' }, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }]) {
      expect(await acao(r()(preflight('https://evil.example', headers)))).toBeNull();
      expect(await acao(r()(post(traces() as BodyInit, { origin: 'https://evil.example', ...headers })))).toBeNull();
    }
  });

  it('origins that are not serialized origins are never reflected: userinfo, upper case, a path, null', async () => {
    for (const origin of ['https://user:pw@shop.example.com', 'HTTPS://SHOP.EXAMPLE.COM', 'https://Shop.example.com',
      'https://shop.example.com/', 'https://shop.example.com:443', 'null', 'https://WWW.Example.com/']) {
      expect(await acao(r()(preflight(origin))), origin).toBeNull();
    }
  });

  it('every answer says Vary: Origin', async () => {
    const requests = [preflight('https://evil.example'), preflight(SITE), post(traces() as BodyInit), new Request(`${SITE}/otlp/v1/nope`)];
    for (const req of requests) {
      const res = (await r()(req))!;
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('an allowOrigins entry that is not an origin is a TypeError', () => {
    for (const o of ['shop.example.com', 'https://shop.example.com/path', 'https://u@shop.example.com', 'ftp://x.example', '*']) {
      expect(() => relay({ collector: collector.url, allowOrigins: [o] }), o).toThrow(TypeError);
    }
  });
});

describe('relay: options and limits', () => {
  it('pathPrefix "" serves the three OTLP paths and leaves every other route to the site', async () => {
    const root = relay({ collector: collector.url, rateLimit: false, pathPrefix: '' });
    expect(await root(new Request(`${SITE}/`))).toBeUndefined();
    expect(await root(new Request(`${SITE}/cart`, { method: 'POST' }))).toBeUndefined();
    expect(await root(new Request(`${SITE}/v1/profiles`, { method: 'POST' }))).toBeUndefined();
    const res = (await root(post(traces() as BodyInit, {}, '/v1/traces')))!;
    expect(res.status).toBe(200);
  });

  it('a rate limit that could never let a request through, or never refill, is a TypeError', () => {
    for (const rateLimit of [{ requests: 0.5, perSeconds: 1 }, { requests: 1.5, perSeconds: 1 }, { requests: 0, perSeconds: 1 },
      { requests: 5, perSeconds: 0 }, { requests: 5, perSeconds: Infinity }, { requests: Infinity, perSeconds: 1 }]) {
      expect(() => relay({ collector: collector.url, rateLimit }), JSON.stringify(rateLimit)).toThrow(TypeError);
    }
    expect(() => relay({ collector: collector.url, rateLimit: { requests: 1, perSeconds: 0.5 } })).not.toThrow();
  });

  it('maxConcurrent: beyond it, 503 with Retry-After (no token spent); below it again, served', async () => {
    expect(() => relay({ collector: collector.url, maxConcurrent: 0 })).toThrow(TypeError);
    const r = relay({ collector: collector.url, rateLimit: { requests: 3, perSeconds: 600 }, maxConcurrent: 2 });
    // Two requests whose bodies are held back: both in flight.
    const holds: (() => void)[] = [];
    const held = () => {
      const body = traces();
      const stream = new ReadableStream<Uint8Array>({
        start(c) { c.enqueue(body.subarray(0, 4)); },
        pull(c) { return new Promise<void>((resolve) => { holds.push(() => { c.enqueue(body.subarray(4)); c.close(); resolve(); }); }); },
      }, { highWaterMark: 0 });
      return r(post(stream, {}, '/otlp/v1/traces', { duplex: 'half' } as RequestInit));
    };
    const first = held();
    const second = held();
    const bothReading = (async () => { while (holds.length < 2) await new Promise((resolve) => setTimeout(resolve, 5)); })();
    expect(await within(bothReading, 5000)).not.toBe('pending');
    const busy = (await r(post(traces() as BodyInit)))!;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    for (const release of holds) release();
    expect([(await first)!.status, (await second)!.status]).toEqual([200, 200]);
    // The 503 spent no token: the third of three is still there.
    expect((await r(post(traces() as BodyInit)))!.status).toBe(200);
  });
});
