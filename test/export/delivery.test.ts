// Delivery against the dev collector over real HTTP on 127.0.0.1: retries, Retry-After,
// refusals, a collector that is down and comes back, and the memory bound under a burst.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { nodeCore } from '../helpers/core.js';

let collector: Collector;
beforeAll(async () => { collector = await startCollector(); });
afterAll(async () => { await collector.close(); });
beforeEach(() => collector.reset());

const quiet = () => vi.spyOn(console, 'warn').mockImplementation(() => {});
const droppedPoints = (c: Collector) => c.query.metrics({ name: 'plume.exporter.dropped' });

describe('delivery', () => {
  it('retries 503s with backoff until the collector accepts', async () => {
    const w = quiet();
    collector.failNext({ status: 503, times: 2, signal: 'traces' });
    const core = nodeCore({ endpoint: collector.url, serviceName: 'retry' });
    for (let k = 0; k < 5; k++) core.tracer.startSpan(`s${k}`).end();
    const t0 = Date.now();
    await core.flush();
    await collector.waitFor((c) => c.query.spans({ service: 'retry' }).length === 5, 15_000);
    const elapsed = Date.now() - t0;
    const posts = collector.requests.filter((r) => r.method === 'POST' && r.path === '/v1/traces');
    expect(posts.map((r) => r.status)).toEqual([503, 503, 200]);
    // 1 s then 2 s of backoff, with 20% jitter either way.
    expect(elapsed).toBeGreaterThanOrEqual(2300);
    await core.shutdown();
    w.mockRestore();
  });

  it('honours Retry-After on 429 (measured)', async () => {
    const w = quiet();
    collector.failNext({ status: 429, times: 1, retryAfter: 2, signal: 'traces' });
    const core = nodeCore({ endpoint: collector.url, serviceName: 'retry-after' });
    core.tracer.startSpan('s').end();
    await core.flush();
    await collector.waitFor((c) => c.query.spans({ service: 'retry-after' }).length === 1, 10_000);
    const posts = collector.requests.filter((r) => r.method === 'POST' && r.path === '/v1/traces');
    const gap = posts[1].time - posts[0].time;
    console.log(`Retry-After: 2 -> retried after ${gap} ms`);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(gap).toBeGreaterThanOrEqual(1950);
    // Upper bound generous for a loaded machine: it only says the pause was not a backoff of minutes.
    expect(gap).toBeLessThan(15_000);
    await core.shutdown();
    w.mockRestore();
  });

  it('never retries other 4xx: the items are dropped and counted', async () => {
    const w = quiet();
    collector.failNext({ status: 400, times: 1, signal: 'traces' });
    const core = nodeCore({ endpoint: collector.url, serviceName: 'refused' });
    for (let k = 0; k < 3; k++) core.tracer.startSpan('s').end();
    await core.flush();
    await new Promise((r) => setTimeout(r, 300));
    await core.flush();
    await collector.waitFor((c) => droppedPoints(c).length > 0, 5000);
    expect(collector.requests.filter((r) => r.method === 'POST' && r.path === '/v1/traces')).toHaveLength(1);
    const d = droppedPoints(collector)[0];
    expect(d.attributes).toMatchObject({ signal: 'traces', reason: 'http_400' });
    expect(d.value).toBe(3);
    await core.shutdown();
    w.mockRestore();
  });

  it('a collector that is down, then up: what was recorded meanwhile arrives', async () => {
    const w = quiet();
    const port = collector.port;
    await collector.close();
    const core = nodeCore({ endpoint: `http://127.0.0.1:${port}`, serviceName: 'outage' });
    for (let k = 0; k < 20; k++) core.tracer.startSpan(`during-outage-${k}`).end();
    await core.flush(); // fails: connection refused, retried later
    collector = await startCollector({ port });
    await collector.waitFor((c) => c.query.spans({ service: 'outage' }).length === 20, 20_000);
    expect(new Set(collector.query.spans({ service: 'outage' }).map((s) => s.name)).size).toBe(20);
    await core.shutdown();
    w.mockRestore();
  });

  it('a 50 MB burst of attributes stays within the memory bound and counts its drops', async () => {
    const w = quiet();
    const port = collector.port;
    await collector.close(); // nothing drains: the bound alone must hold
    const core = nodeCore({ endpoint: `http://127.0.0.1:${port}`, serviceName: 'burst', batch: { maxQueueBytes: 4 << 20 } });
    const big = 'x'.repeat(10_000);
    if (global.gc) global.gc();
    const mem = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    const before = mem();
    let sent = 0;
    // 5,000 spans x 10 attributes x 10,000 chars = 500 M chars offered; values are cut to 4,096.
    for (let k = 0; k < 5000; k++) {
      const s = core.tracer.startSpan('burst');
      for (let a = 0; a < 10; a++) s.setAttribute(`a${a}`, big + k);
      s.end();
      sent += 10 * big.length;
    }
    await new Promise((r) => setTimeout(r, 100));
    const after = mem();
    const growth = (after - before) / 1e6;
    const dropped = [...core.exporter.dropped].reduce((n, [k, v]) => (k.startsWith('traces/') ? n + v : n), 0);
    console.log(`offered ${(sent / 1e6).toFixed(0)} M chars; heap + buffers grew ${growth.toFixed(1)} MB; outbox ${(core.exporter.outbox.bytes / 1e6).toFixed(2)} MB; dropped ${dropped} spans`);
    // The bounds themselves: encoded requests and the records not yet encoded.
    expect(core.exporter.outbox.bytes).toBeLessThanOrEqual(4 << 20);
    expect((core.exporter as any).spans.rec.size).toBeLessThanOrEqual(4 << 20);
    // And the process as a whole, garbage not yet collected included (so the margin is wide):
    // a fraction of the ~1 GB (UTF-16) offered.
    expect(growth).toBeLessThan(200);
    expect(dropped).toBeGreaterThan(0);
    collector = await startCollector({ port });
    await core.shutdown();
    w.mockRestore();
  });
});

