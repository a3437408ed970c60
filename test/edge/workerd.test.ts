// plume/edge in real workerd: one workerd process with three workers built from the same
// bundle: "wasm" (config.wasm: the build-time imported WebAssembly.Module), "twin" (no Module:
// the JS twin, PLUME_W005 said once), and "als" (the nodejs_als flag: AsyncLocalStorage).
// Without a flag workerd has no AsyncLocalStorage at all.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { createEncoder } from '../../src/encoder.js';
import {
  bundle, postFrom, startGate, startUpstream, startWorkerd, tempDir, wasmFile, writeFile, type Gate, type Upstream,
} from './helpers.js';
import { concurrencySuite, newId, request, runtimeSuite, spansOf, type Harness } from './suite.js';

let collector: Collector;
let upstream: Upstream;
let gate: Gate;
let workerd: Awaited<ReturnType<typeof startWorkerd>>;
let tmp: ReturnType<typeof tempDir>;
const MAP = '{"version":3,"sources":["app.ts"],"names":[],"mappings":"AAAA"}';
const base = (socket: 'wasm' | 'twin' | 'als' | 'edge' | 'edge2') => `http://127.0.0.1:${workerd.ports[socket]}`;

// Cloudflare's front end, as far as a worker can tell: it hands over request.cf (here from the
// cf-blob header, which workerd parses into request.cf) and sets CF-Connecting-IP to the
// address it accepted, overwriting the client's (here injectRequestHeaders, which replaces any
// header of that name). One socket per client address it could have accepted.
const edgeSocket = (name: string, client: string) =>
  `    (name = "${name}", address = "127.0.0.1:0", service = "wasm", http = (cfBlobHeader = "cf-blob", `
  + `injectRequestHeaders = [(name = "cf-connecting-ip", value = "${client}")])),`;

const worker = (name: string, useWasm: boolean, flags: string[] = []) => `
const ${name} :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags.map((f) => JSON.stringify(f)).join(', ')}],
  globalOutbound = "net",
  modules = [(name = "worker", esModule = embed "worker.js"), (name = "plume.wasm", wasm = embed "plume.wasm")],
  bindings = [
    (name = "COLLECTOR", text = "${gate.url}"),
    (name = "COLLECTOR_DIRECT", text = "${collector.url}"),
    (name = "UPSTREAM", text = "${upstream.url}"),
    (name = "SERVICE", text = "edge-workerd-${name}"),
    (name = "USE_WASM", text = "${useWasm ? '1' : '0'}"),
    (name = "API_KEY", text = "server-side-secret"),
    (name = "MAPS", service = "maps"),
  ],
);`;

beforeAll(async () => {
  collector = await startCollector();
  upstream = await startUpstream();
  gate = await startGate(collector.url);
  tmp = tempDir('workerd');
  wasmFile(tmp.dir);
  mkdirSync(`${tmp.dir}/maps/assets`, { recursive: true });
  writeFile(`${tmp.dir}/maps/assets`, 'app.js.map', MAP);
  await bundle('workerd.ts', `${tmp.dir}/worker.js`, { external: ['./plume.wasm'] });
  writeFile(tmp.dir, 'config.capnp', `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "wasm", worker = .wasm),
    (name = "twin", worker = .twin),
    (name = "als", worker = .als),
    (name = "net", network = (allow = ["public", "private", "local"])),
    (name = "maps", disk = (path = "${tmp.dir}/maps", writable = false)),
  ],
  sockets = [
    (name = "wasm", address = "127.0.0.1:0", http = (), service = "wasm"),
    (name = "twin", address = "127.0.0.1:0", http = (), service = "twin"),
    (name = "als", address = "127.0.0.1:0", http = (), service = "als"),
${edgeSocket('edge', '203.0.113.50')}
${edgeSocket('edge2', '203.0.113.51')}
  ],
);
${worker('wasm', true)}
${worker('twin', false)}
${worker('als', true, ['nodejs_als'])}
`);
  workerd = await startWorkerd(tmp.dir, ['wasm', 'twin', 'als', 'edge', 'edge2']);
}, 60_000);

afterAll(async () => {
  if (process.env.EDGE_DEBUG) console.log(workerd?.output());
  await workerd?.stop();
  await gate?.close();
  await upstream?.close();
  await collector?.close();
  tmp?.remove();
});

