// The demo's "upstream": a product catalogue and a cart, the service the edge worker calls.
// A plain node http server, traced with Plume's runtime-neutral edge core: instrumentVercel()
// takes a fetch-style handler (Request in, Response out), so a ten-line adapter from node's
// http request to a Request and back is all node needs. Its SERVER spans continue the
// worker's traceparent, so they land in the same trace as the browser and the worker.
//
//   npx tsx demo/upstream.ts --port 0 --collector http://127.0.0.1:4318
//
// Prints "upstream listening on http://127.0.0.1:<port>" once it listens.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { getPlume, instrumentVercel, SpanKind } from 'plume/edge';

interface Product { id: string; name: string; price: number; description: string; featured?: boolean }

const PRODUCTS: Product[] = [
  { id: 'p1', name: 'Feather quill', price: 12.5, description: 'Writes spans by hand.', featured: true },
  { id: 'p2', name: 'Ink pot (OTLP blue)', price: 7, description: 'Protobuf-safe, does not smudge.' },
  { id: 'p3', name: 'Notebook, 64 KiB', price: 9.9, description: 'Exactly one beacon of pages.', featured: true },
  { id: 'p4', name: 'Pocket collector', price: 24, description: 'Receives anything, judges everything.' },
  { id: 'p5', name: 'Wasm paperweight', price: 16.2, description: 'Compiled at build time.', featured: true },
  { id: 'p6', name: 'Trace string', price: 3.4, description: 'Ties browser, edge and origin together.' },
];

const cart = new Map<string, number>();

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A database that takes its time: 8–40 ms, plus `extra`. */
const query = async <T>(statement: string, extra: number, work: () => T): Promise<T> => {
  const plume = getPlume();
  const span = plume?.tracer.startSpan(statement.split(' ')[0] + ' catalogue', {
    kind: SpanKind.CLIENT, // a call to the (pretend) database
    attributes: { 'db.system.name': 'sqlite', 'db.query.text': statement, 'db.namespace': 'catalogue' },
  });
  try {
    await sleep(8 + Math.random() * 32 + extra);
    return work();
  } finally {
    span?.end();
  }
};

async function app(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const slow = url.searchParams.get('slow') === '1' ? 1200 : 0;
  switch (`${request.method} ${url.pathname}`) {
    case 'GET /products': {
      const featured = url.searchParams.get('featured') === '1';
      const products = await query(`SELECT * FROM products${featured ? ' WHERE featured' : ''}`, slow,
        () => PRODUCTS.filter((p) => !featured || p.featured));
      return json({ products });
    }
    case 'GET /cart':
      return json({ items: await query('SELECT * FROM cart_items', 0, () => [...cart].map(([id, qty]) => ({ id, qty }))) });
    case 'POST /cart': {
      const { id } = (await request.json().catch(() => ({}))) as { id?: string };
      if (!PRODUCTS.some((p) => p.id === id)) return json({ error: `no product ${JSON.stringify(id)}` }, 400);
      await query('INSERT INTO cart_items', 0, () => cart.set(id!, (cart.get(id!) ?? 0) + 1));
      return json({ ok: true, count: [...cart.values()].reduce((a, b) => a + b, 0) });
    }
    case 'POST /checkout':
      // The payment provider is down, every time: the browser's unhandled rejection starts here.
      await sleep(30 + Math.random() * 40);
      return json({ error: 'payment service unavailable' }, 503, { 'retry-after': '30' });
  }
  return json({ error: `no route ${request.method} ${url.pathname}` }, 404);
}

const ROUTES = ['/products', '/cart', '/checkout'];

export interface UpstreamOptions { port?: number; collector: string; wasm?: Uint8Array }

export function createUpstream(options: UpstreamOptions) {
  const handler = instrumentVercel(app, {
    endpoint: options.collector,
    serviceName: 'demo-upstream',
    serviceVersion: '1.0.0',
    environment: 'demo',
    // node compiles wasm at run time, so the bytes are enough.
    wasm: options.wasm,
    route: (request) => {
      const path = new URL(request.url).pathname;
      return ROUTES.includes(path) ? path : undefined;
    },
  });

  // node:http → Request → handler → Response → node:http.
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
        method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined,
      });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      console.error('upstream:', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    }
  });
}

// Run as a program (the demo starts it as its own process, as a real upstream would be).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, collector: { type: 'string' }, host: { type: 'string' } } });
  const collector = values.collector ?? process.env.COLLECTOR ?? 'http://127.0.0.1:4318';
  let wasm: Uint8Array | undefined;
  try {
    wasm = readFileSync(new URL('../dist/plume.wasm', import.meta.url));
  } catch {
    // No build: the JS twin encodes the same bytes.
  }
  const server = createUpstream({ collector, wasm });
  server.listen(Number(values.port ?? 0), values.host ?? '127.0.0.1', () => {
    console.log(`upstream listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); setTimeout(() => process.exit(0), 2000).unref(); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
