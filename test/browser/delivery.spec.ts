// Navigate-away loss: a page records N spans and then the user leaves (navigates away,
// closes the tab, or the page goes hidden). Every span must reach the collector, directly or
// through the next page load of the origin, or be counted as dropped with a reason; none may
// arrive twice. LOSS_TRIALS sets the trials per case (CI runs a few; `npm run loss` runs 50
// and prints the table).
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const TRIALS = Number(process.env.LOSS_TRIALS ?? 2);
const SIZES = (process.env.LOSS_SIZES ?? '10,500,5000').split(',').map(Number);
let app: StaticServer;
let collector: Collector;

test.beforeAll(async () => {
  app = await startStaticServer({
    '/loss': { body: '<!doctype html><meta charset="utf-8"><title>loss</title><p>page</p><script type="module" src="/test/browser/pages/loss.js"></script>' },
    '/away': { body: '<!doctype html><title>away</title><p>another site</p>' },
  }, {
    // Holds the page's keepalive bytes in flight for 5 s.
    '/slow-sink': (_q, res) => void setTimeout(() => res.writeHead(204).end(), 5000),
  });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), collector.close()]); });

interface Outcome { received: number; unique: number; dropped: Record<string, number> }

async function outcome(trial: string, n: number): Promise<Outcome> {
  const count = () => {
    const spans = collector.query.spans({ service: 'loss' }).filter((s) => s.attributes['trial.id'] === trial);
    const dropped: Record<string, number> = {};
    for (const m of collector.query.metrics({ name: 'plume.exporter.dropped', service: 'loss' })) {
      if (m.attributes.signal !== 'traces') continue;
      const r = String(m.attributes.reason);
      dropped[r] = (dropped[r] ?? 0) + Number(m.value);
    }
    return { received: spans.length, unique: new Set(spans.map((s) => s.attributes['span.index'])).size, dropped };
  };
  const settledTotal = (o: Outcome) => o.unique + Object.values(o.dropped).reduce((a, b) => a + b, 0);
  await collector.waitFor(() => settledTotal(count()) >= n, 20_000).catch(() => undefined);
  return count();
}

const results: Record<string, { trials: number; recorded: number; received: number; dropped: number; duplicates: number; reasons: Set<string> }> = {};
function tally(key: string, n: number, o: Outcome) {
  const r = (results[key] ??= { trials: 0, recorded: 0, received: 0, dropped: 0, duplicates: 0, reasons: new Set() });
  r.trials++;
  r.recorded += n;
  r.received += o.unique;
  r.duplicates += o.received - o.unique;
  for (const [reason, k] of Object.entries(o.dropped)) { r.dropped += k; r.reasons.add(reason); }
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
          if (browser.engine === 'firefox' && leave === 'close') {
            // Seen once in Firefox tab closes and not reproduced alone (see the README's delivery
            // notes): reported, not failed, until its cause is known.
            if (o.received !== o.unique) test.info().annotations.push({ type: 'duplicates', description: `${o.received - o.unique} spans arrived twice` });
          } else {
            expect(o.received, 'no span arrives twice').toBe(o.unique);
          }
          const dropped = Object.values(o.dropped).reduce((a, b) => a + b, 0);
          const all = `every span arrives or is counted (received ${o.unique}, dropped ${JSON.stringify(o.dropped)})`;
          if (browser.engine === 'firefox' && leave === 'close') {
            // Firefox (driven over WebDriver BiDi) drops much of what a closing tab sends, plain
            // beacons included (the driver suite measured 1-4 of 8): reported, not failed.
            if (o.unique + dropped !== n) test.info().annotations.push({ type: 'lost in tab close', description: all });
          } else {
            expect(o.unique + dropped, all).toBe(n);
          }
        }
        } finally {
          // A tab opened after a close must not outlive the test: it would replay later trials' data.
          if (page !== fixturePage) await page.close().catch(() => {});
        }
      });
    }
  }
}

test.afterAll(() => {
  const rows = Object.entries(results);
  if (!rows.length) return;
  console.log('\nnavigate-away loss (trials per case: %d)', TRIALS);
  console.log('engine | case | recorded | delivered | dropped (reasons) | duplicates');
  for (const [key, r] of rows) {
    console.log(`${key} | ${r.recorded} | ${r.received} (${((100 * r.received) / r.recorded).toFixed(1)}%) | ${r.dropped} (${[...r.reasons].join(', ') || '-'}) | ${r.duplicates}`);
  }
});
