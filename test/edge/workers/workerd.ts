// The workerd test worker: the app instrumented as a module worker, the relay on /otlp (and on
// /abuse for the rate-limit abuse tests), and the encoder given as a build-time imported
// WebAssembly.Module when USE_WASM is set.
// @ts-expect-error: a workerd module (capnp `wasm = embed "plume.wasm"`), not resolved by esbuild
import wasm from './plume.wasm';
import { bindingSource, instrument, relay, type Relay } from '../../../src/edge/index.js';
import { app, outer } from './app.js';

interface Env {
  COLLECTOR: string; COLLECTOR_DIRECT: string; UPSTREAM: string; SERVICE: string; USE_WASM: string; API_KEY: string;
  /** A disk service over a folder of files: private source maps, read through bindingSource. */
  MAPS: { fetch(input: string): Promise<Response> };
}
interface Ctx { waitUntil(p: Promise<unknown>): void }

let relayed: Relay | undefined;
// The same relay under attack (relay-abuse tests): its own buckets, a small limit.
let abused: Relay | undefined;

const worker = instrument({
  async fetch(request: Request, env: Env, ctx: Ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/map-source') {
      // What the symbolicator's source reads for a script URL or debug ID, through the binding.
      const text = await bindingSource(env.MAPS)(url.searchParams.get('ref') ?? '').then((t) => t, (e) => `threw: ${e?.message ?? e}`);
      return new Response(text ?? 'null');
    }
    relayed ??= relay({
      collector: env.COLLECTOR_DIRECT, headers: { 'x-api-key': env.API_KEY },
      rateLimit: { requests: 5, perSeconds: 60 }, maxBodyBytes: 64 * 1024,
    });
    abused ??= relay({ collector: env.COLLECTOR_DIRECT, pathPrefix: '/abuse', rateLimit: { requests: 3, perSeconds: 600 } });
    const r = (await relayed(request)) ?? (await abused(request));
    if (r) return r;
    return app(env.UPSTREAM)(request, (p) => ctx.waitUntil(p));
  },
}, (env: Env) => ({
  endpoint: env.COLLECTOR,
  serviceName: env.SERVICE,
  wasm: env.USE_WASM === '1' ? (wasm as WebAssembly.Module) : undefined,
}));

export default {
  fetch: (request: Request, env: Env, ctx: Ctx) => outer(request, () => worker.fetch!(request, env, ctx)),
};
