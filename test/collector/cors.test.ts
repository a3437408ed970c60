// CORS answers, header for header, as the OpenTelemetry Collector (confighttp + rs/cors) gives
// them with cors.allowed_origins set — and the misconfigured wildcard variant.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { rawRequest, tracesBody } from './otlp.js';

const ORIGIN = 'http://127.0.0.1:8080';
const CORS_HEADERS = [
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-max-age', 'access-control-expose-headers',
];
const corsOnly = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => CORS_HEADERS.includes(k) || k === 'vary'));

function preflight(c: Collector, origin: string, requestHeaders = 'content-type', method = 'POST') {
  return rawRequest(c.url, {
    method: 'OPTIONS', path: '/v1/traces',
    headers: { origin, 'access-control-request-method': method, ...(requestHeaders ? { 'access-control-request-headers': requestHeaders } : {}) },
  });
}

describe('CORS with exact allowed origins', () => {
  let c: Collector;
  beforeAll(async () => {
    c = await startCollector({ corsOrigins: [ORIGIN], corsAllowedHeaders: ['x-plume-session'], corsMaxAge: 7200 });
  });
  afterAll(() => c.close());
  beforeEach(() => c.reset());

  it('answers a preflight from an allowed origin with exactly the headers sendBeacon needs', async () => {
    const res = await preflight(c, ORIGIN, 'content-encoding,content-type');
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(corsOnly(res.headers)).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-encoding,content-type',
      'access-control-max-age': '7200',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    expect(c.requests.at(-1)).toMatchObject({ method: 'OPTIONS', path: '/v1/traces', status: 204, headers: { origin: ORIGIN } });
    expect(c.query.counts().spans).toBe(0);
  });

  it('allows the configured extra header and no other', async () => {
    const extra = await preflight(c, ORIGIN, 'content-type,x-plume-session');
    expect(extra.headers['access-control-allow-headers']).toBe('content-type,x-plume-session');
    // One header outside the list voids the whole preflight, as in rs/cors.
    const other = await preflight(c, ORIGIN, 'authorization,content-type');
    expect(other.status).toBe(204);
    expect(corsOnly(other.headers)).toEqual({ vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' });
  });

  it('gives another origin, or a disallowed method, no CORS headers at all', async () => {
    for (const res of [
      await preflight(c, 'http://127.0.0.1:9999'),
      await preflight(c, 'http://localhost:8080'),
      await preflight(c, `${ORIGIN}/`),
      await preflight(c, ORIGIN, 'content-type', 'PUT'),
    ]) {
      expect(res.status).toBe(204);
      expect(corsOnly(res.headers)).toEqual({ vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' });
    }
    const post = await rawRequest(c.url, {
      method: 'POST', path: '/v1/traces', headers: { origin: 'http://evil.example', 'content-type': 'application/x-protobuf' },
      body: tracesBody([{ spans: [{}] }]),
    });
    // The collector still stores it; the browser is who drops the answer.
    expect(post.status).toBe(200);
    expect(corsOnly(post.headers)).toEqual({ vary: 'Origin' });
  });

  it('puts Allow-Origin and Allow-Credentials on the actual POST answer, success or refusal', async () => {
    const ok = await rawRequest(c.url, {
      method: 'POST', path: '/v1/traces', headers: { origin: ORIGIN, 'content-type': 'application/x-protobuf' },
      body: tracesBody([{ spans: [{ name: 'beacon' }] }]),
    });
    expect(ok.status).toBe(200);
    expect(corsOnly(ok.headers)).toEqual({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true', vary: 'Origin' });
    const refused = await rawRequest(c.url, { method: 'POST', path: '/v1/traces', headers: { origin: ORIGIN, 'content-type': 'text/plain' }, body: 'x' });
    expect(refused.status).toBe(415);
    expect(refused.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(c.query.spans().map((s) => s.name)).toEqual(['beacon']);
  });

  it('treats OPTIONS without Access-Control-Request-Method as an ordinary request', async () => {
    const res = await rawRequest(c.url, { method: 'OPTIONS', path: '/v1/traces', headers: { origin: ORIGIN } });
    expect(res.status).toBe(405);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS misconfigured as a wildcard', () => {
  let c: Collector;
  beforeAll(async () => {
    c = await startCollector({ corsMode: 'wildcard' });
  });
  afterAll(() => c.close());

  it('answers * without Allow-Credentials, which a credentialed sendBeacon cannot use', async () => {
    const res = await preflight(c, 'http://anything.example:1234', 'content-type');
    expect(res.status).toBe(204);
    expect(corsOnly(res.headers)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    const post = await rawRequest(c.url, {
      method: 'POST', path: '/v1/traces', headers: { origin: 'http://anything.example:1234', 'content-type': 'application/x-protobuf' },
      body: tracesBody([{ spans: [{}] }]),
    });
    expect(post.status).toBe(200);
    expect(post.headers['access-control-allow-origin']).toBe('*');
    expect(post.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('without CORS configured', () => {
  it('answers a preflight like any OPTIONS on an OTLP path: 405, no CORS headers', async () => {
    const c = await startCollector();
    try {
      const res = await preflight(c, ORIGIN);
      expect(res.status).toBe(405);
      expect(corsOnly(res.headers)).toEqual({});
    } finally {
      await c.close();
    }
  });
});
