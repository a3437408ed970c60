// npm run bench, part 5 — does a real app get slower? A page shaped like an SPA: its app
// bundle (a deferred script, ~150 KB of generated modules that run at start-up) starts the
// app's first request at DOMContentLoaded, an XHR (Angular's HttpClient default) GET
// /api/user to an API on another origin of the same site. Everything is served gzip-compressed.
// Three variants, cold loads (a new browser context each) interleaved, in one run:
// - no Plume;
// - Plume through the snippet (inline, loading plume.iife.js async), propagation off: the
//   default, so the cross-origin request gets no traceparent and needs no preflight;
// - the same with propagateTraceHeaderCorsUrls naming the API: traceparent is added, so the
//   browser first sends a CORS preflight (the API answers it, allowing traceparent).
// Figures, in ms from navigation start: the request's Resource Timing startTime (it went out;
// a preflight comes after it) and responseEnd (the network had the answer), and when the app's
// loadend callback ran (the app had it: this one also waits for a busy main thread), plus
// DOMContentLoaded. Target: within 5 ms of no Plume with propagation off. Whether Plume had
// taken over XHR by then is counted (window.plume live at DOMContentLoaded; traceparent
// headers and preflights the API saw): plume.iife.js loads async, so on a given load it may
// arrive after the app's first request, which then goes out untraced, as in a real page.
// FIRST_REQUEST_LOADS (default 20).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fmtSpread, launchChromium, ROOT, serve, spread } from './lib.js';

const LOADS = Number(process.env.FIRST_REQUEST_LOADS ?? 20);

// The app: generated modules, each registered and run at start-up, as a framework's bootstrap does.
const modules = Array.from({ length: 1500 }, (_, i) =>
  `define('m${i}', function (r) { var o = { id: ${i}, name: 'component${i}', ` +
  `deps: [${[1, 2, 3].map((d) => `'m${Math.max(0, i - d)}'`).join(',')}] };` +
  ` o.render = function (s) { return '<div class="c${i}">' + s + '</div>'; }; r.push(o.render(o.name)); return o; });`).join('\n');
const app = `(function () {
var registry = {}, out = [];
function define(name, f) { registry[name] = f; }
${modules}
for (var k in registry) registry[k](out);
document.addEventListener('DOMContentLoaded', function () {
  window.__plumeAtDcl = !!(window.plume && window.plume.tracer);
  var x = new XMLHttpRequest();
  x.open('GET', window.API + '/api/user');
  x.onloadend = function () { window.__answered = performance.now(); window.__done = true; };
  x.send();
});
})();`;

const snippet = (origin: string) => readFileSync(`${ROOT}dist/snippet.min.js`, 'utf8').replace('/plume.iife.js', `${origin}/plume.iife.js`);
const page = (api: string, head: string) => `<!doctype html><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,">
<script>window.API = '${api}';</script>${head}<script src="/app.js" defer></script>
<app-root><h1>App</h1><p>${'text '.repeat(200)}</p></app-root>`;

const gz = (body: string | Uint8Array) => gzipSync(body, { level: 6 });
const seen = { traceparent: 0, preflights: 0, requests: 0 };
const api = await serve((req, res) => {
  const cors = { 'access-control-allow-origin': String(req.headers.origin ?? '*'), 'timing-allow-origin': '*' };
  if (req.method === 'OPTIONS') {
    seen.preflights++;
    const allow = { 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'traceparent, tracestate, baggage' };
    return void res.writeHead(204, { ...cors, ...allow }).end();
  }
  seen.requests++;
  if (req.headers.traceparent) seen.traceparent++;
  res.writeHead(200, { ...cors, 'content-type': 'application/json', 'content-encoding': 'gzip' })
    .end(gz(JSON.stringify({ id: 7, name: 'Ada' })));
});
const appGz = gz(app), iifeGz = gz(readFileSync(`${ROOT}dist/plume.iife.js`));
const web = await serve((req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  const init = (propagate: boolean) => `<script>${snippet('')}</script>` +
    `<script>plume('init', { endpoint: location.origin, serviceName: 'app'` +
    `${propagate ? `, propagateTraceHeaderCorsUrls: ['${api.origin}']` : ''} });</script>`;
  const pages: Record<string, string> = {
    '/none': page(api.origin, ''),
    '/plume': page(api.origin, init(false)),
    '/plume-propagate': page(api.origin, init(true)),
  };
  const send = (type: string, body: Uint8Array) => void res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip' }).end(body);
  if (pages[path]) return send('text/html', gz(pages[path]));
  if (path === '/app.js') return send('text/javascript', appGz);
  if (path === '/plume.iife.js') return send('text/javascript', iifeGz);
  // Plume's OTLP endpoint (nothing is exported within a load; accepted all the same).
  res.writeHead(200).end();
});

