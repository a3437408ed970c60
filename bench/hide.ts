// npm run bench, part 4 — what leaving costs: the main-thread time of Plume's hide handlers,
// from `visibilitychange` to the last beacon handed to the browser, with 10, 500 and 5,000
// spans pending, in Chromium (the project's driver, test/browser/driver/: a page really goes
// hidden when another tab comes to the front). Target: <= 16 ms (one frame) at 5,000.
//
// Measured from outside Plume's code, by an inline script that runs before Plume loads:
// - a `visibilitychange` listener on window, capturing, registered first: it runs before any
//   of Plume's (they are on window and document), and takes t0;
// - a wrapper around navigator.sendBeacon (Plume captures sendBeacon as it loads, so it calls
//   the wrapper): each call's return time, result and size;
// - after init, a second listener on window, bubbling: it runs after all of Plume's, so
//   "whole dispatch" is every hide handler of Plume (route end, Web Vitals, the flush).
// The dispatch is synchronous on the main thread, so its wall time is main-thread time.
//
// The page is the delivery suite's (test/browser/pages/loss.js): default config, N spans
// recorded in one task once the encoder is ready, then hidden. The collector holds every
// request for 10 s: what the live sender had in flight stays in flight and everything else
// is still pending at the hide (encoded or not), as on a slow network. Every trial is a new
// tab with empty localStorage (what the hide persists is cleared after it).
// HIDE_TRIALS (default 10) trials per size; HIDE_SIZES (default 10,500,5000).
import { readFile } from 'node:fs/promises';
import { launchChromium } from '../test/browser/driver/chromium.js';
import { fmtSpread, ROOT, serve, spread } from './lib.js';

const TRIALS = Number(process.env.HIDE_TRIALS ?? 10);
const SIZES = (process.env.HIDE_SIZES ?? '10,500,5000').split(',').map(Number);

const before = `<script>
window.__hide = { t0: 0, end: 0, beacons: [] };
addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden' && !__hide.t0) __hide.t0 = performance.now();
}, true);
const send = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = function (url, data) {
  const ok = send(url, data);
  __hide.beacons.push({ at: performance.now(), ok, bytes: data && data.size || 0 });
  return ok;
};
</script>`;
const after = `<script type="module">
await import('/test/browser/pages/loss.js');
addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden' && !__hide.end) __hide.end = performance.now(); });
window.__ready = true;
</script>`;
const page = `<!doctype html><meta charset="utf-8"><title>hide</title><link rel="icon" href="data:,">${before}<p>page</p>${after}`;

const server = await serve(async (req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (path === '/hide') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  if (req.method === 'POST') return void setTimeout(() => res.writeHead(200).end(), 10_000).unref();
  if (/^\/(dist|test\/browser\/pages)\/[\w/.-]+\.js$/.test(path) && !path.includes('..')) {
    try {
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(ROOT + path.slice(1)));
    } catch { /* 404 below */ }
  }
  res.writeHead(404).end();
});

interface Trial { toLastBeacon: number; dispatch: number; beacons: number; refused: number; beaconKB: number; persistedK: number }
const browser = await launchChromium();
async function trial(n: number, k: number): Promise<Trial> {
  const p = await browser.newPage();
  try {
    await p.goto(`${server.origin}/hide?collector=${encodeURIComponent(server.origin)}`);
    await p.waitForFunction(() => (window as unknown as { __ready?: boolean; plume?: { encoder: string } }).__ready
      && (window as unknown as { plume: { encoder: string } }).plume.encoder !== 'none', { timeout: 20_000 });
    await p.evaluate((n: number, t: string) => {
      localStorage.clear();
      (window as unknown as { record(n: number, t: string): number }).record(n, t);
    }, n, `t${k}`);
    await p.hide!();
    const r = await p.evaluate(() => {
      type Hide = { t0: number; end: number; beacons: { at: number; ok: boolean; bytes: number }[] };
      const h = (window as unknown as { __hide: Hide }).__hide;
      let persisted = 0;
      for (let i = 0; i < localStorage.length; i++) persisted += (localStorage.getItem(localStorage.key(i)!) ?? '').length;
      localStorage.clear();
      return { ...h, persisted };
    });
    if (!r.t0 || !r.end) throw new Error('the hide was not seen by the page');
    const last = r.beacons.length ? Math.max(...r.beacons.map((b) => b.at)) : r.t0;
    return {
      toLastBeacon: last - r.t0, dispatch: r.end - r.t0, beacons: r.beacons.filter((b) => b.ok).length,
      refused: r.beacons.filter((b) => !b.ok).length, beaconKB: r.beacons.reduce((s, b) => s + (b.ok ? b.bytes : 0), 0) / 1024,
      persistedK: r.persisted / 1000,
    };
  } finally {
    await p.close();
  }
}
const results = new Map<number, Trial[]>(SIZES.map((n) => [n, []]));
for (let k = 0; k < TRIALS; k++) for (const n of SIZES) results.get(n)!.push(await trial(n, k));
await browser.close();
await server.close();

console.log(`\nleaving: Plume's hide handlers on the main thread, Chromium, ${TRIALS} trials per size; ms median (IQR, min–max)`);
for (const [n, t] of results) {
  const m = (f: (x: Trial) => number) => spread(t.map(f)).median;
  console.log(`  ${String(n).padStart(5)} spans pending  to the last beacon ${fmtSpread(t.map((x) => x.toLastBeacon))}`);
  console.log(`${''.padEnd(21)}whole dispatch     ${fmtSpread(t.map((x) => x.dispatch))}`);
  console.log(`${''.padEnd(21)}beacons ${m((x) => x.beacons)} (${m((x) => x.beaconKB).toFixed(1)} KB), refused ${m((x) => x.refused)}, ` +
    `persisted ${m((x) => x.persistedK).toFixed(1)}k characters (medians)${n === 5000 ? '   target: <= 16 ms to the last beacon' : ''}`);
}
