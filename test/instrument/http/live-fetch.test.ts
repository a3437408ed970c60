// Checks (expected to pass): tracedFetch + httpClient against a real local HTTP server with
// node's fetch, location stubbed to the server's origin so requests are same-origin.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { tracedFetch } from '../../../src/instrument/fetch.js';
import { setup } from './http-harness.js';

const g = globalThis as any;
let server: Server;
let origin = '';
const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      if (req.url === '/slow') { setTimeout(() => { res.end('late'); }, 400); return; }
      if (req.url === '/404') { res.statusCode = 404; res.end('no'); return; }
      if (req.url === '/500') { res.statusCode = 500; res.end('err'); return; }
      if (req.url === '/st') { res.setHeader('Server-Timing', `cache;desc="hit, warm", db;dur=2, TRACEPARENT;DESC="${TP.toUpperCase()}"`); }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  g.location = { href: `${origin}/page`, origin };
});
afterAll(() => { server.close(); delete g.location; });

function traced(extra: Record<string, unknown> = {}) {
  const s = setup(extra);
  const tf = tracedFetch(fetch, () => ({ start: httpClient(s.ictx, 'plume.fetch', 'fetch') }));
  const metrics = async () => {
    await s.core.flush();
    return s.sent.filter((x) => x.signal === 'metrics').flatMap((x) => x.json.resourceMetrics.flatMap((r: any) => r.scopeMetrics.flatMap((sm: any) => sm.metrics)));
  };
  return { ...s, tf, metrics };
}

it('status, error.type, server timing link, duration attributes', async () => {
  const { tf, spans, metrics } = traced();
  expect((await tf(`${origin}/st`)).status).toBe(200);
  expect((await tf(`${origin}/404`)).status).toBe(404);
  expect((await tf(`${origin}/500`)).status).toBe(500);
  const dead = 'http://127.0.0.1:1/x';
  const e1 = await tf(dead).catch((e) => e);
  expect(e1).toBeInstanceOf(TypeError);
  const ac = new AbortController(); ac.abort();
  const e2 = await tf(`${origin}/ok`, { signal: ac.signal }).catch((e) => e);
  expect(e2.name).toBe('AbortError');
  const ac2 = new AbortController();
  const p = tf(`${origin}/slow`, { signal: ac2.signal }); setTimeout(() => ac2.abort(), 50);
  expect((await p.catch((e) => e)).name).toBe('AbortError');
  const e4 = await tf(`${origin}/slow`, { signal: AbortSignal.timeout(50) }).catch((e) => e);
  expect(e4.name).toBe('TimeoutError');
  await new Promise((r) => setTimeout(r, 20));
  const all = await spans();
  const by = (path: string) => all.filter((s) => String(s.attrs['url.full']).endsWith(path));
  const st = by('/st')[0];
  expect(st.links?.[0] && Buffer.from(st.links[0].spanId, 'base64').toString('hex')).toBe('b7ad6b7169203331');
  expect(by('/404')[0].attrs['error.type']).toBe('404');
  expect(by('/500')[0].attrs['error.type']).toBe('500');
  expect(by('/x')[0].attrs['error.type']).toBe('TypeError');
  expect(by('/x')[0].attrs['server.port']).toBe('1');
  expect(by('/ok')[0].attrs['error.type']).toBe('AbortError');
  expect(by('/slow').map((s) => s.attrs['error.type']).sort()).toEqual(['AbortError', 'TimeoutError']);
  for (const s of all) expect(s.kind).toBe('SPAN_KIND_CLIENT');
  const ms = await metrics();
  const d = ms.find((m: any) => m.name === 'http.client.request.duration');
  expect(d.unit).toBe('s');
  const keys = new Set(d.histogram.dataPoints.flatMap((dp: any) => dp.attributes.map((a: any) => a.key)));
  for (const k of keys) expect(['http.request.method', 'server.address', 'server.port', 'url.scheme', 'http.response.status_code', 'error.type']).toContain(k);
});

it('headers in every form; caller wins case-insensitively; init and its Headers untouched; Request body sent', async () => {
  const { tf } = traced();
  seen.length = 0;
  const hdrs = new Headers({ a: '1' });
  const init = { method: 'POST', headers: hdrs, body: 'x' };
  await tf(`${origin}/h1`, init);
  expect(hdrs.has('traceparent')).toBe(false);
  expect(init.headers).toBe(hdrs);
  const arr: [string, string][] = [['b', '2']];
  await tf(`${origin}/h2`, { headers: arr });
  expect(arr).toEqual([['b', '2']]);
  const rec = { c: '3' };
  await tf(`${origin}/h3`, { headers: rec });
  expect(rec).toEqual({ c: '3' });
  await tf(`${origin}/h4`, { headers: { TraceParent: TP } });
  const req = new Request(`${origin}/h5`, { method: 'PUT', body: 'body!', headers: { d: '4' } });
  await tf(req);
  expect(req.bodyUsed).toBe(true); // as the original fetch(req) leaves it
  await tf(new Request(`${origin}/h6`, { headers: { e: '5' } }), { headers: { f: '6' } });
  const s = (p: string) => seen.find((x) => x.url === p)!;
  expect(s('/h1').headers.a).toBe('1');
  expect(s('/h1').body).toBe('x');
  expect(s('/h2').headers.b).toBe('2');
  expect(s('/h3').headers.c).toBe('3');
  for (const p of ['/h1', '/h2', '/h3', '/h5', '/h6']) expect(s(p).headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  expect(s('/h4').headers.traceparent).toBe(TP);
  expect(s('/h5').body).toBe('body!');
  expect(s('/h5').headers.d).toBe('4');
  expect(s('/h5').headers['content-type']).toBe('text/plain;charset=UTF-8');
  expect(s('/h6').headers.e).toBeUndefined(); // init.headers replaces the Request's, as in fetch
  expect(s('/h6').headers.f).toBe('6');
});

it('not same-origin and not listed: no traceparent; listed: traceparent', async () => {
  seen.length = 0;
  const other = origin.replace('127.0.0.1', 'localhost');
  const { tf } = traced({ propagateTraceHeaderCorsUrls: [/\/listed/g] });
  await tf(`${other}/plain`);
  await tf(`${other}/listed`);
  await tf(`${other}/listed`);
  expect(seen.map((x) => [x.url, !!x.headers.traceparent])).toEqual([['/plain', false], ['/listed', true], ['/listed', true]]);
});
