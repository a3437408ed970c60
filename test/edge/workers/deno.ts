// The Deno test server: Deno.serve with the app (and a relay on /abuse) instrumented by
// instrumentDeno; the encoder from wasm bytes (Deno compiles at run time). Prints
// "LISTEN <port>" when ready.
// @ts-expect-error: bundled as bytes by esbuild (loader binary)
import wasmBytes from './plume.wasm';
import { instrumentDeno, relay } from '../../../src/edge/index.js';
import { app, outer } from './app.js';

declare const Deno: {
  args: string[];
  serve(options: object, handler: (req: Request, info: unknown) => Response | Promise<Response>): unknown;
};
const [collector, upstream] = Deno.args;

// Deno has no waitUntil: background work just runs on, and its spans leave with the next
// export (the batch timer, shortened here).
// The relay under attack (deno.test.ts): rate-limited by the peer Deno reports.
const abused = relay({ collector, pathPrefix: '/abuse', rateLimit: { requests: 3, perSeconds: 600 } });
const handler = instrumentDeno(async (req) => (await abused(req)) ?? app(upstream)(req, (p) => void p), {
  endpoint: collector, serviceName: 'edge-deno', wasm: wasmBytes as Uint8Array, batch: { scheduledDelayMillis: 500 },
});

Deno.serve({
  port: 0, hostname: '127.0.0.1',
  onListen: ({ port }: { port: number }) => console.log(`LISTEN ${port}`),
}, (req, info) => outer(req, () => handler(req, info as never)));
