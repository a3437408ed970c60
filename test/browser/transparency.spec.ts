// Transparency: everything a caller can observe must be the same with Plume as without.
// fetch: each case runs in one page with the native fetch and with Plume's (status, headers,
// body, url, redirect state, error names and messages, abort reasons, thrown vs rejected).
// XHR: each case runs in a page without Plume and in one with it (events in order with
// readyState, status, headers, response, exceptions, and the console's errors and warnings);
// then the spans must tell what happened.
// Nothing is timed: a request to abort or cancel is held by the server (/t/hold) until the
// page is told the server has it (/t/held), and a request that must time out is never answered.
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

let app: StaticServer;
let other: StaticServer;
let collector: Collector;
// The server span a CORS response names in its Server-Timing header.
const SERVER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SERVER_SPAN = '00f067aa0ba902b7';
// /t/hold requests by id: resolved when one arrives (it is never answered).
const arrivals = new Map<string, { arrived: Promise<void>; resolve: () => void }>();
const arrival = (id: string) => {
  let a = arrivals.get(id);
  if (!a) {
    let resolve!: () => void;
    const arrived = new Promise<void>((r) => { resolve = r; });
    arrivals.set(id, (a = { arrived, resolve }));
  }
  return a;
};
const idOf = (req: any) => new URL(req.url, 'http://x').searchParams.get('id') ?? '';

const echo = (req: any, res: any, body: Buffer) => {
  const headers = { ...req.headers };
  delete headers.host; delete headers.connection; delete headers['keep-alive'];
  // Which fetch sent it is not the caller's to see: drop the connection-level noise.
  for (const k of Object.keys(headers)) if (k.startsWith('sec-') || k === 'user-agent' || k === 'accept-language' || k === 'accept-encoding' || k === 'referer' || k === 'origin' || k === 'priority') delete headers[k];
  // Sorted: the order of differently named header fields carries no meaning (RFC 9110, 5.3),
  // and re-creating a Request's headers to add traceparent may change it.
  const sorted = Object.fromEntries(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : 1)));
  const out = JSON.stringify({ method: req.method, url: req.url, headers: sorted, body: body.toString() });
  res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' }).end(req.method === 'HEAD' ? undefined : out);
};

test.beforeAll(async () => {
  app = await startStaticServer({
    '/': { body: '<!doctype html><meta charset="utf-8"><title>transparency</title><link rel="icon" href="data:,"><script type="module" src="/test/browser/pages/fetch-transparency.js"></script>' },
    '/xhr': { body: '<!doctype html><meta charset="utf-8"><title>xhr</title><link rel="icon" href="data:,"><script type="module" src="/test/browser/pages/xhr-transparency.js"></script>' },
  }, {
    '/t/echo': echo,
    '/t/redirect': (_q, res) => void res.writeHead(302, { location: '/t/echo?redirected=1' }).end(),
    '/t/status/404': (_q, res) => void res.writeHead(404, { 'content-type': 'text/plain' }).end('not here'),
    '/t/status/500': (_q, res) => void res.writeHead(500, { 'content-type': 'text/plain', 'x-why': 'boom' }).end('server error body'),
    '/t/slow': (_q, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow'), 400),
    '/t/hold': (req) => arrival(idOf(req)).resolve(),
    '/t/held': (req, res) => void arrival(idOf(req)).arrived.then(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('held')),
    '/t/stream': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let k = 0;
      const t = setInterval(() => { res.write(`part${k}`); if (++k === 3) { clearInterval(t); res.end(); } }, 30);
    },
  });
  other = await startStaticServer({}, {
    '/nocors': (_q, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('secret'),
    '/cors': (req, res) => void res.writeHead(200, {
      'content-type': 'text/plain', 'access-control-allow-origin': '*',
      'server-timing': `traceparent;desc="00-${SERVER_TRACE}-${SERVER_SPAN}-01"`,
      ...(new URL(req.url ?? '/', 'http://x').searchParams.has('expose') ? { 'access-control-expose-headers': 'server-timing' } : {}),
    }).end('cors ok'),
  });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), other.close(), collector.close()]); });

test('fetch with Plume behaves exactly like the native fetch', async ({ page }) => {
  await page.goto(`${app.url}/?collector=${encodeURIComponent(collector.url)}&other=${encodeURIComponent(other.url)}`);
  await page.waitForFunction(() => Array.isArray((window as any).caseNames));
  const names: string[] = await page.evaluate(() => (window as any).caseNames);
  expect(names.length).toBeGreaterThan(30);
  const differences: string[] = [];
  for (const name of names) {
    const { native, plume } = await page.evaluate((n: string) => (window as any).runCase(n), name);
    try {
      expect(plume, name).toEqual(native);
    } catch {
      differences.push(`${name}:\n  native ${JSON.stringify(native)}\n  plume  ${JSON.stringify(plume)}`);
    }
  }
  expect(differences, differences.join('\n')).toEqual([]);
  // And Plume did trace them: spans arrived for the requests it saw.
  await page.evaluate(() => (window as any).plume?.flush?.());
  await collector.waitFor((c) => c.query.spans({}).length >= 20, 10_000);
});

