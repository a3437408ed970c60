// How the wasm encoder loads, and when 'auto' falls back to the JS twin.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../src/encoder.js';
import { wasmCompileRefusal } from '../../src/encode/wasm-bridge.js';
import { wasmBytes } from '../helpers/encoders.js';
import { FIXTURES } from './fixtures.js';

const req = FIXTURES.find((f) => f.name === 'traces: every span field')!.req;
let server: Server;
let base: string;
const served: string[] = [];

beforeAll(async () => {
  const bytes = wasmBytes();
  server = createServer((rq, res) => {
    served.push(rq.url!);
    if (rq.url === '/plume.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes);
    else if (rq.url === '/octet.wasm') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('loading the wasm encoder', async () => {
  const reference = (await createEncoder({ implementation: 'js' })).encodeTraces(req);
  const same = (b: Uint8Array) => Buffer.from(b).equals(Buffer.from(reference));

  it('from bytes, an ArrayBuffer, a compiled Module and a URL (streaming and not)', async () => {
    const bytes = wasmBytes();
    const sources = [
      bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), new WebAssembly.Module(bytes),
      new URL('/plume.wasm', base), new URL('/octet.wasm', base),
    ];
    for (const wasm of sources) {
      const enc = await createEncoder({ implementation: 'wasm', wasm: wasm as BufferSource });
      expect(enc.kind).toBe('wasm');
      expect(same(enc.encodeTraces(req))).toBe(true);
    }
    expect(served).toEqual(['/plume.wasm', '/octet.wasm']);
  });

  it("'auto' falls back to the JS twin and says why; 'wasm' throws", async () => {
    const broken = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99]);
    const auto = await createEncoder({ wasm: broken });
    expect(auto.kind).toBe('js');
    expect(auto.fallbackReason).toMatch(/./);
    expect(same(auto.encodeTraces(req))).toBe(true);
    await expect(createEncoder({ implementation: 'wasm', wasm: broken })).rejects.toThrow(/wasm encoder could not load/);
    const missing = await createEncoder({ wasm: new URL('/missing.wasm', base) });
    expect(missing.kind).toBe('js');
    expect(missing.fallbackReason).toMatch(/HTTP 404/);
  });

  it('a module that is not the encoder is refused', async () => {
    const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await expect(createEncoder({ implementation: 'wasm', wasm: empty })).rejects.toThrow(/not the Plume encoder/);
  });

  it('node compiles wasm from bytes, so the refusal probe finds nothing to refuse', () => {
    expect(wasmCompileRefusal()).toBe('');
  });

  it('the built package encodes with its bundled wasm and no options', async () => {
    const dist = await import('../../dist/encoder.js' as string);
    const enc = await dist.createEncoder();
    expect(enc.kind).toBe('wasm');
    expect(same(enc.encodeTraces(req))).toBe(true);
  });
});
