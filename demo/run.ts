// npm run demo: Plume in a real page → a real edge worker (workerd) → the dev collector → the viewer.
//
//   npm run demo                 build what is missing, start everything, drive a short visit in
//                                Chromium so the viewer has data at once, run until Ctrl-C
//   npm run demo -- --once       the same, then print what arrived and exit: 0 only if the
//                                data arrived, with a browser → worker → upstream trace
//
// What runs: the dev collector (in this process; OTLP/HTTP + SQLite + viewer), the upstream
// (demo/upstream.ts, its own node process), and workerd serving demo/worker: the site (built
// from demo/app/ and dist/ into <data>/site, the app minified with its source map kept out of
// the site, in <data>/maps), the API and the OTLP relay on one origin. The relay makes the
// app's stacks readable with those maps (a second disk service); the collector gets them only
// to show the source around each frame in the viewer.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startCollector, type Collector, type LogRow, type MetricRow, type SpanRow } from './collector/index.js';
import { esbuildPlugin } from '../src/build/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
const DIST = join(ROOT, 'dist');

const USAGE = `Plume demo: a page → an edge worker (workerd) → the dev collector → the viewer.

  npm run demo [-- options]

  --once                 drive the visit, print what arrived, exit (0: everything arrived)
  --no-visit             do not drive a browser (open the pages yourself)
  --no-build             never run npm run build; use dist/ as it is (fail if it is missing)
  --data <dir>           the collector's store and the built site and worker (default .demo-data)
  --collector-port <n>   default 4318 (a free port if it is taken; 0: any)
  --collector-url <url>  send to this OTLP/HTTP collector instead (the real one, e.g.
                         otelcol-contrib --config demo/otel-collector.yaml); no dev collector,
                         no viewer, not with --once
  --site-port <n>        default 8080 (a free port if it is taken; 0: any)
  --timeout <s>          --once: how long to wait for the data after the visit (default 30)
  --help
`;

// Chromium as the browser suites start it (playwright.config.ts CHROMIUM_FLAGS): without the
// background-networking switches it keeps dialling Google's hosts.
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SERVICES = { web: 'demo-web', api: 'demo-api', upstream: 'demo-upstream' } as const;

// ---------------------------------------------------------------------------------------
// Arguments

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      'no-visit': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      data: { type: 'string', default: '.demo-data' },
      'collector-port': { type: 'string', default: '4318' },
      'collector-url': { type: 'string' },
      'site-port': { type: 'string', default: '8080' },
      timeout: { type: 'string', default: '30' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
}
try {
  args = parse();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`--${name} must be a port number, not ${raw}\n`);
    process.exit(2);
  }
  return n;
};
const ONCE = args.once;
const DATA = resolve(ROOT, args.data!);
const COLLECTOR_PORT = port('collector-port', args['collector-port']!);
const EXTERNAL = args['collector-url']?.replace(/\/+$/, '');
if (EXTERNAL && !/^https?:\/\/[^/]+$/.test(EXTERNAL)) {
  process.stderr.write(`--collector-url must be an http(s) origin (the OTLP/HTTP base, no path), not ${EXTERNAL}\n`);
  process.exit(2);
}
if (EXTERNAL && ONCE) {
  process.stderr.write('--once checks what arrived in the dev collector: it cannot be combined with --collector-url\n');
  process.exit(2);
}
const SITE_PORT = port('site-port', args['site-port']!);
const WAIT_MS = Math.max(1, Number(args.timeout) || 30) * 1000;
const VISIT_MS = 90_000;

const started = Date.now();
/** A path as the user reads it: relative inside the checkout. */
const show = (path: string) => (path.startsWith(ROOT) ? relative(ROOT, path) : path);
const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const say = (line: string) => console.log(`[demo ${stamp()}] ${line}`);

// ---------------------------------------------------------------------------------------
// Processes: every child is ended on the way out, whatever way that is.

interface Child { name: string; proc: ChildProcess; output: string[]; exited: Promise<number | null> }
const children: Child[] = [];
process.once('exit', () => { for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL'); });

function own(name: string, proc: ChildProcess, echo: boolean): Child {
  const output: string[] = [];
  const onLines = (stream: NodeJS.ReadableStream | null) => {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        output.push(line);
        if (output.length > 500) output.shift();
        if (echo && line.trim()) console.log(`[${name}] ${line}`);
      }
    });
  };
  onLines(proc.stdout);
  onLines(proc.stderr);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const child = { name, proc, output, exited };
  children.push(child);
  return child;
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 3000);
  await c.exited;
  clearTimeout(t);
}