test('XMLHttpRequest with Plume behaves exactly like the native one, and its spans say what happened', async ({ page }) => {
  test.setTimeout(120_000);
  const results: Record<string, unknown>[] = [];
  const consoles: { errors: string[]; warnings: string[] }[] = [];
  const DONE = 'transparency: cases done';
  for (const plume of [0, 1]) {
    const before = { errors: (await page.consoleErrors()).length, warnings: (await page.consoleWarnings()).length };
    await page.goto(`${app.url}/xhr?plume=${plume}&collector=${encodeURIComponent(collector.url)}&other=${encodeURIComponent(other.url)}`);
    await page.waitForFunction(() => Array.isArray((window as any).caseNames));
    const names: string[] = await page.evaluate(() => (window as any).caseNames);
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = await page.evaluate((n: string) => (window as any).runCase(n), name);
    results.push(out);
    // The console's messages come as events: a marker logged last has come once all before it have.
    await page.evaluate((m: string) => console.warn(m), DONE);
    await expect.poll(async () => (await page.consoleWarnings()).includes(DONE), { timeout: 10_000 }).toBe(true);
    consoles.push({
      errors: (await page.consoleErrors()).slice(before.errors).sort(),
      warnings: (await page.consoleWarnings()).slice(before.warnings).filter((w) => w !== DONE).sort(),
    });
  }
  const [native, withPlume] = results;
  expect(Object.keys(native).length).toBeGreaterThan(30);
  const differences = Object.keys(native).filter((name) => JSON.stringify(native[name]) !== JSON.stringify(withPlume[name]))
    .map((name) => `${name}:\n  native ${JSON.stringify(native[name]).slice(0, 800)}\n  plume  ${JSON.stringify(withPlume[name]).slice(0, 800)}`);
  expect(differences, differences.join('\n')).toEqual([]);
  // The page's console is the host's: Plume adds nothing to it (Chromium used to log "Refused to
  // get unsafe header" for every cross-origin response that does not expose Server-Timing).
  expect(consoles[1], 'console errors and warnings with Plume, against without').toEqual(consoles[0]);

  // One span per request sent, ended with what became of it.
  await page.evaluate(() => (window as any).plume.flush());
  const spansOf = (c: string) => collector.query.spans({}).filter((s) => s.scope === 'plume.xhr' && String(s.attributes['url.full']).endsWith(`case=${c}`));
  const outcome = (c: string) => spansOf(c).map((s) => [s.attributes['http.response.status_code'] ?? null, s.attributes['error.type'] ?? null]);
  const expected: Record<string, unknown[]> = {
    get: [[200, null]], 404: [[404, '404']], timeout: [[null, 'timeout']], refused: [[null, 'error']], abort: [[null, 'abort']],
    sync: [[200, null]], twice: [[200, null]],
    // The exception's name; WebKit fires error before it throws.
    'sync-refused': [[null, page.engine === 'webkit' ? 'error' : 'NetworkError']],
    // abort() before send() aborts nothing (the XHR spec aborts only a sent request), but
    // Firefox aborts the request sent next.
    'abort-first': [page.engine === 'firefox' ? [null, 'abort'] : [200, null]],
    'reuse-1': [[200, null]], 'reuse-2': [[404, '404']], 'reuse-3': [[200, null]],
    // open() again cancels the request in flight without an event: the span still ends, aborted.
    'reopen-1': [[null, 'abort']], 'reopen-2': [[200, null]],
    'chain-1': [[200, null]], 'chain-2': [[404, '404']],
    'cors-hidden': [[200, null]], 'cors-exposed': [[200, null]],
  };
  await collector.waitFor(() => Object.keys(expected).every((c) => spansOf(c).length > 0), 10_000).catch(() => undefined);
  const got = Object.fromEntries(Object.keys(expected).map((c) => [c, outcome(c)]));
  expect(got).toEqual(expected);
  // The Server-Timing a response exposes still links the span to the server's.
  const links = (c: string) => spansOf(c).flatMap((s) => s.links.map((l) => `${l.traceId}-${l.spanId}`));
  expect({ hidden: links('cors-hidden'), exposed: links('cors-exposed') }).toEqual({ hidden: [], exposed: [`${SERVER_TRACE}-${SERVER_SPAN}`] });
});
