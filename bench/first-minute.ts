// Which of Plume's files a default page loads in its first minute, asked of the browser
// rather than listed by hand (a list would go stale the day a chunk moves). `npm run size`
// adds them to the critical path for the first-minute budget; test/bench/first-minute.test.ts
// checks that a chunk loaded on demand is seen.
//
// A default page: every default instrumentation on, no error, no debug, WebAssembly allowed,
// nothing persisted by an earlier page, and the app's own fetch. The minute is faked, not
// waited: after `load`, the page waits until no Plume file has been requested for QUIET_MS
// (idle-time loading has run), then forces an export (flush(): encoding, transport, metric
// collection), then waits for quiet again. Whatever the runtime loads on its own in a
// minute (on idle, after load, at the first export or metric collection) is loaded by then.
// Both ways in: the ES module bundle a bundler makes (files under /app/) and the script tag,
// the snippet loading plume.iife.js (dist/ files at the root, where the snippet looks).
import { readFileSync } from 'node:fs';
import { launchChromium, ROOT, serve, waitFor } from './lib.js';

const QUIET_MS = Number(process.env.FIRST_MINUTE_QUIET_MS ?? 1500);
const DEADLINE_MS = 30_000;

export interface FirstMinuteInput {
  /** The ES module build of the app, by file name (its entry is `entry`); served under /app/. */
  esm: Map<string, Uint8Array>;
  entry: string;
  /** The init config, as JavaScript source: `{ endpoint: location.origin, … }` by default. */
  config?: string;
}

export interface FirstMinute {
  /** File names (under /app/ for esm, in dist/ for the script tag) requested, in request order. */
  esm: string[];
  scriptTag: string[];
}

/** The app entry both `npm run size` and this check bundle: init() with the defaults. */
export const APP_ENTRY = `import { init } from 'plume';
window.plumeApp = init(window.plumeInitConfig);`;

const DEFAULT_CONFIG = `{ endpoint: location.origin, serviceName: 'shop' }`;

export async function firstMinute(input: FirstMinuteInput): Promise<FirstMinute> {
  const config = input.config ?? DEFAULT_CONFIG;
  const snippet = readFileSync(`${ROOT}dist/snippet.min.js`, 'utf8');
  const body = `<h1>Shop</h1><p>${'text '.repeat(200)}</p>
<script>addEventListener('DOMContentLoaded', () => fetch('/api/items').then((r) => r.text()));</script>`;
  const pages: Record<string, string> = {
    '/esm.html': `<!doctype html><meta charset="utf-8"><title>shop</title><link rel="icon" href="data:,">
<script>window.plumeInitConfig = ${config};</script><script type="module" src="/app/${input.entry}"></script>${body}`,
    '/tag.html': `<!doctype html><meta charset="utf-8"><title>shop</title><link rel="icon" href="data:,">
<script>${snippet}</script><script>plume('init', ${config});</script>${body}`,
  };
  const requested: { path: string; at: number }[] = [];
  const server = await serve((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (pages[path]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
    if (path === '/api/items') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    if (req.method === 'POST' && path.startsWith('/v1/')) return void res.writeHead(200).end();
    requested.push({ path, at: Date.now() });
    const esm = path.startsWith('/app/') ? input.esm.get(path.slice(5)) : undefined;
    if (esm) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(esm);
    const name = path.slice(1);
    if (/^plume\.[\w.-]+$/.test(name)) {
      try {
        const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
        return void res.writeHead(200, { 'content-type': type }).end(readFileSync(`${ROOT}dist/${name}`));
      } catch { /* 404 below */ }
    }
    res.writeHead(404).end();
  });
  const browser = await launchChromium();
  try {
    const visit = async (page: string, flush: string, pick: RegExp): Promise<string[]> => {
      requested.length = 0;
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      p.on('console', (m) => { if (m.type() === 'error' || /PLUME_W/.test(m.text())) errors.push(m.text()); });
      p.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} for ${r.url()}`); });
      await p.goto(server.origin + page, { waitUntil: 'load' });
      // QUIET_MS with no new request, counted from now or from the last request, the later.
      const quiet = (since = Date.now()) =>
        waitFor(() => Date.now() - Math.max(since, ...requested.map((r) => r.at)) >= QUIET_MS, DEADLINE_MS, 'no new Plume file');
      await quiet();
      await p.evaluate(flush);
      await quiet();
      await ctx.close();
      if (errors.length) throw new Error(`the default page ${page} was not quiet: ${errors.join('; ')}`);
      return [...new Set(requested.map((r) => pick.exec(r.path)?.[1]).filter((x): x is string => !!x))];
    };
    const esm = await visit('/esm.html', 'window.plumeApp.flush()', /^\/app\/(.+)$/);
    const scriptTag = await visit('/tag.html', 'new Promise((r) => plume.onReady((p) => p.flush().then(r)))', /^\/(plume\.[\w.-]+)$/);
    return { esm, scriptTag };
  } finally {
    await browser.close();
    await server.close();
  }
}
