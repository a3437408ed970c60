// A 2xx answer whose body is not a well-formed ExportTraceServiceResponse makes
// partialRejected() (src/transport/index.ts:42-60) walk to the length its first varint claims,
// byte by byte past the end of the body, synchronously on the page's main thread. A 6-byte
// body claiming 2^28 bytes costs ~1e8 iterations; a text body "\n😀x" claims ~3.2e10
// (minutes); a 10-byte varint claims ~2^63 (forever).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { partialRejected } from '../../../src/transport/index.js';
import { nodeCore } from '../../helpers/core.js';

// The bodies claim 2^32 bytes: the unbounded walk takes about 16 s on them, the bounded one
// microseconds, so the 3 s bounds below hold on a loaded machine and still catch the walk.
const CLAIMS_2_32 = [0x0a, 0x80, 0x80, 0x80, 0x80, 0x10];

describe('partial_success parser on a malformed 2xx body', () => {
  it('returns promptly for a 6-byte body whose length field claims 2^32 bytes', () => {
    const body = new Uint8Array(CLAIMS_2_32);
    const t0 = performance.now();
    const n = partialRejected(body);
    const ms = performance.now() - t0;
    console.log(`partialRejected on 6 bytes took ${ms.toFixed(0)} ms (returned ${n})`);
    expect(ms).toBeLessThan(3000);
  });

  it('a collector answering 200 with 6 garbage bytes does not block the event loop', async () => {
    const w = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const srv = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(CLAIMS_2_32)));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    const core = nodeCore({ endpoint: `http://127.0.0.1:${port}`, serviceName: 'garbage-200' });
    core.tracer.startSpan('s').end();
    let last = performance.now(), worst = 0;
    const probe = setInterval(() => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; }, 5);
    await core.flush();
    await new Promise((r) => setTimeout(r, 50));
    clearInterval(probe);
    console.log(`worst event-loop stall while handling the answer: ${worst.toFixed(0)} ms`);
    await core.shutdown();
    await new Promise<void>((r) => srv.close(() => r()));
    w.mockRestore();
    expect(worst).toBeLessThan(3000);
  });
});