interface Load { start: number; end: number; answered: number; dcl: number; live: number }
const browser = await launchChromium();
async function load(path: string): Promise<Load> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(web.origin + path, { waitUntil: 'load' });
  await p.waitForFunction(() => (window as unknown as { __done?: boolean }).__done, undefined, { timeout: 20_000 });
  const r = await p.evaluate(() => {
    const e = performance.getEntriesByType('resource').find((x) => x.name.endsWith('/api/user')) as PerformanceResourceTiming;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const w = window as unknown as { __plumeAtDcl: boolean; __answered: number };
    return {
      start: e.startTime, end: e.responseEnd, answered: w.__answered, dcl: nav.domContentLoadedEventStart, live: w.__plumeAtDcl ? 1 : 0,
    };
  });
  await ctx.close();
  return r;
}
const variants: [string, string][] = [['/none', 'no Plume'], ['/plume', 'Plume, snippet, propagation off'],
  ['/plume-propagate', 'Plume, snippet, propagation on']];
const results = new Map<string, Load[]>(variants.map(([p]) => [p, []]));
const traced = new Map<string, number>(variants.map(([p]) => [p, 0]));
const preflighted = new Map<string, number>(variants.map(([p]) => [p, 0]));
for (let k = 0; k < LOADS; k++) {
  for (const [path] of variants) {
    const t = seen.traceparent, f = seen.preflights;
    results.get(path)!.push(await load(path));
    traced.set(path, traced.get(path)! + seen.traceparent - t);
    preflighted.set(path, preflighted.get(path)! + seen.preflights - f);
  }
}
await browser.close();
await Promise.all([api.close(), web.close()]);

const med = (path: string, key: keyof Load) => spread(results.get(path)!.map((r) => r[key])).median;
console.log(`\nan app's first request (XHR at DOMContentLoaded to a same-site API on another origin, gzip), ${LOADS} cold loads each, ` +
  'Chromium; ms from navigation start, median (IQR, min–max)');
for (const [path, label] of variants) {
  const l = results.get(path)!;
  console.log(`  ${label}`.padEnd(36) + `goes out  ${fmtSpread(l.map((r) => r.start))}`);
  console.log(''.padEnd(36) + `completes ${fmtSpread(l.map((r) => r.end))}`);
  console.log(''.padEnd(36) + `app has it ${fmtSpread(l.map((r) => r.answered))}`);
  console.log(''.padEnd(36) + `DOMContentLoaded ${med(path, 'dcl').toFixed(2)}; Plume live at DOMContentLoaded ` +
    `${l.reduce((n, r) => n + r.live, 0)}/${LOADS}, traceparent ${traced.get(path)}/${LOADS}, ` +
    `preflighted ${preflighted.get(path)}/${LOADS}`);
}
const d = (path: string, key: keyof Load) => (med(path, key) - med('/none', key)).toFixed(2);
console.log(`  later than without Plume (medians), propagation off: completes ${d('/plume', 'end')} ms (target <= 5 ms), ` +
  `app has it ${d('/plume', 'answered')} ms; propagation on: ${d('/plume-propagate', 'end')} ms, ${d('/plume-propagate', 'answered')} ms`);
