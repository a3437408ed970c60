// npm run bench, part 3 — what a page pays at start-up, in Chromium, as a new user sets each
// SDK up: Plume's plume.iife.js configured by window.plumeConfig (every default
// instrumentation on), the OpenTelemetry web quick start (bench/peers.ts, current releases),
// and an empty page; cold loads (a new browser context each: no cache), interleaved, in one run.
//
// Two figures per load:
// - main-thread script CPU: CDP Performance.getMetrics ScriptDuration at load + 600 ms (idle
//   callbacks and the wasm compile after load count too), minus the empty page's median.
// - how long a synchronous <script src> holds the parser: every page is
//   `mark A; <script src=…>; mark B` (the empty page loads an empty file), and the figure is
//   B − A: the wall time between the inline scripts on either side, which the parser cannot
//   cross until the script has arrived, compiled and run. Plain performance marks in the
//   page, so no tracing overhead and no CDP event parsing; from a local server the download
//   is a small part, and the empty file's figure shows it. "after arrival" is B minus the
//   later of A and the script's Resource Timing responseEnd: compile and run alone.
// STARTUP_LOADS (default 20) loads of each page.
import { readFileSync } from 'node:fs';
import { fmtSpread, launchChromium, ROOT, serve, spread } from './lib.js';
import { OTEL_QUICK_START, peerScript } from './peers.js';

const LOADS = Number(process.env.STARTUP_LOADS ?? 20);
const WINDOW_MS = 600;

const otel = await peerScript(OTEL_QUICK_START);
const plume = readFileSync(`${ROOT}dist/plume.iife.js`);
const files: Record<string, { type: string; body: Uint8Array | string }> = {
  '/otel.js': { type: 'text/javascript', body: otel },
  '/plume.iife.js': { type: 'text/javascript', body: plume },
  '/empty.js': { type: 'text/javascript', body: '' },
};
const page = (head: string, src: string) => `<!doctype html><meta charset="utf-8"><title>shop</title><link rel="icon" href="data:,">${head}
<script>performance.mark('A')</script><script src="${src}"></script><script>performance.mark('B')</script>
<h1>Shop</h1><p>${'text '.repeat(200)}</p>`;
const pages: Record<string, string> = {
  '/none': page('', '/empty.js'),
  '/otel': page('', '/otel.js'),
  '/plume': page(`<script>window.plumeConfig = { endpoint: location.origin, serviceName: 'shop' };</script>`, '/plume.iife.js'),
};
const server = await serve((req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (pages[path]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
  const f = files[path];
  if (f) return void res.writeHead(200, { 'content-type': f.type }).end(f.body);
  // The OTLP endpoint of both SDKs: accept and forget.
  res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
});

const browser = await launchChromium();
interface Load { cpu: number; held: number; afterArrival: number }
async function load(path: string): Promise<Load> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(server.origin + path, { waitUntil: 'load' });
  // Let deferred work (idle callbacks, the wasm compile) run: it counts too. Not a
  // synchronisation: the figure is what ran in this window.
  await p.waitForTimeout(WINDOW_MS);
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const marks = await p.evaluate(() => {
    const [a] = performance.getEntriesByName('A'), [b] = performance.getEntriesByName('B');
    const res = performance.getEntriesByType('resource')
      .find((e) => /\/(empty|otel|plume\.iife)\.js$/.test(e.name)) as PerformanceResourceTiming;
    return { a: a.startTime, b: b.startTime, arrived: res.responseEnd };
  });
  await ctx.close();
  return {
    cpu: metrics.find((m) => m.name === 'ScriptDuration')!.value * 1000,
    held: marks.b - marks.a,
    afterArrival: marks.b - Math.max(marks.a, marks.arrived),
  };
}
const results: Record<string, Load[]> = { '/none': [], '/otel': [], '/plume': [] };
for (let k = 0; k < LOADS; k++) for (const path of Object.keys(results)) results[path].push(await load(path));
await browser.close();
await server.close();

const of = (path: string, key: keyof Load) => results[path].map((r) => r[key]);
const base = spread(of('/none', 'cpu')).median;
const over = (path: string) => of(path, 'cpu').map((v) => v - base);
const o = spread(over('/otel')).median, pl = spread(over('/plume')).median;
console.log(`\npage start-up: main-thread script CPU to load + ${WINDOW_MS} ms, ${LOADS} cold loads each, Chromium; ` +
  `ms over the empty page's median (${fmtSpread(of('/none', 'cpu'))} ms): median (IQR, min–max)`);
console.log(`  OTel web quick start (${(otel.length / 1024).toFixed(1)} KB minified)`.padEnd(58) + fmtSpread(over('/otel')));
console.log(`  Plume, plume.iife.js + window.plumeConfig`.padEnd(58) + `${fmtSpread(over('/plume'))}   (target <= 2 ms)`);
console.log(`  Plume / OTel (medians)`.padEnd(58) + `${(pl / o).toFixed(2)}x`);
console.log(`\nparser held by a synchronous <script src> (wall ms between the inline scripts either side; median (IQR, min–max))`);
for (const [path, label] of [['/none', 'an empty file (the harness)'], ['/otel', 'OTel web quick start'], ['/plume', 'plume.iife.js']]) {
  console.log(`  ${label}`.padEnd(34) + `held ${fmtSpread(of(path, 'held'))}`);
  console.log(''.padEnd(34) + `after arrival ${fmtSpread(of(path, 'afterArrival'))}`);
}
const h = (path: string) => spread(of(path, 'held')).median;
console.log(`  Plume / OTel (medians of held)`.padEnd(34) +
  `${(h('/plume') / h('/otel')).toFixed(2)}x   (target: <= 1, no longer than OTel's quick start)`);
