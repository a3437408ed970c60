// plume/edge in real Deno: Deno.serve with instrumentDeno, AsyncLocalStorage through
// process.getBuiltinModule, the wasm encoder compiled from bytes at run time, and the export
// started once Deno reports the response sent (info.completed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { bundle, startDeno, startGate, startUpstream, tempDir, wasmAsBytes, wasmFile, type Gate, type Upstream } from './helpers.js';
import { concurrencySuite, request, runtimeSuite, spansOf, type Harness } from './suite.js';

let collector: Collector;
let upstream: Upstream;
let gate: Gate;
let deno: Awaited<ReturnType<typeof startDeno>>;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  collector = await startCollector();
  upstream = await startUpstream();
  gate = await startGate(collector.url);
  tmp = tempDir('deno');
  const script = `${tmp.dir}/server.js`;
  await bundle('deno.ts', script, wasmAsBytes(wasmFile(tmp.dir)));
  deno = await startDeno(script, [gate.url, upstream.url]);
}, 60_000);

afterAll(async () => {
  if (process.env.EDGE_DEBUG) console.log(deno?.output());
  await deno?.stop();
  await gate?.close();
  await upstream?.close();
  await collector?.close();
  tmp?.remove();
});

const harness = (): Harness => ({
  base: `http://127.0.0.1:${deno.port}`, collector, upstream, gate, service: 'edge-deno', runtime: 'deno', client: '127.0.0.1',
});

describe('deno', () => {
  runtimeSuite(harness);
  concurrencySuite(harness, true);

  it('AsyncLocalStorage and the wasm encoder (compiled from bytes)', async () => {
    expect(await (await fetch(`${harness().base}/info`)).json()).toMatchObject({ encoder: 'wasm', context: 'async-local-storage', warnings: [] });
  });

  it('resource and peer: process.runtime.version, network.peer.address from info.remoteAddr', async () => {
    const { timing } = await request(harness(), '/404');
    const [server] = await spansOf(collector, timing!.traceId, 1);
    expect(server.resource['process.runtime.version']).toMatch(/^2\./);
    expect(server.attributes['network.peer.address']).toBe('127.0.0.1');
    expect(typeof server.attributes['network.peer.port']).toBe('number');
  });

  it('the handler\'s exception reaches Deno (logged)', () => {
    expect(deno.output()).toMatch(/Boom: boom throw-/);
  });
});
