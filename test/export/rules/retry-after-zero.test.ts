// Retry-After: 0 (or an HTTP-date in the past) replaces the backoff entirely (sender.ts:91,
// `r.retryAfterMs ?? backoff`): a collector that keeps answering 503 + Retry-After: 0 is
// retried in a tight loop, as fast as the network answers, for as long as it does so.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/transport/index.js';
import { nodeCore } from '../../helpers/core.js';
import { quiet, tick } from './delivery-harness.js';

describe('Retry-After parsing (control, passes)', () => {
  it('seconds and HTTP-date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    const d = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(d)).toBeGreaterThan(8000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('503 with Retry-After: 0, repeatedly', () => {
  it('still backs off (at most a few requests in 1.5 s)', async () => {
    const w = quiet();
    let n = 0;
    const srv = createServer((req, res) => { req.resume(); req.on('end', () => { if (req.url === '/v1/traces') n++; res.writeHead(503, { 'retry-after': '0' }).end(); }); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const core = nodeCore({ endpoint: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, serviceName: 'ra0' });
    core.tracer.startSpan('s').end();
    void core.flush();
    await tick(1500);
    const seen = n;
    (core.exporter.sender as any).outbox.remove((core.exporter.sender as any).outbox.all()[0]);
    await core.shutdown();
    await new Promise<void>((r) => { srv.closeAllConnections?.(); srv.close(() => r()); });
    console.log(`POST /v1/traces in 1.5 s: ${seen}`);
    w.mockRestore();
    expect(seen).toBeLessThanOrEqual(3);
  });
});
