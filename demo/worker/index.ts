// The demo's edge worker, run by workerd: one origin for the pages, the API and the OTLP
// relay, so the browser's exports are first-party (no CORS preflight, nothing for an ad
// blocker to match) and its fetches to /api carry traceparent (same origin).
//
//   /otlp/v1/{traces,metrics,logs}  relay() → the collector (env.COLLECTOR), exception stacks
//                                    made readable with the app's private source maps (env.MAPS)
//   /api/products, /api/cart, /api/checkout  → the upstream (env.UPSTREAM), traced
//   everything else                  the site's files (env.ASSETS, a workerd disk service)
//
// The maps are a second disk service that no route reaches: only the relay's symbolicator
// reads them, as a site would bind an R2 bucket or KV namespace it never serves.
//
// demo/run.ts bundles this with esbuild and writes the workerd config (config.capnp).
import wasm from 'plume/plume.wasm'; // a build-time WebAssembly.Module: workerd refuses to compile at run time
import { createSymbolicator, instrument, relay, SpanKind, type Relay } from 'plume/edge';

interface Env {
  COLLECTOR: string;
  UPSTREAM: string;
  VIEWER: string;
  ASSETS: { fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> };
  /** The app's source maps (plume/build's layout: `app.js.map`, `debug-id/<id>.map`), private. */
  MAPS: { fetch(input: string): Promise<Response> };
}
interface Ctx { waitUntil(p: Promise<unknown>): void }

const PAGES = ['/snippet.html', '/esm.html'];
/** The SPA's routes: deep links and reloads get the page the visitor came in through. */
const SPA_ROUTES = ['/', '/products', '/cart'];
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8',
  wasm: 'application/wasm', json: 'application/json', svg: 'image/svg+xml', ico: 'image/x-icon', map: 'application/json',
};

let forward: Relay | undefined;

export default instrument({
  fetch(request: Request, env: Env, _ctx: Ctx): Promise<Response> | Response {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/otlp/')) {
      forward ??= relay({ collector: env.COLLECTOR, sourceMaps: createSymbolicator({ source: env.MAPS }) });
      return forward(request).then((r) => r ?? new Response('not found', { status: 404 }));
    }
    if (url.pathname.startsWith('/api/')) return api(request, url, env);
    return assets(request, url, env);
  },
}, (env: Env) => ({
  endpoint: env.COLLECTOR,
  serviceName: 'demo-api',
  serviceVersion: '1.0.0',
  environment: 'demo',
  wasm,
  route: (request: Request) => routeOf(new URL(request.url).pathname),
  // The relay's own requests and the scripts, styles and wasm the pages load would each be a
  // one-span trace: dropped here (http.server.request.duration still counts them, by route).
  // Page loads stay: the browser's documentLoad span continues their trace (Server-Timing).
  beforeSend: (span) => {
    const route = span.attributes['http.route'];
    return span.kind === SpanKind.SERVER && (route === '/otlp/v1/:signal' || route === '/*') ? null : span;
  },
}));

function routeOf(path: string): string {
  if (path.startsWith('/otlp/')) return '/otlp/v1/:signal';
  if (path.startsWith('/api/')) return path;
  if (SPA_ROUTES.includes(path) || PAGES.includes(path)) return path;
  return '/*';
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

/** A request to the upstream: only the headers it needs (never the browser's traceparent: ours goes). */
function upstream(env: Env, path: string, request?: Request): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const type = request?.headers.get('content-type');
  if (type) headers['content-type'] = type;
  const hasBody = request && request.method !== 'GET' && request.method !== 'HEAD';
  return fetch(`${env.UPSTREAM}${path}`, { method: request?.method ?? 'GET', headers, body: hasBody ? request.body : undefined });
}

/** The upstream's answer, passed on (its Server-Timing traceparent is replaced by ours). */
async function pass(res: Response): Promise<Response> {
  return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' } });
}

// Every upstream fetch starts before the handler's first await: there it finds its parent
// (the SERVER span) without AsyncLocalStorage, whatever else is in flight in the isolate.
function api(request: Request, url: URL, env: Env): Promise<Response> | Response {
  const route = `${request.method} ${url.pathname}`;
  const failed = (e: unknown) => json({ error: `upstream unreachable: ${(e as Error)?.message ?? e}` }, 502);
  switch (route) {
    case 'GET /api/products':
      return upstream(env, `/products${url.search}`).then(pass, failed);
    case 'GET /api/cart': {
      // Two upstream calls in parallel, merged here: the waterfall shows both.
      const items = upstream(env, '/cart');
      const products = upstream(env, '/products');
      return Promise.all([items, products]).then(async ([i, p]) => {
        if (!i.ok || !p.ok) return json({ error: 'upstream failed' }, 502);
        const { items: lines } = (await i.json()) as { items: { id: string; qty: number }[] };
        const { products: list } = (await p.json()) as { products: { id: string; name: string; price: number }[] };
        const rows = lines.map((l) => {
          const product = list.find((x) => x.id === l.id);
          return { id: l.id, qty: l.qty, name: product?.name ?? l.id, price: product?.price ?? 0 };
        });
        return json({ items: rows, total: Math.round(rows.reduce((a, r) => a + r.qty * r.price, 0) * 100) / 100 });
      }, failed);
    }
    case 'POST /api/cart':
      return upstream(env, '/cart', request).then(pass, failed);
    case 'POST /api/checkout':
      return upstream(env, '/checkout', request).then(pass, failed);
    case 'GET /api/config':
      // Lets the page link a request's trace to the viewer.
      return json({ viewer: env.VIEWER });
  }
  return json({ error: `no route ${route}` }, 404);
}

async function assets(request: Request, url: URL, env: Env): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
  let path = url.pathname;
  if (SPA_ROUTES.includes(path)) {
    // The loader the visitor chose last (app.js sets the cookie); the script tag by default.
    path = /(?:^|;\s*)demo-loader=esm(?:;|$)/.test(request.headers.get('cookie') ?? '') ? '/esm.html' : '/snippet.html';
  }
  const ext = /\.([a-z0-9]+)$/.exec(path)?.[1];
  // The disk service lists directories as JSON: only files with a known type are served.
  if (!ext || !TYPES[ext] || path.includes('..')) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  const file = await env.ASSETS.fetch(`http://assets${path}`, { method: request.method });
  if (!file.ok) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(file.body, {
    status: 200,
    headers: { 'content-type': TYPES[ext], 'cache-control': 'no-cache' },
  });
}