const harness = (): Harness => ({
  base: base('wasm'), collector, upstream, gate, service: 'edge-workerd-wasm', runtime: 'workerd', client: '127.0.0.1',
});
const alsHarness = (): Harness => ({ ...harness(), base: base('als'), service: 'edge-workerd-als' });

describe('workerd', () => {
  runtimeSuite(harness);
  concurrencySuite(harness, false);

  describe('with the nodejs_als flag', () => {
    it('finds AsyncLocalStorage (import of node:async_hooks)', async () => {
      expect(await (await fetch(`${base('als')}/info`)).json()).toMatchObject({ encoder: 'wasm', context: 'async-local-storage' });
    });
    concurrencySuite(alsHarness, true);
  });

  it('resource: cloud.provider cloudflare', async () => {
    const { timing } = await request(harness(), '/404');
    const [server] = await spansOf(collector, timing!.traceId, 1);
    expect(server.resource['cloud.provider']).toBe('cloudflare');
  });

  it('uses the build-time WebAssembly.Module; without one, the JS twin, and PLUME_W005 said once', async () => {
    const wasm = await (await fetch(`${base('wasm')}/info`)).json();
    expect(wasm).toMatchObject({ encoder: 'wasm', context: 'request' });
    expect(wasm.warnings.filter((w: string) => w.includes('PLUME_W005'))).toEqual([]);

    // The twin worker serves and exports too.
    for (let k = 0; k < 3; k++) {
      const { timing } = await request({ ...harness(), base: base('twin') }, `/call?id=${newId('twin')}`);
      const spans = await spansOf(collector, timing!.traceId, 2);
      expect(spans[0].service).toBe('edge-workerd-twin');
    }
    const twin = await (await fetch(`${base('twin')}/info`)).json();
    expect(twin.encoder).toBe('js');
    const w005 = twin.warnings.filter((w: string) => w.includes('PLUME_W005'));
    expect(w005).toHaveLength(1);
    expect(w005[0]).toContain('no WebAssembly.Module was given');
    // And workerd's own log shows it once (from the twin worker only).
    expect(workerd.output().match(/PLUME_W005/g)).toHaveLength(1);
  });

  it('a burst of concurrent requests: every trace exported, and workerd reports no cross-request promise trouble', async () => {
    const burst = async (h: Harness, als: boolean) => {
      const ids = Array.from({ length: 8 }, () => newId('burst'));
      const results = await Promise.all(ids.map((id) => request(h, `/call?id=${id}`)));
      for (const [k, id] of ids.entries()) {
        const [, traceId, spanId] = upstream.seen.get(id)!.headers.traceparent.split('-');
        // SERVER and CLIENT spans may arrive in either order (one trace with ALS): wait for each.
        const serverTrace = results[k].timing!.traceId;
        await collector.waitFor((c) => c.query.spans({ traceId: serverTrace }).some((s) => s.kind === 2)
          && c.query.spans({ traceId }).some((s) => s.spanId === spanId), 10_000);
        const server = collector.query.spans({ traceId: serverTrace }).find((s) => s.kind === 2)!;
        const client = collector.query.spans({ traceId }).find((s) => s.spanId === spanId)!;
        // The test worker awaits the relay before the app: without ALS, the app's fetch runs
        // outside the synchronous context, and with 8 in flight the span is a root.
        if (als) expect(client.parentSpanId).toBe(server.spanId);
        else expect(['', server.spanId]).toContain(client.parentSpanId);
      }
    };
    await burst(harness(), false);
    await burst(alsHarness(), true);
    await new Promise((r) => setTimeout(r, 200));
    expect(workerd.output()).not.toMatch(/different request context|dropped queued cross-context/);
  });

  it('the handler\'s exception reaches workerd (logged as uncaught)', () => {
    expect(workerd.output()).toMatch(/Boom: boom throw-/);
  });

  describe('relay under attack: the rate limit keys on the client address workerd vouches for (3 per 600 s)', () => {
    let body: Uint8Array;
    beforeAll(async () => {
      const enc = await createEncoder({ implementation: 'js' });
      body = enc.encodeTraces({ resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '9'.repeat(32), spanId: '8'.repeat(16), name: 'beacon', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2',
      }] }] }] });
    });
    const spoof = (k: number): Record<string, string> => ({
      'content-type': 'application/x-protobuf',
      ...[{ 'x-forwarded-for': `198.51.100.${k}` }, { 'x-forwarded-for': `198.51.100.${k}, 127.0.0.1` },
        { 'cf-connecting-ip': `198.51.100.${k}` }, { 'x-real-ip': `198.51.100.${k}` }][k % 4],
    });
    const serverSpan = async (traceId: string) => (await spansOf(collector, traceId, 1)).find((s) => s.kind === 2)!;

    it('workerd\'s own socket: the peer it accepted (request.cf.clientIp), whatever the forwarding headers say', async () => {
      const url = `${base('wasm')}/abuse/v1/traces`;
      const got: number[] = [];
      for (let k = 0; k < 8; k++) got.push(await postFrom('127.0.0.1', url, spoof(k), body));
      expect(got).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      // Another peer has a bucket of its own, even naming the exhausted one in its headers.
      expect(await postFrom('127.0.0.2', url, { ...spoof(0), 'x-forwarded-for': '127.0.0.1' }, body)).toBe(200);
      // The SERVER span's client.address is the same address.
      const traceId = 'f'.repeat(31) + '1';
      await postFrom('127.0.0.3', url, { ...spoof(2), traceparent: `00-${traceId}-${'1'.repeat(16)}-01` }, body);
      expect((await serverSpan(traceId)).attributes['client.address']).toBe('127.0.0.3');
    });

    it('behind Cloudflare\'s front end (request.cf, CF-Connecting-IP overwritten): keyed on CF-Connecting-IP', async () => {
      const cf = { 'cf-blob': JSON.stringify({ colo: 'AMS', country: 'NL' }) };
      const got: number[] = [];
      for (let k = 0; k < 8; k++) got.push(await postFrom('127.0.0.1', `${base('edge')}/abuse/v1/traces`, { ...spoof(k), ...cf }, body));
      expect(got).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      // Another client of the front end, from the same peer, has its own bucket.
      expect(await postFrom('127.0.0.1', `${base('edge2')}/abuse/v1/traces`, { ...spoof(2), ...cf }, body)).toBe(200);
      const traceId = 'f'.repeat(31) + '2';
      const traceparent = `00-${traceId}-${'1'.repeat(16)}-01`;
      await postFrom('127.0.0.1', `${base('edge')}/abuse/v1/traces`, { ...spoof(2), ...cf, traceparent }, body);
      expect((await serverSpan(traceId)).attributes['client.address']).toBe('203.0.113.50');
    });

    it('no request.cf at all: nothing vouches for CF-Connecting-IP, so every such client shares one bucket', async () => {
      const got: number[] = [];
      for (let k = 0; k < 5; k++) got.push(await postFrom('127.0.0.1', `${base('edge2')}/abuse/v1/traces`, spoof(k), body));
      expect(got).toEqual([200, 200, 200, 429, 429]);
      expect(workerd.output()).toContain('PLUME_W013');
    });
  });

  it('bindingSource over a service binding (a disk service): the file by the URL\'s path, null when absent', async () => {
    // workerd's Fetcher also has get(url), an HTTP GET helper, which is not a KV get: fetch is what reads it.
    const read = async (ref: string) => (await fetch(`${base('wasm')}/map-source?ref=${encodeURIComponent(ref)}`)).text();
    expect(await read('https://shop.example.com/assets/app.js.map')).toBe(MAP);
    expect(await read('https://shop.example.com/assets/other.js.map')).toBe('null');
  });

  it('relay in workerd: forwards a valid protobuf export with the server-side header, refuses garbage', async () => {
    const enc = await createEncoder({ implementation: 'js' });
    const traceId = 'c'.repeat(32);
    const body = enc.encodeTraces({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-web' } }] },
      scopeSpans: [{ spans: [{ traceId, spanId: 'd'.repeat(16), name: 'beacon', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
    const origin = base('wasm');
    const res = await fetch(`${origin}/otlp/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', origin }, body: body as BodyInit });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const [row] = await spansOf(collector, traceId, 1);
    expect(row.service).toBe('shop-web');
    const seen = collector.requests.filter((r) => r.path === '/v1/traces' && r.headers['x-api-key']);
    expect(seen.at(-1)!.headers['x-api-key']).toBe('server-side-secret');

    const before = collector.requests.length;
    const bad = await fetch(`${origin}/otlp/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: body.subarray(0, body.length - 3) as BodyInit });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not an OTLP traces export');
    expect(collector.requests.slice(before).filter((r) => r.headers['x-api-key'])).toHaveLength(0);
  });
});