/** Resolves with the first match of re in the child's output; rejects if it exits or takes too long. */
function waitForLine(c: Child, re: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      for (const line of c.output) {
        const m = re.exec(line);
        if (m) return done(() => resolvePromise(m));
      }
    };
    const timer = setTimeout(() => done(() => reject(new Error(`${c.name} did not start in ${ms / 1000} s:\n${c.output.join('\n')}`))), ms);
    const poll = setInterval(check, 25);
    const onExit = (code: number | null) => done(() => reject(new Error(`${c.name} exited (${code}):\n${c.output.join('\n')}`)));
    c.proc.once('exit', onExit);
    function done(f: () => void) { clearTimeout(timer); clearInterval(poll); c.proc.off('exit', onExit); f(); }
    check();
  });
}

/** `preferred` if nothing listens there, else a free port from the kernel. */
function freePort(preferred: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (preferred !== 0 && err.code === 'EADDRINUSE') resolvePromise(freePort(0));
      else reject(err);
    });
    server.listen(preferred, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolvePromise(p));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Build: dist (npm run build, if missing or older than its sources), the site, the worker.

const NEEDED = ['browser.js', 'plume.iife.js', 'snippet.min.js', 'plume.wasm', 'edge.js'];
const SOURCES = ['src', 'wasm/assembly', 'rollup.config.js', 'scripts/build.js'];

function newest(path: string): { file: string; mtime: number } {
  const st = statSync(path);
  if (!st.isDirectory()) return { file: path, mtime: st.mtimeMs };
  let best = { file: path, mtime: 0 };
  for (const name of readdirSync(path)) {
    const n = newest(join(path, name));
    if (n.mtime > best.mtime) best = n;
  }
  return best;
}

function ensureDist(): void {
  const missing = NEEDED.filter((f) => !existsSync(join(DIST, f)));
  let why = missing.length ? `dist/ lacks ${missing.join(', ')}` : '';
  if (!why) {
    const built = Math.min(...NEEDED.map((f) => statSync(join(DIST, f)).mtimeMs));
    const src = SOURCES.filter((s) => existsSync(join(ROOT, s))).map((s) => newest(join(ROOT, s))).sort((a, b) => b.mtime - a.mtime)[0];
    if (src && src.mtime > built) why = `${relative(ROOT, src.file)} is newer than dist/`;
  }
  if (!why) return;
  if (args['no-build']) {
    if (missing.length) throw new Error(`${why}, and --no-build was given: run npm run build`);
    say(`${why}; --no-build: using it as it is`);
    return;
  }
  say(`${why}: npm run build`);
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed (see above)');
}

/** The app as a site ships it: minified, its map moved out of the site (to `maps`) with a debug ID, by plume/build. */
async function buildSite(dir: string, maps: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  rmSync(maps, { recursive: true, force: true });
  mkdirSync(join(dir, 'chunks'), { recursive: true });
  const app = join(ROOT, 'demo/app');
  const shell = readFileSync(join(app, 'shell.html'), 'utf8').trim();
  const snippet = readFileSync(join(DIST, 'snippet.min.js'), 'utf8').trim();
  for (const page of ['snippet.html', 'esm.html']) {
    const html = readFileSync(join(app, page), 'utf8')
      .replace('<!-- plume:snippet -->', () => `<script>${snippet}</script>`)
      .replace('<!-- plume:shell -->', () => shell);
    writeFileSync(join(dir, page), html);
  }
  copyFileSync(join(app, 'style.css'), join(dir, 'style.css'));
  await build({
    entryPoints: [join(app, 'app.js')], outfile: join(dir, 'app.js'), bundle: true, format: 'esm', minify: true,
    sourcemap: 'linked', logLevel: 'error', plugins: [esbuildPlugin({ mapsDir: maps, root: ROOT })],
  });
  // Plume as a site serves it: the ESM build with its chunks, the IIFE with its on-demand
  // chunks (plume.*.js), and the wasm encoder beside both.
  for (const f of readdirSync(DIST)) {
    if (f === 'browser.js' || f === 'plume.wasm' || f === 'snippet.min.js' || /^plume\.[\w.-]+\.js$/.test(f)) copyFileSync(join(DIST, f), join(dir, f));
  }
  for (const f of readdirSync(join(DIST, 'chunks'))) if (f.endsWith('.js')) copyFileSync(join(DIST, 'chunks', f), join(dir, 'chunks', f));
}

