// transport 'fetch', or 'auto' with headers (API keys): what is pending when the page goes
// hidden leaves by keepalive fetch (src/transport/index.ts:136-138), whose answer is thrown
// away (`post(...).catch(() => {})`) and the payload is removed from the outbox
// (sender.ts:106). A hidden page lives on and sees the 503 / connection error, but the data
// is neither retried, persisted, nor counted in plume.exporter.dropped.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { nodeCore } from '../../helpers/core.js';
import { quiet, tick } from './delivery-harness.js';

describe('keepalive fetch sent as the page goes hidden, answered 503', () => {
  for (const cfg of [{ transport: 'fetch' }, { headers: { 'x-api-key': 'k' } }]) {
    it(`the span arrives later or is counted (${JSON.stringify(cfg)})`, async () => {
      const w = quiet();
      const posts: { path: string; status: number }[] = [];
      let first = true;
      const srv = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const status = req.url === '/v1/traces' && first ? 503 : 200;
          if (req.url === '/v1/traces') first = false;
          posts.push({ path: req.url!, status });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const port = (srv.address() as AddressInfo).port;
      const core = nodeCore({ endpoint: `http://127.0.0.1:${port}`, serviceName: 'hidden', ...cfg });
      await core.exporter.replay(); // (the first export's replay, out of the way)
      const drops: [string, string, number][] = [];
      const count = core.exporter.countDrop.bind(core.exporter);
      core.exporter.countDrop = (s, r, n = 1) => { drops.push([s, r, n]); count(s, r, n); };
      core.tracer.startSpan('pending-at-hide').end();
      core.flushUnloading();        // visibilitychange -> hidden; the page lives on
      await tick(300);
      await core.flush();           // shown again: anything kept would go now
      await tick(1500);
      await core.flush();
      const traces = posts.filter((p) => p.path === '/v1/traces');
      const counted = drops.filter(([s]) => s === 'traces').reduce((n, [, , v]) => n + v, 0);
      console.log(`trace POSTs: ${JSON.stringify(traces.map((p) => p.status))}; traces counted as dropped: ${counted}`);
      await core.shutdown();
      await new Promise<void>((r) => srv.close(() => r()));
      w.mockRestore();
      expect(traces.some((p) => p.status === 200) || counted === 1).toBe(true);
    });
  }
});
