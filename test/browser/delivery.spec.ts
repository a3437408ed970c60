// Navigate-away loss: a page records N spans and then the user leaves (navigates away,
// closes the tab, or the page goes hidden). Every span must reach the collector, directly or
// through the next page load of the origin, or be counted as dropped with a reason; no span id
// may arrive twice, in any case. The two-page case is the script tag on both pages of one
// origin (page 1 also with an unload listener), and says how long after leaving page 1 its
// last span arrived. LOSS_TRIALS sets the trials
// per case (CI runs a few; `npm run loss` runs 50 and prints the table).
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const TRIALS = Number(process.env.LOSS_TRIALS ?? 2);
const SIZES = (process.env.LOSS_SIZES ?? '10,500,5000').split(',').map(Number);
let app: StaticServer;
let collector: Collector;
// `?unload`: the page has an unload listener, as many sites' third-party scripts still add (it
// also keeps the page out of the back/forward cache); Chromium then rejects the promises of the
// keepalive requests in flight as the page goes, and sends them all the same.
const twoPage = (title: string) => `<!doctype html><meta charset="utf-8"><title>${title}</title>
<script>
  if (location.search.indexOf('unload') >= 0) {
    addEventListener('unload', function () { sessionStorage.setItem('left', location.pathname); });
  }
  window.plumeConfig = { endpoint: new URLSearchParams(location.search).get('collector'), serviceName: 'two-page' };
</script>
<script src="/dist/plume.iife.js"></script><p>${title}</p>`;

test.beforeAll(async () => {
  app = await startStaticServer({
    '/loss': { body: '<!doctype html><meta charset="utf-8"><title>loss</title><p>page</p><script type="module" src="/test/browser/pages/loss.js"></script>' },
    '/away': { body: '<!doctype html><title>away</title><p>another site</p>' },
    // The script tag, configured by window.plumeConfig (the collector's URL in the query).
    '/two/1': { body: twoPage('page 1') },
    '/two/2': { body: twoPage('page 2') },
  }, {
    // Holds the page's keepalive bytes in flight for 5 s.
    '/slow-sink': (_q, res) => void setTimeout(() => res.writeHead(204).end(), 5000),
  });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), collector.close()]); });

interface Outcome {
  /** Spans of the trial received, and how many distinct span ids among them. */
  received: number; unique: number;
  dropped: Record<string, number>;
  /** Counted by the SDK as sent again although they may have arrived (plume.exporter.possible_duplicates). */
  possibleDuplicates: number;
  /** When the trial's last new span arrived (the collector's clock, ms). */
  lastAt: number;
}

async function outcome(trial: string, n: number, service = 'loss'): Promise<Outcome> {
  const count = () => {
    const spans = collector.query.spans({ service }).filter((s) => s.attributes['trial.id'] === trial);
    const dropped: Record<string, number> = {};
    for (const m of collector.query.metrics({ name: 'plume.exporter.dropped', service })) {
      if (m.attributes.signal !== 'traces') continue;
      const r = String(m.attributes.reason);
      dropped[r] = (dropped[r] ?? 0) + Number(m.value);
    }
    const possibleDuplicates = collector.query.metrics({ name: 'plume.exporter.possible_duplicates', service })
      .filter((m) => m.attributes.signal === 'traces').reduce((k, m) => k + Number(m.value), 0);
    return { received: spans.length, unique: new Set(spans.map((s) => s.spanId)).size, dropped, possibleDuplicates };
  };
  const settledTotal = (o: ReturnType<typeof count>) => o.unique + Object.values(o.dropped).reduce((a, b) => a + b, 0);
  // The store is queried only when a request has come in since the last look (5,000 rows per
  // poll would load the machine that is being measured).
  let settledAt = 0, seen = -1;
  await collector.waitFor(() => {
    if (collector.received.requests === seen) return false;
    seen = collector.received.requests;
    if (settledTotal(count()) < n) return false;
    settledAt = Date.now();
    return true;
  }, 20_000).catch(() => undefined);
  // The answer to the request that completed the set came before the poll that saw it.
  const traces = collector.requests.filter((r) => r.path === '/v1/traces' && r.status === 200 && (!settledAt || r.time <= settledAt));
  return { ...count(), lastAt: traces.length ? Math.max(...traces.map((r) => r.time)) : 0 };
}