async function buildWorker(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'demo/worker/index.ts')],
    outfile: join(dir, 'worker.js'),
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'error',
    // `import wasm from 'plume/plume.wasm'` stays an import: workerd hands the module over
    // compiled (config.capnp: `wasm = embed "plume.wasm"`), as wrangler's CompiledWasm does.
    plugins: [{
      name: 'plume-wasm-module',
      setup(b) { b.onResolve({ filter: /^plume\/plume\.wasm$/ }, () => ({ path: './plume.wasm', external: true })); },
    }],
  });
  copyFileSync(join(DIST, 'plume.wasm'), join(dir, 'plume.wasm'));
}

function workerdConfig(o: { site: string; maps: string; port: number; collector: string; upstream: string; viewer: string }): string {
  const s = JSON.stringify;
  return `# Written by demo/run.ts.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "site", worker = .site),
    (name = "assets", disk = (path = ${s(o.site)}, writable = false)),
    # The site's private source maps: bound to the worker for its relay, never routed to.
    (name = "maps", disk = (path = ${s(o.maps)}, writable = false)),
    # Without it a worker may only reach public addresses: 127.0.0.1 (the collector, the upstream) is refused.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${s(`127.0.0.1:${o.port}`)}, http = (), service = "site")],
);

const site :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  globalOutbound = "net",
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "plume.wasm", wasm = embed "plume.wasm"),
  ],
  bindings = [
    (name = "COLLECTOR", text = ${s(o.collector)}),
    (name = "UPSTREAM", text = ${s(o.upstream)}),
    (name = "VIEWER", text = ${s(o.viewer)}),
    (name = "ASSETS", service = "assets"),
    (name = "MAPS", service = "maps"),
  ],
);
`;
}

// ---------------------------------------------------------------------------------------
// Starting things

async function openCollector(siteOrigin: string): Promise<Collector> {
  // The relay makes the app's stacks readable; the maps here give the viewer the source around
  // each frame (and would symbolicate a stack the relay had left: --once counts those as a failure).
  const options = { dataDir: DATA, corsOrigins: [siteOrigin], sourceMaps: join(DATA, 'maps') };
  try {
    return await startCollector({ ...options, port: COLLECTOR_PORT });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || COLLECTOR_PORT === 0) throw err;
    const c = await startCollector({ ...options, port: 0 });
    say(`port ${COLLECTOR_PORT} is taken (another collector?): the dev collector listens on ${c.port} instead`);
    return c;
  }
}

async function startUpstream(collector: string): Promise<{ url: string; child: Child }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'demo/upstream.ts'), '--port', '0', '--collector', collector], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = own('upstream', proc, !ONCE);
  const m = await waitForLine(child, /upstream listening on (http:\/\/\S+)/, 20_000);
  return { url: m[1], child };
}

async function startWorkerd(dir: string): Promise<{ port: number; child: Child }> {
  // node_modules/.bin/workerd is the binary itself, so ending it ends workerd. --control-fd
  // reports the port it listens on as JSON.
  const proc = spawn(join(BIN, 'workerd'), ['serve', 'config.capnp', '--control-fd=3'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const child = own('workerd', proc, !ONCE);
  const port = await new Promise<number>((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`workerd did not listen in 20 s:\n${child.output.join('\n')}`)), 20_000);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`workerd exited (${code}):\n${child.output.join('\n')}`)); });
    (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      buf += d;
      for (const line of buf.split('\n')) {
        try {
          const m = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (m.event === 'listen' && m.socket === 'http' && m.port) { clearTimeout(timer); resolvePromise(m.port); }
        } catch { /* a partial line */ }
      }
    });
  });
  return { port, child };
}

