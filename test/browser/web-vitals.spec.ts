// Plume measures Web Vitals itself (for weight); here it must agree with the web-vitals
// library on the same page, in every engine that has the entry types.
import { build } from 'esbuild';
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

let app: StaticServer;
let collector: Collector;
test.beforeAll(async () => {
  const wv = (await build({ stdin: { contents: "export * from 'web-vitals';", resolveDir: new URL('../..', import.meta.url).pathname }, bundle: true, format: 'esm', write: false, logLevel: 'silent' })).outputFiles[0].text;
  app = await startStaticServer({
    '/': { body: `<!doctype html><meta charset="utf-8"><title>vitals</title><button id="tap" style="position:fixed;top:0;right:0;width:80px;height:40px">tap</button><h1 style="font-size:64px">Plume vitals</h1><p style="font-size:28px">${'Lorem ipsum dolor sit amet. '.repeat(40)}</p><script type="module" src="/test/browser/pages/vitals.js"></script>` },
  }, { '/wv.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(wv) });
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => { await Promise.all([app.close(), collector.close()]); });

test('TTFB, FCP, LCP and CLS agree with the web-vitals library', async ({ page }) => {
  test.skip(!page.hide, 'needs hide() to make both report');
  await page.goto(`${app.url}/?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => document.readyState === 'complete' && !!(window as any).plume);
  await new Promise((r) => setTimeout(r, 800));
  await page.hide!();
  await new Promise((r) => setTimeout(r, 500));
  await page.show!();
  const wv: Record<string, number> = await page.evaluate(() => (window as any).wv);
  // Every vital web-vitals reported must arrive from Plume too. Not TTFB in every run: WebKit
  // sometimes gives neither library a usable responseStart (a CI run: web-vitals had FCP only).
  const theirs = Object.keys(wv).map((n) => `browser.web_vital.${n.toLowerCase()}`);
  await collector.waitFor((c) => {
    const names = new Set(c.query.metrics({ service: 'vitals' }).map((m) => m.name));
    return names.size > 0 && theirs.every((n) => names.has(n));
  }, 10_000).catch(async (e) => {
    // What did arrive, and what the page saw: enough to tell a lost hide from a lost vital.
    const names = collector.query.metrics({ service: 'vitals' }).map((m: any) => `${m.name}${JSON.stringify(m.attributes ?? {})}`);
    const seen = await page.evaluate(() => ({ seen: (window as any).seen, encoder: (window as any).plume?.encoder, wv: (window as any).wv })).catch(() => undefined);
    throw new Error(`${(e as Error).message}\n  metrics stored: ${names.join(', ') || 'none'}\n  page: ${JSON.stringify(seen)}`);
  });
  const ours = (name: string) => collector.query.metrics({ service: 'vitals', name: `browser.web_vital.${name}` });
  let compared = 0;
  for (const [name, tolerance] of [['TTFB', 1], ['FCP', 1], ['LCP', 1], ['CLS', 0.001]] as const) {
    const theirs = wv[name];
    const mine = ours(name.toLowerCase());
    if (theirs === undefined) {
      // The engine cannot measure it: neither reports it.
      expect(mine, `${name}: web-vitals reports nothing, so must Plume`).toHaveLength(0);
      continue;
    }
    expect(mine.length, `${name} reported by Plume`).toBeGreaterThan(0);
    const point = mine[0] as any;
    const value = point.sum / point.count;
    expect(Math.abs(value - theirs), `${name}: Plume ${value}, web-vitals ${theirs}`).toBeLessThanOrEqual(tolerance);
    compared++;
  }
  console.log(`${page.engine}: compared ${compared} vitals with web-vitals`, JSON.stringify(wv));
  expect(compared).toBeGreaterThan(0);
});

test('INP agrees with web-vitals over 120 interactions, most of them short', async ({ page }) => {
  test.skip(!page.hide, 'needs hide() to make both report');
  collector.reset();
  await page.goto(`${app.url}/?collector=${encodeURIComponent(collector.url)}`);
  await page.waitForFunction(() => document.readyState === 'complete' && !!(window as any).plume);
  const { x, y } = await page.evaluate(() => {
    const r = document.getElementById('tap')!.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  // Every 12th press blocks, each longer than the one before: 10 long interactions among 120,
  // 24 ms apart. The 98th percentile is then the third longest (120 / 50 = index 2), not the
  // longest, as it would be if only the long ones were counted.
  for (let k = 0; k < 120; k++) {
    await page.evaluate((ms: number) => { (window as any).blockMs = ms; }, k % 12 === 0 ? 60 + 2 * k : 0);
    await page.click(x, y);
  }
  await new Promise((r) => setTimeout(r, 300));
  await page.hide!();
  await new Promise((r) => setTimeout(r, 500));
  await page.show!();
  const wv: Record<string, number> = await page.evaluate(() => (window as any).wv);
  const presses = await page.evaluate(() => (window as any).presses);
  expect(presses, 'every press reached the page').toBe(120);
  if (wv.INP === undefined) {
    // An engine without Event Timing interactions (WebKit): neither reports INP. FCP, sent
    // with the same hide, shows that the export happened.
    await collector.waitFor((c) => c.query.metrics({ service: 'vitals', name: 'browser.web_vital.fcp' }).length > 0, 10_000);
    expect(collector.query.metrics({ service: 'vitals', name: 'browser.web_vital.inp' })).toHaveLength(0);
    console.log(`${page.engine}: INP reported by neither library`);
    return;
  }
  await collector.waitFor((c) => c.query.metrics({ service: 'vitals', name: 'browser.web_vital.inp' }).length > 0, 10_000);
  const point = collector.query.metrics({ service: 'vitals', name: 'browser.web_vital.inp' })[0] as any;
  expect(point.count).toBe(1);
  expect(point.sum, `Plume ${point.sum}, web-vitals ${wv.INP}`).toBe(wv.INP);
  console.log(`${page.engine}: INP ${point.sum} ms, as web-vitals`);
});
