// Trace headers to another origin (propagateTraceHeaderCorsUrls) need that origin's CORS to
// allow them: an API whose CORS allows only `content-type, authorization` fails the preflight
// of every request that carries traceparent, and the app with it. Plume says so: once per
// origin when such a request fails (PLUME_W015), and, with debug: true, by checking each
// origin once and naming the headers its CORS does not allow.
import { test, expect, type Page } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

let app: StaticServer;
let collector: Collector;
const apis: Record<string, StaticServer> = {};
const seen: Record<string, string[]> = {};

/** An API on its own origin whose CORS allows exactly `allowed` request headers (as the `cors` middleware answers). */
async function api(name: string, allowed: string): Promise<void> {
  seen[name] = [];
  apis[name] = await startStaticServer({}, {
    '/items': (req, res) => {
      seen[name].push(`${req.method} ${req.headers['access-control-request-headers'] ?? ''}`.trim());
      const cors = {
        'access-control-allow-origin': String(req.headers.origin ?? '*'), vary: 'origin',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE', 'access-control-allow-headers': allowed,
      };
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(req.method === 'HEAD' ? undefined : '{"items":[]}');
    },
  });
}

test.beforeAll(async () => {
  app = await startStaticServer({
    '/': { body: '<!doctype html><meta charset="utf-8"><title>propagation</title><link rel="icon" href="data:,"><script type="module" src="/test/browser/pages/propagation.js"></script>' },
  });
  await api('strict', 'content-type, authorization');
  await api('partial', 'content-type, authorization, traceparent');
  await api('open', 'content-type, authorization, traceparent, tracestate, baggage');
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), collector.close(), ...Object.values(apis).map((s) => s.close())]); });

async function open(page: Page, name: string, query = ''): Promise<void> {
  seen[name].length = 0;
  await page.goto(`${app.url}/?api=${encodeURIComponent(apis[name].url)}&collector=${encodeURIComponent(collector.url)}${query}`);
  await page.waitForFunction(() => (window as any).ready);
}
const w015 = (page: Page) => page.evaluate(() => ((window as any).warnings as string[]).filter((w) => w.includes('PLUME_W015')));

test('an API whose CORS allows only content-type, authorization: its requests fail, and Plume says so once for that origin', async ({ page }) => {
  // Without Plume the app works.
  await open(page, 'strict', '&plume=0');
  expect(await page.evaluate(() => Promise.all([(window as any).fetchGet('/items'), (window as any).xhrGet('/items')]))).toEqual([200, 200]);
  await open(page, 'strict');
  const got = await page.evaluate(async () => {
    const w = window as any;
    return [await w.fetchGet('/items'), await w.fetchGet('/items?again'), await w.xhrGet('/items'), await w.xhrGet('/items?again')];
  });
  expect(got).toEqual(['TypeError', 'TypeError', 0, 0]);
  const warnings = await w015(page);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(apis.strict.url);
  expect(warnings[0]).toMatch(/traceparent, tracestate and baggage in Access-Control-Allow-Headers/);
  // The preflights asked for traceparent, and no GET got through.
  expect(seen.strict.filter((r) => r.startsWith('GET'))).toEqual([]);
  expect(seen.strict.filter((r) => r.startsWith('OPTIONS')).every((r) => r.includes('traceparent'))).toBe(true);
});

test('debug: true checks the origin once and names the headers its CORS does not allow', async ({ page }) => {
  for (const [name, missing] of [['strict', ['traceparent', 'tracestate', 'baggage']], ['partial', ['tracestate', 'baggage']]] as const) {
    await open(page, name, '&debug');
    await page.evaluate(() => Promise.all([(window as any).fetchGet('/items'), (window as any).xhrGet('/items')]));
    const origin = apis[name].url;
    const result = await page.evaluate((o: string) => (window as any).plume.propagationChecks[o], origin);
    expect(result, name).toEqual({ origin, ok: false, missing });
    expect(await page.evaluate(() => Object.keys((window as any).plume.propagationChecks).length), 'one check per origin').toBe(1);
    const check = (await w015(page)).filter((w) => w.includes('propagation check'));
    expect(check, name).toHaveLength(1);
    expect(check[0]).toContain(`${origin} does not allow ${missing.join(', ')} in Access-Control-Allow-Headers`);
  }
});

test('an API that allows traceparent, tracestate and baggage: requests go through (preflighted), no warning, the check says ok', async ({ page }) => {
  await open(page, 'open', '&debug');
  expect(await page.evaluate(() => Promise.all([(window as any).fetchGet('/items'), (window as any).xhrGet('/items')]))).toEqual([200, 200]);
  const origin = apis.open.url;
  expect(await page.evaluate((o: string) => (window as any).plume.propagationChecks[o], origin)).toEqual({ origin, ok: true, missing: [] });
  expect(await w015(page)).toEqual([]);
  // A simple GET becomes a preflighted one once it carries traceparent.
  expect(seen.open.some((r) => r.startsWith('OPTIONS') && r.includes('traceparent'))).toBe(true);
});
