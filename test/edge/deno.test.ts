// plume/edge in real Deno: Deno.serve with instrumentDeno, AsyncLocalStorage through
// process.getBuiltinModule, the wasm encoder compiled from bytes at run time, and the export
// started once Deno reports the response sent (info.completed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../src/encoder.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import {
  bundle, postFrom, startDeno, startGate, startUpstream, tempDir, wasmAsBytes, wasmFile, type Gate, type Upstream,
} from './helpers.js';
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

  it('relay under attack: the rate limit keys on the peer Deno reports (info.remoteAddr), not on forwarding headers', async () => {
    const enc = await createEncoder({ implementation: 'js' });
    const body = enc.encodeTraces({ resourceSpans: [{ scopeSpans: [{ spans: [{
      traceId: '7'.repeat(32), spanId: '6'.repeat(16), name: 'beacon', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2',
    }] }] }] });
    const url = `${harness().base}/abuse/v1/traces`;
    const spoof = (k: number): Record<string, string> => ({
      'content-type': 'application/x-protobuf',
      ...[{ 'x-forwarded-for': `198.51.100.${k}` }, { 'cf-connecting-ip': `198.51.100.${k}` }, { 'x-real-ip': `198.51.100.${k}` }][k % 3],
    });
    const got: number[] = [];
    for (let k = 0; k < 7; k++) got.push(await postFrom('127.0.0.1', url, spoof(k), body));
    expect(got).toEqual([200, 200, 200, 429, 429, 429, 429]);
    expect(await postFrom('127.0.0.2', url, { ...spoof(0), 'x-forwarded-for': '127.0.0.1' }, body)).toBe(200);
    const traceId = 'e'.repeat(31) + '1';
    await postFrom('127.0.0.3', url, { ...spoof(1), traceparent: `00-${traceId}-${'1'.repeat(16)}-01` }, body);
    const [server] = await spansOf(collector, traceId, 1);
    expect(server.attributes['client.address']).toBe('127.0.0.3');
  });

  it('the handler\'s exception reaches Deno (logged)', () => {
    expect(deno.output()).toMatch(/Boom: boom throw-/);
  });
});