describe('delivery: compression and misbehaving collectors', () => {
  it('gzip: the collector gets Content-Encoding: gzip and decodes the spans', async () => {
    const c = await startCollector();
    const core = nodeCore({ endpoint: c.url, serviceName: 'gz', gzip: true });
    for (let k = 0; k < 50; k++) core.tracer.startSpan('compressed', { attributes: { k } }).end();
    await core.flush();
    await c.waitFor((x) => x.query.spans({ service: 'gz' }).length === 50, 5000);
    const post = c.requests.find((r) => r.path === '/v1/traces' && r.method === 'POST')!;
    expect(post.headers['content-encoding']).toBe('gzip');
    await core.shutdown();
    await c.close();
  });

  it('a collector that never answers, resets connections or answers garbage costs bounded memory and throws nothing', async () => {
    const { createServer } = await import('node:http');
    const w = quiet();
    const sockets = new Set<import('node:net').Socket>();
    let n = 0;
    const bad = createServer((req, res) => {
      n++;
      req.resume();
      if (req.url!.includes('traces')) return; // hangs
      if (req.url!.includes('logs')) return void req.socket.destroy(); // resets
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from([0xff, 0xff, 0x0a, 0x99])); // garbage
    });
    bad.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    const port = (bad.address() as import('node:net').AddressInfo).port;
    const core = nodeCore({ endpoint: `http://127.0.0.1:${port}`, serviceName: 'bad', batch: { exportTimeoutMillis: 300, maxQueueBytes: 1 << 20 } });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 100; k++) core.tracer.startSpan('s', { attributes: { pad: 'x'.repeat(200) } }).end();
      core.logger.emit({ body: 'log' });
      core.meter.createCounter('c').add(1);
      await core.flush();
    }
    await new Promise((r) => setTimeout(r, 500));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    expect(n).toBeGreaterThan(0);
    // The outbox stays within its bound; what did not fit was counted.
    expect(core.exporter.outbox.bytes).toBeLessThanOrEqual(1 << 20);
    const dropped = [...core.exporter.dropped.values()].reduce((a, b) => a + b, 0);
    console.log(`misbehaving collector: ${n} requests, outbox ${core.exporter.outbox.bytes} B, dropped ${dropped}`);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => bad.close(() => r()));
    w.mockRestore();
  });
});

describe('init() from the built package in node (no window)', () => {
  it('runs with instrumentations off and a custom transport', async () => {
    const { init } = await import('../../dist/browser.js' as string);
    const sent: string[] = [];
    const w = quiet();
    const plume = init({
      serviceName: 'node-init', transport: (_b: Uint8Array, signal: string) => { sent.push(signal); },
      instrumentations: { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false },
    });
    plume.tracer.startSpan('in-node').end();
    await plume.flush();
    expect(sent).toContain('traces');
    await plume.shutdown();
    w.mockRestore();
  });
});