interface Tally {
  trials: number; recorded: number; received: number; dropped: number; duplicates: number; possible: number;
  reasons: Set<string>; ms: number[];
}
const results: Record<string, Tally> = {};
function tally(key: string, n: number, o: Outcome, ms?: number) {
  const r = (results[key] ??= { trials: 0, recorded: 0, received: 0, dropped: 0, duplicates: 0, possible: 0, reasons: new Set(), ms: [] });
  r.trials++;
  r.recorded += n;
  r.received += o.unique;
  r.duplicates += o.received - o.unique;
  r.possible += o.possibleDuplicates;
  for (const [reason, k] of Object.entries(o.dropped)) { r.dropped += k; r.reasons.add(reason); }
  if (ms !== undefined) r.ms.push(ms);
}

/** No span id twice, and every span delivered or counted as dropped (reported only where the engine loses it). */
function check(o: Outcome, n: number, lossReportedOnly: boolean) {
  const twice = `no span id arrives twice (${o.received - o.unique} did; the SDK counted ${o.possibleDuplicates} possible)`;
  expect(o.received, twice).toBe(o.unique);
  const dropped = Object.values(o.dropped).reduce((a, b) => a + b, 0);
  const all = `every span arrives or is counted (received ${o.unique}, dropped ${JSON.stringify(o.dropped)})`;
  if (lossReportedOnly) {
    if (o.unique + dropped !== n) test.info().annotations.push({ type: 'lost in tab close', description: all });
  } else {
    expect(o.unique + dropped, all).toBe(n);
  }
}

type Leave = 'navigate' | 'close' | 'hidden';
type Net = 'local' | 'hog' | '4g';
const CASES: [Leave, Net][] = [
  ...(['navigate', 'close', 'hidden'] as Leave[]).flatMap((l) => (['local', 'hog'] as Net[]).map((n): [Leave, Net] => [l, n])),
  ['navigate', '4g'],
];
for (const [leave, net] of CASES) {
  for (const n of SIZES) {
    const hog = net === 'hog';
    {
      const name = `${leave}, ${n} spans${hog ? ', page holds most of the keepalive quota' : net === '4g' ? ', emulated 4G (100 ms RTT, 1.5 Mbit/s up)' : ''}`;
      test(name, async ({ page, browser }) => {
        test.skip(leave === 'hidden' && !page.hide, 'this engine cannot hide a page');
        test.skip(net === '4g' && !page.cdp, 'network emulation needs the DevTools protocol (chromium)');
        test.setTimeout(60_000 + TRIALS * 30_000);
        const fixturePage = page;
        try {
        for (let t = 0; t < TRIALS; t++) {
          collector.reset();
          const trial = `${leave}-${n}-${hog}-${t}-${Date.now()}`;
          await page.goto(`${app.url}/loss?collector=${encodeURIComponent(collector.url)}`);
          // Recording starts once the page is loaded (the encoder is compiled after load, off the
          // main thread, or synchronously by a page going away before that).
          await page.waitForFunction(() => document.readyState === 'complete' && !!(window as any).plume);
          if (hog) await page.evaluate((u: string) => (window as any).hogQuota(u, 60_000), `${app.url}/slow-sink`);
          if (net === '4g') {
            await page.cdp!('Network.enable');
            await page.cdp!('Network.emulateNetworkConditions', { offline: false, latency: 100, downloadThroughput: (9e6 / 8), uploadThroughput: (1.5e6 / 8) });
          }
          await page.evaluate((k: number, id: string) => (window as any).record(k, id), n, trial);
          const ready = () => page.waitForFunction(() => document.readyState === 'complete' && !!(window as any).plume);
          if (leave === 'navigate') {
            await page.goto(`${app.url}/away`);
            // The next page of the origin sends what was persisted.
            await page.goto(`${app.url}/loss?collector=${encodeURIComponent(collector.url)}`);
            // (and is left only once loaded: a page left while loading is another case)
            await ready();
          } else if (leave === 'close') {
            await page.close();
            page = await browser.newPage();
            await page.goto(`${app.url}/loss?collector=${encodeURIComponent(collector.url)}`);
            await ready();
          } else {
            await page.hide!();
            await new Promise((r) => setTimeout(r, 300));
            await page.show!();
          }
          const o = await outcome(trial, n);
          tally(`${browser.engine} | ${name}`, n, o);
          // Firefox (driven over WebDriver BiDi) drops much of what a closing tab sends, plain
          // beacons included (the driver suite measured 1-4 of 8): reported, not failed.
          check(o, n, browser.engine === 'firefox' && leave === 'close');
        }
        } finally {
          // A tab opened after a close must not outlive the test: it would replay later trials' data.
          if (page !== fixturePage) await page.close().catch(() => {});
        }
      });
    }
  }
}

