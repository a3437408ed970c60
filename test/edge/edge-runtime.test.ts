// plume/edge in edge-runtime (the open-source runtime of Vercel's edge functions): a
// service-worker style fetch listener calling the handler instrumentVercel wrapped, with the
// FetchEvent as ctx (waitUntil). edge-runtime 4 has no AsyncLocalStorage global (Vercel's
// deployments and Next.js add one), so this is also the "per-request context" path; runtime
// wasm compilation is allowed, so the encoder is compiled from bytes.
import { EdgeRuntime, runServer } from 'edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { bundle, startGate, startUpstream, tempDir, wasmAsBytes, wasmFile, type Gate, type Upstream } from './helpers.js';
import { concurrencySuite, request, runtimeSuite, spansOf, type Harness } from './suite.js';

let collector: Collector;
let upstream: Upstream;
let gate: Gate;
let server: Awaited<ReturnType<typeof runServer>>;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  collector = await startCollector();
  upstream = await startUpstream();
  gate = await startGate(collector.url);
  tmp = tempDir('edge-runtime');
  const initialCode = await bundle('edge-runtime.ts', `${tmp.dir}/worker.js`, {
    ...wasmAsBytes(wasmFile(tmp.dir)),
    format: 'iife',
    define: { __COLLECTOR__: JSON.stringify(gate.url), __UPSTREAM__: JSON.stringify(upstream.url) },
  });
  server = await runServer({ runtime: new EdgeRuntime({ initialCode }), port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await gate?.close();
  await upstream?.close();
  await collector?.close();
  tmp?.remove();
});

const harness = (): Harness => ({ base: server.url.replace(/\/$/, ''), collector, upstream, gate, service: 'edge-runtime', runtime: 'edge-runtime' });

describe('edge-runtime', () => {
  runtimeSuite(harness);
  concurrencySuite(harness, false);

  it('no AsyncLocalStorage here; the wasm encoder compiled from bytes', async () => {
    expect(await (await fetch(`${harness().base}/info`)).json()).toMatchObject({ encoder: 'wasm', context: 'request', warnings: [] });
  });

  it('resource: process.runtime.name edge-runtime, no cloud.provider off Vercel', async () => {
    const { timing } = await request(harness(), '/404');
    const [span] = await spansOf(collector, timing!.traceId, 1);
    expect(span.resource['process.runtime.name']).toBe('edge-runtime');
    expect(span.resource['cloud.provider']).toBeUndefined();
  });
});
