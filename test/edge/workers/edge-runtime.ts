// The edge-runtime (Vercel's edge runtime, open source) test worker: a service-worker style
// fetch listener calling the handler instrumented by instrumentVercel with the event as ctx.
// @ts-expect-error: bundled as bytes by esbuild (loader binary)
import wasmBytes from './plume.wasm';
import { instrumentVercel } from '../../../src/edge/index.js';
import { app, outer } from './app.js';

declare const __COLLECTOR__: string;
declare const __UPSTREAM__: string;
declare const addEventListener: (type: 'fetch', fn: (event: { request: Request; respondWith(r: Promise<Response>): void; waitUntil(p: Promise<unknown>): void }) => void) => void;

const handler = instrumentVercel(
  (req, ctx) => app(__UPSTREAM__)(req, ctx ? (p) => ctx.waitUntil(p) : undefined),
  () => ({ endpoint: __COLLECTOR__, serviceName: 'edge-runtime', wasm: wasmBytes as Uint8Array }),
);

addEventListener('fetch', (event) => {
  event.respondWith(outer(event.request, () => handler(event.request, event)));
});