// Issue 14's setup: the script tag on two pages of one origin, the collector on another, 4
// attributes per span. Page 1 records and the user goes to page 2, which sends what page 1 had
// to persist at its first idle moment. With an unload listener on page 1, Chromium rejects the
// promise of the keepalive request in flight as page 1 goes while still sending it: that
// request's spans arrived twice before. The time from leaving page 1 to its last span arriving
// is printed (a figure for the README, not a pass/fail threshold: CI machines are slow).
for (const variant of ['unload', 'plain'] as const) {
  for (const n of SIZES) {
    const name = `two pages (script tag), ${n} spans${variant === 'unload' ? ', page 1 with an unload listener' : ''}`;
    test(name, async ({ page, browser }) => {
      test.setTimeout(60_000 + TRIALS * 30_000);
      const q = `?collector=${encodeURIComponent(collector.url)}`;
      for (let t = 0; t < TRIALS; t++) {
        collector.reset();
        const trial = `two-${variant}-${n}-${t}-${Date.now()}`;
        await page.goto(`${app.url}/two/1${q}${variant === 'unload' ? '&unload' : ''}`);
        await page.waitForFunction(() => document.readyState === 'complete' && typeof (window as any).plume?.tracer === 'object');
        // What earlier trials left is not this trial's to send.
        await page.evaluate(() => localStorage.clear());
        await page.evaluate((k: number, id: string) => {
          const tracer = (window as any).plume.tracer;
          for (let i = 0; i < k; i++) {
            const attributes = { 'trial.id': id, 'span.index': i, 'http.route': '/products/:id', 'app.cart.size': i % 7 };
            tracer.startSpan('product.view', { attributes }).end();
          }
        }, n, trial);
        const left = Date.now();
        await page.goto(`${app.url}/two/2${q}`);
        const o = await outcome(trial, n, 'two-page');
        const ms = o.lastAt - left;
        tally(`${browser.engine} | ${name}`, n, o, ms);
        test.info().annotations.push({ type: 'leaving page 1 to its last span arriving', description: `${ms} ms` });
        check(o, n, false);
      }
    });
  }
}

test.afterAll(() => {
  const rows = Object.entries(results);
  if (!rows.length) return;
  console.log('\nnavigate-away loss (trials per case: %d)', TRIALS);
  console.log('engine | case | recorded | delivered | dropped (reasons) | duplicates (possible, as counted) | leaving to last span, ms');
  for (const [key, r] of rows) {
    const ms = r.ms.length ? [...r.ms].sort((a, b) => a - b) : undefined;
    const times = ms ? `median ${ms[Math.floor((ms.length - 1) / 2)]}, max ${ms[ms.length - 1]}` : '-';
    const delivered = `${r.received} (${((100 * r.received) / r.recorded).toFixed(1)}%)`;
    const dropped = `${r.dropped} (${[...r.reasons].join(', ') || '-'})`;
    console.log(`${key} | ${r.recorded} | ${delivered} | ${dropped} | ${r.duplicates} (${r.possible}) | ${times}`);
  }
});