// ---------------------------------------------------------------------------------------
// The scripted visit (Chromium through playwright-core). Selectors and strings only: no
// functions are sent to the page (tsx would add helpers to their source).

function chromiumPath(): string | undefined {
  for (const p of [process.env.PLUME_CHROMIUM, '/usr/bin/chromium']) if (p && existsSync(p)) return p;
  return undefined;
}

interface VisitResult { ok: boolean; steps: number; error?: string; pageErrors: string[] }

async function visit(site: string, collector: Collector | undefined, until: () => boolean): Promise<VisitResult> {
  const executablePath = chromiumPath()!;
  const { chromium } = await import('playwright-core');
  const pageErrors: string[] = [];
  let steps = 0;
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS, '--headless'], timeout: 30_000 });
  } catch (err) {
    return { ok: false, steps, error: `cannot start ${executablePath}: ${(err as Error).message.split('\n')[0]}`, pageErrors };
  }
  // The whole visit is bounded too: closing the browser makes the step in progress fail.
  let overdue = false;
  const limit = setTimeout(() => { overdue = true; void browser.close().catch(() => {}); }, VISIT_MS);
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
    const step = async (what: string, f: () => Promise<unknown>) => {
      try {
        await f();
        steps++;
      } catch (err) {
        throw new Error(`visit step "${what}": ${(err as Error).message.split('\n')[0]}`);
      }
    };
    const ready = (route: string) => page.waitForSelector(`#view[data-state="ready"][data-route="${route}"]`);
    const status = (text: string) => page.waitForSelector(`#status:has-text(${JSON.stringify(text)})`);
    const session = async (entry: 'snippet' | 'esm') => {
      await step(`open /${entry}.html`, async () => { await page.goto(`${site}/${entry}.html`); await ready('/'); });
      await step('Plume started', () => page.waitForFunction(entry === 'esm' ? 'typeof window.plumeSdk === "object"' : 'typeof window.plume === "function" && typeof window.plume.tracer === "object"'));
      await step('route /products', async () => { await page.click('[data-testid=nav-products]'); await ready('/products'); });
      await step('add to cart', async () => { await page.click('[data-testid=add-to-cart] >> nth=0'); await status('in your cart'); });
      if (entry === 'snippet') await step('add to cart again', async () => { await page.click('[data-testid=add-to-cart] >> nth=2'); await status('in your cart'); });
      await step('route /cart', async () => { await page.click('[data-testid=nav-cart]'); await ready('/cart'); });
      await step('Throw an error', async () => { await page.click('[data-testid=throw]'); await status('Uncaught TypeError'); });
      await step('Reject a promise', async () => { await page.click('[data-testid=reject]'); await status('Unhandled rejection'); });
      if (entry === 'snippet') {
        await step('Slow request', async () => { await page.click('[data-testid=slow]'); await page.waitForSelector('#status[data-kind="slow"]'); });
        await step('back', async () => { await page.goBack(); await ready('/products'); });
        await step('forward', async () => { await page.goForward(); await ready('/cart'); });
        await step('route /', async () => { await page.click('[data-testid=nav-home]'); await ready('/'); });
      }
    };
    await session('snippet');
    // Leaving the page (a real navigation to the other entry page): what is left goes by beacon.
    await session('esm');
    await step('leave the page', () => page.close());
    // Beacons of a closed page still travel; closing the browser now would lose them.
    if (collector) await collector.waitFor(() => until(), 10_000).catch(() => {});
    else await new Promise((r) => setTimeout(r, 3000));
    await context.close();
    return { ok: true, steps, pageErrors };
  } catch (err) {
    const why = overdue ? `the visit took longer than ${VISIT_MS / 1000} s; ` : '';
    return { ok: false, steps, error: why + (err as Error).message, pageErrors };
  } finally {
    clearTimeout(limit);
    await browser.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// What arrived

const KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const SERVER = 2;
const CLIENT = 3;

interface Check { name: string; ok: boolean; detail: string }
interface Report {
  ok: boolean;
  checks: Check[];
  traces: number;
  spans: Record<string, number>;
  points: Record<string, number>;
  logs: number;
  errors: { type: string; message: string; kind: string; service: string; at: string }[];
  chain?: { traceId: string; root: string; spans: SpanRow[] };
}

const ms = (ns: string) => Number(ns) / 1e6;

/** browser CLIENT → worker SERVER → worker CLIENT → upstream SERVER, each the parent of the next. */
function findChain(spans: SpanRow[]): SpanRow[] | undefined {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const parent = (s: SpanRow) => (s.parentSpanId ? byId.get(`${s.traceId}/${s.parentSpanId}`) : undefined);
  const is = (s: SpanRow | undefined, service: string, kind: number) => s && s.service === service && s.kind === kind ? s : undefined;
  const size = new Map<string, number>();
  for (const s of spans) size.set(s.traceId, (size.get(s.traceId) ?? 0) + 1);
  const chains: SpanRow[][] = [];
  for (const up of spans.filter((s) => s.service === SERVICES.upstream && s.kind === SERVER)) {
    const wc = is(parent(up), SERVICES.api, CLIENT);
    const ws = wc && is(parent(wc), SERVICES.api, SERVER);
    const bc = ws && is(parent(ws), SERVICES.web, CLIENT);
    if (bc) chains.push([bc, ws, wc, up]);
  }
  // The one to show: no error, then the richest trace (a route change with parallel calls).
  const score = (c: SpanRow[]) => (c.some((s) => s.statusCode === 2) ? 0 : 10_000) + size.get(c[0].traceId)!;
  return chains.sort((a, b) => score(b) - score(a))[0];
}

function report(c: Collector, since: number): Report {
  const recent = <T>(rows: T[], time: (r: T) => string) => rows.filter((r) => ms(time(r)) >= since);
  const spans = recent(c.query.spans(), (s) => s.startTimeUnixNano);
  const points: MetricRow[] = recent(c.query.metrics(), (m) => m.timeUnixNano);
  const logs: LogRow[] = recent(c.query.logs(), (l) => l.timeUnixNano);
  const count = <T>(rows: T[], key: (r: T) => string) => rows.reduce<Record<string, number>>((a, r) => { const k = key(r); a[k] = (a[k] ?? 0) + 1; return a; }, {});
  const bySvc = count(spans, (s) => s.service);
  const byMetric = count(points, (m) => m.name);
  const errors = logs.filter((l) => l.attributes['exception.type'] !== undefined).map((l) => ({
    type: String(l.attributes['exception.type']), message: String(l.attributes['exception.message'] ?? l.body ?? ''),
    kind: String(l.attributes['browser.error.kind'] ?? ''), service: l.service,
    // Where it was thrown in demo/app/app.js, when the stack was symbolicated (the minified one is kept beside it).
    at: l.attributes['plume.exception.minified_stacktrace'] === undefined ? ''
      : `${l.attributes['code.file.path']}:${l.attributes['code.line.number']}:${l.attributes['code.column.number']}`,
  }));
  const readable = errors.filter((e) => e.at.startsWith('demo/app/app.js:'));
  const byCollector = c.received.symbolicated;
  const chain = findChain(spans);
  const loaders = new Set(spans.filter((s) => s.service === SERVICES.web).map((s) => String(s.resource['demo.loader'] ?? '')));
  const vitals = Object.keys(byMetric).filter((n) => n.startsWith('browser.web_vital.'));
  const traceIds = new Set(spans.map((s) => s.traceId));

  const checks: Check[] = [
    ...Object.values(SERVICES).map((svc) => ({ name: `spans from ${svc}`, ok: (bySvc[svc] ?? 0) > 0, detail: String(bySvc[svc] ?? 0) })),
    { name: 'browser → worker → upstream trace', ok: !!chain, detail: chain ? chain[0].traceId : 'none with all four links' },
    { name: 'both entry pages reported', ok: loaders.has('snippet') && loaders.has('esm'), detail: [...loaders].filter(Boolean).join(', ') || 'none' },
    { name: 'web vitals', ok: vitals.length > 0, detail: vitals.map((v) => v.replace('browser.web_vital.', '')).join(', ') || 'none' },
    { name: 'uncaught TypeError', ok: errors.some((e) => e.type === 'TypeError' && e.kind === 'error'), detail: String(errors.filter((e) => e.type === 'TypeError').length) },
    { name: 'unhandled rejection', ok: errors.some((e) => e.kind === 'unhandledrejection'), detail: String(errors.filter((e) => e.kind === 'unhandledrejection').length) },
    {
      // Made readable by the relay: the collector, which has the maps too, had none left to do.
      name: 'readable stacks (the relay\'s source maps)', ok: readable.length === errors.length && errors.length > 0 && !byCollector,
      detail: `${readable.length} of ${errors.length}${byCollector ? `; ${byCollector} symbolicated by the collector, not the relay` : ''}`,
    },
    { name: 'edge request durations', ok: (byMetric['http.server.request.duration'] ?? 0) > 0, detail: String(byMetric['http.server.request.duration'] ?? 0) },
  ];
  let chainInfo: Report['chain'];
  if (chain) {
    const all = spans.filter((s) => s.traceId === chain[0].traceId);
    const root = all.find((s) => !s.parentSpanId || !all.some((p) => p.spanId === s.parentSpanId));
    chainInfo = { traceId: chain[0].traceId, root: root ? `${root.service}: ${root.name}` : '', spans: chain };
  }
  return { ok: checks.every((k) => k.ok), checks, traces: traceIds.size, spans: bySvc, points: byMetric, logs: logs.length, errors, chain: chainInfo };
}

function printReport(r: Report, viewer: string, seconds: number): void {
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const list = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(' · ');
  const vitals = Object.entries(r.points).filter(([k]) => k.startsWith('browser.web_vital.'));
  const other = Object.fromEntries(Object.entries(r.points).filter(([k]) => !k.startsWith('browser.web_vital.')));
  const groups = r.errors.reduce<Record<string, number>>((a, e) => { const k = `${e.type}${e.kind === 'unhandledrejection' ? ' (unhandled rejection)' : ''}`; a[k] = (a[k] ?? 0) + 1; return a; }, {});
  const lines = [
    '',
    `What reached the collector in this run (${seconds.toFixed(1)} s):`,
    `  traces         ${r.traces}`,
    `  spans          ${sum(r.spans)}   ${list(r.spans)}`,
    `  metric points  ${sum(r.points)}   ${[`web vitals ${vitals.map(([k, v]) => `${k.slice(18)} ${v}`).join(', ') || 'none'}`, list(other)].filter(Boolean).join('; ')}`,
    `  log records    ${r.logs}   errors ${r.errors.length}: ${Object.entries(groups).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`,
    `  readable stacks  ${[...new Set(r.errors.map((e) => `${e.type} at ${e.at || '(minified)'}`))].join(' · ') || 'none'}`,
  ];
  if (r.chain) {
    lines.push(`  browser → worker → upstream: yes, trace ${r.chain.traceId} (root: ${r.chain.root})`);
    r.chain.spans.forEach((s, i) => lines.push(`    ${'  '.repeat(i)}${i ? '└ ' : ''}${s.service} ${KIND[s.kind]} "${s.name}" ${s.durationMs.toFixed(1)} ms`));
    lines.push(`    ${viewer}/#/trace/${r.chain.traceId}`);
  } else {
    lines.push('  browser → worker → upstream: no (no trace with all four spans linked)');
  }
  lines.push('', 'Checks:');
  for (const k of r.checks) lines.push(`  ${k.ok ? 'ok  ' : 'FAIL'}  ${k.name}: ${k.detail}`);
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------
// Main

let collector: Collector | undefined;
let stopping: Promise<void> | undefined;

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const c of [...children].reverse()) await stopChild(c);
    await collector?.close();
  })();
  return stopping;
}

async function main(): Promise<number> {
  const runStart = Date.now();
  ensureDist();
  await buildSite(join(DATA, 'site'), join(DATA, 'maps'));
  await buildWorker(join(DATA, 'worker'));
  say(`built ${show(join(DATA, 'site'))} (demo/app + dist) and ${show(join(DATA, 'worker'))} (esbuild)`);

  const sitePort = await freePort(SITE_PORT);
  if (SITE_PORT && sitePort !== SITE_PORT) say(`port ${SITE_PORT} is taken: the site listens on ${sitePort} instead`);
  const site = `http://127.0.0.1:${sitePort}`;
  collector = EXTERNAL ? undefined : await openCollector(site);
  const sink = EXTERNAL ?? collector!.url;
  const viewer = collector ? collector.url : '';
  const upstream = await startUpstream(sink);
  writeFileSync(join(DATA, 'worker', 'config.capnp'), workerdConfig({
    site: join(DATA, 'site'), maps: join(DATA, 'maps'), port: sitePort, collector: sink, upstream: upstream.url, viewer,
  }));
  const workerd = await startWorkerd(join(DATA, 'worker'));
  if (workerd.port !== sitePort) throw new Error(`workerd listens on ${workerd.port}, expected ${sitePort}`);
  say('running');
  console.log([
    '',
    `  site (script-tag snippet)  ${site}/snippet.html`,
    `  site (ESM import)          ${site}/esm.html`,
    collector ? `  viewer                     ${viewer}/` : `  collector                  ${EXTERNAL} (--collector-url: no dev collector, no viewer)`,
    `  OTLP relay                 ${site}/otlp/v1/{traces,metrics,logs} → ${sink}`,
    `  upstream                   ${upstream.url}`,
    collector ? `  store                      ${show(join(DATA, 'collector.sqlite'))}` : '',
    '',
  ].filter((l, i, a) => l || i === 0 || i === a.length - 1).join('\n'));

  // A child that dies takes the demo with it.
  for (const c of [upstream.child, workerd.child]) {
    void c.exited.then(async (code) => {
      // Ctrl-C in a terminal signals the whole process group: the children may see it first.
      await new Promise((r) => setTimeout(r, 300));
      if (stopping) return;
      console.error(`[demo] ${c.name} exited (${code}):\n${c.output.slice(-20).join('\n')}`);
      void shutdown().then(() => process.exit(1));
    });
  }

  const complete = () => !!collector && report(collector, runStart).ok;
  let visited: VisitResult | undefined;
  if (args['no-visit']) {
    say('--no-visit: no scripted visit');
  } else if (!chromiumPath()) {
    say('no Chromium at /usr/bin/chromium (set PLUME_CHROMIUM): no scripted visit; open the pages yourself');
  } else {
    say('scripted visit in Chromium: both entry pages, route changes, both error buttons, the slow request, leaving');
    visited = await visit(site, collector, complete);
    say(visited.ok ? `visit done (${visited.steps} steps)` : `visit failed after ${visited.steps} steps: ${visited.error}`);
  }

  if (!ONCE) {
    if (visited && collector) printReport(report(collector, runStart), viewer, (Date.now() - runStart) / 1000);
    console.log(`\nOpen ${site}/snippet.html${collector ? ` and ${viewer}/` : ''} — Ctrl-C stops everything.`);
    return await new Promise<number>(() => {});
  }

  if (!visited) {
    console.error('--once needs the scripted visit (Chromium), and it did not run: nothing to wait for.');
    return 1;
  }
  // Bounded: the exports of the last page and the edge's waitUntil work are in flight. After
  // a failed visit, only long enough to show what did arrive.
  const waited = visited.ok ? WAIT_MS : Math.min(WAIT_MS, 3000);
  const deadline = Date.now() + waited;
  while (!complete() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const r = report(collector!, runStart);
  printReport(r, viewer, (Date.now() - runStart) / 1000);
  writeFileSync(join(DATA, 'summary.json'), JSON.stringify({ ...r, site, viewer, visit: visited }, null, 2));
  if (!r.ok) {
    console.log(`\nFAILED: ${r.checks.filter((k) => !k.ok).map((k) => k.name).join('; ')} (waited up to ${waited / 1000} s after the visit)`);
    if (!visited.ok) console.log(`the visit failed: ${visited.error}`);
    for (const c of children) console.log(`\n--- ${c.name} (last lines)\n${c.output.slice(-15).join('\n')}`);
    return 1;
  }
  console.log(`\nOK: everything arrived (${show(join(DATA, 'summary.json'))})`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping workerd, the upstream and the collector (the store is written)`);
    // Interrupted, --once has checked nothing: not a success.
    void shutdown().then(() => process.exit(ONCE ? 128 + (signal === 'SIGINT' ? 2 : 15) : 0));
  });
}

main().then(
  async (code) => { await shutdown(); process.exit(code); },
  async (err) => {
    console.error(`[demo] ${(err as Error).message ?? err}`);
    await shutdown();
    process.exit(1);
  },
);
