// The store behind the receiver: persistence across restarts, the retention bound, reset,
// and the query filters tests and the viewer rely on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { histogram, logsBody, metricsBody, post, spanId, T0, traceId, tracesBody } from './otlp.js';

const dirs: string[] = [];
const open: Collector[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plume-collector-'));
  dirs.push(dir);
  return dir;
}
async function start(options: Parameters<typeof startCollector>[0] = {}): Promise<Collector> {
  const c = await startCollector(options);
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps every signal across close and start with the same dataDir', async () => {
    const dataDir = tempDir();
    const t = traceId();
    const first = await start({ dataDir });
    expect((await post(first.url, 'traces', tracesBody([{ service: 'web', spans: [{ traceId: t, name: 'persisted', attributes: { 'session.id': 's1' } }] }]))).status).toBe(200);
    expect((await post(first.url, 'metrics', metricsBody([{ metrics: [histogram('h', 'ms', [{ bounds: [1], counts: [2, 3] }])] }]))).status).toBe(200);
    expect((await post(first.url, 'logs', logsBody([{ logs: [{ body: 'kept', traceId: t }] }]))).status).toBe(200);
    await first.close();
    expect(existsSync(join(dataDir, 'collector.sqlite'))).toBe(true);

    const second = await start({ dataDir });
    expect(second.query.counts()).toEqual({ spans: 1, points: 1, records: 1 });
    expect(second.query.spans()[0]).toMatchObject({ traceId: t, name: 'persisted', service: 'web', startTimeUnixNano: T0.toString() });
    expect(second.query.traces({ sessionId: 's1' })).toHaveLength(1);
    expect(second.query.metrics()[0]).toMatchObject({ name: 'h', bucketCounts: [2, 3], explicitBounds: [1] });
    expect(second.query.logs({ traceId: t })[0].body).toBe('kept');
    // Counters describe this run only; the data is what survives.
    expect(second.received.traces.spans).toBe(0);
    // And it keeps appending after the restored rows.
    await post(second.url, 'traces', tracesBody([{ spans: [{ traceId: t, name: 'after restart' }] }]));
    expect(second.query.spans({ traceId: t }).map((s) => s.name)).toEqual(['persisted', 'after restart']);
  });

  it('writes the database on a debounce, without waiting for close', async () => {
    const dataDir = tempDir();
    const c = await start({ dataDir });
    await post(c.url, 'traces', tracesBody([{ spans: [{ name: 'debounced' }, { name: 'two' }] }]));
    const file = join(dataDir, 'collector.sqlite');
    expect(existsSync(file)).toBe(false);
    await c.waitFor(() => existsSync(file), 4000);
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(file));
    expect(db.exec('SELECT count(*) FROM spans')[0].values[0][0]).toBe(2);
    db.close();
  });

  it('moves an unreadable file aside and starts empty instead of failing', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'collector.sqlite'), 'this is not a database');
    const warnings: string[] = [];
    const originalWarn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      const c = await start({ dataDir });
      expect(c.query.counts()).toEqual({ spans: 0, points: 0, records: 0 });
      expect((await post(c.url, 'traces', tracesBody([{ spans: [{}] }]))).status).toBe(200);
    } finally {
      console.warn = originalWarn;
    }
    expect(warnings.join('\n')).toMatch(/cannot read .*collector\.sqlite.*moved to .*corrupt-/);
  });
});

describe('retention', () => {
  it('keeps each table at maxSpans, dropping the oldest rows and counting them as rotated', async () => {
    const c = await start({ maxSpans: 10 });
    for (let batch = 0; batch < 5; batch++) {
      const res = await post(c.url, 'traces', tracesBody([{ spans: Array.from({ length: 4 }, (_, i) => ({ name: `b${batch}-${i}` })) }]));
      expect(res.status).toBe(200);
      expect(c.query.counts().spans).toBeLessThanOrEqual(10);
    }
    expect(c.received.traces.spans).toBe(20);
    expect(c.received.rotated.spans).toBe(10);
    expect(c.query.counts().spans).toBe(10);
    expect(c.query.spans().map((s) => s.name)).toEqual(['b2-2', 'b2-3', 'b3-0', 'b3-1', 'b3-2', 'b3-3', 'b4-0', 'b4-1', 'b4-2', 'b4-3']);

    await post(c.url, 'logs', logsBody([{ logs: Array.from({ length: 12 }, (_, i) => ({ body: `l${i}` })) }]));
    expect(c.query.counts().records).toBe(10);
    expect(c.received.rotated.records).toBe(2);
    expect(c.query.logs()[0].body).toBe('l2');
    // in = stored + rotated, per signal
    expect(c.received.traces.spans).toBe(c.query.counts().spans + c.received.rotated.spans);
  });
});

describe('reset and queries', () => {
  it('reset empties store, counters and request log in place', async () => {
    const c = await start();
    const received = c.received;
    await post(c.url, 'traces', tracesBody([{ spans: [{}] }]));
    await post(c.url, 'traces', 'not json');
    expect(received.traces.spans).toBe(1);
    c.reset();
    expect(c.query.counts()).toEqual({ spans: 0, points: 0, records: 0 });
    expect(received).toEqual({
      requests: 0, traces: { requests: 0, spans: 0, rejectedSpans: 0 }, metrics: { requests: 0, points: 0, rejectedPoints: 0 },
      logs: { requests: 0, records: 0, rejectedRecords: 0 }, rejected: {}, rotated: { spans: 0, points: 0, records: 0 }, symbolicated: 0,
    });
    expect(c.requests).toEqual([]);
  });

  it('filters spans and traces by service, name, status, session and limit', async () => {
    const c = await start();
    const t1 = traceId();
    const t2 = traceId();
    const root1 = spanId();
    await post(c.url, 'traces', tracesBody([
      { service: 'browser', spans: [
        { traceId: t1, spanId: root1, name: 'page load', start: T0, end: T0 + 300_000_000n, attributes: { 'session.id': 'A' } },
        { traceId: t2, name: 'click', start: T0 + 10_000_000_000n, end: T0 + 10_050_000_000n, attributes: { 'session.id': 'B' } },
      ] },
      { service: 'worker', spans: [
        { traceId: t1, parentSpanId: root1, name: 'GET /api', start: T0 + 1_000_000n, end: T0 + 350_000_000n, status: { code: 2 } },
      ] },
    ]));
    expect(c.query.spans({ service: 'worker' }).map((s) => s.name)).toEqual(['GET /api']);
    expect(c.query.spans({ status: 'error' }).map((s) => s.name)).toEqual(['GET /api']);
    expect(c.query.spans({ status: 'unset' })).toHaveLength(2);
    expect(c.query.spans({ sessionId: 'B' }).map((s) => s.name)).toEqual(['click']);
    expect(c.query.spans({ name: 'page load', traceId: t1.toUpperCase() })).toHaveLength(1);
    expect(c.query.spans({ limit: 1 }).map((s) => s.name)).toEqual(['GET /api']);

    const traces = c.query.traces();
    expect(traces.map((t) => t.traceId)).toEqual([t2, t1]); // newest first
    expect(traces[1]).toMatchObject({
      rootName: 'page load', rootService: 'browser', services: ['browser', 'worker'], spanCount: 2,
      error: true, errorCount: 1, sessionId: 'A', startTimeUnixNano: T0.toString(), durationMs: 350,
    });
    expect(c.query.traces({ status: 'error' }).map((t) => t.traceId)).toEqual([t1]);
    expect(c.query.traces({ status: 'ok' }).map((t) => t.traceId)).toEqual([t2]);
    expect(c.query.traces({ service: 'worker' }).map((t) => t.traceId)).toEqual([t1]);
    expect(c.query.traces({ name: 'click' }).map((t) => t.traceId)).toEqual([t2]);
    expect(c.query.traces({ sessionId: 'A' }).map((t) => t.traceId)).toEqual([t1]);
    expect(c.query.traces({ limit: 1 })).toHaveLength(1);
  });

  it('filters metric points by name and service', async () => {
    const c = await start();
    await post(c.url, 'metrics', metricsBody([
      { service: 'a', metrics: [histogram('x', 'ms', [{ bounds: [], counts: [1] }]), histogram('y', 'ms', [{ bounds: [], counts: [2] }])] },
      { service: 'b', metrics: [histogram('x', 'ms', [{ bounds: [], counts: [3] }])] },
    ]));
    expect(c.query.metrics({ name: 'x' }).map((m) => m.count)).toEqual([1, 3]);
    expect(c.query.metrics({ name: 'x', service: 'b' }).map((m) => m.count)).toEqual([3]);
    expect(c.query.metrics({ service: 'a' }).map((m) => m.name)).toEqual(['x', 'y']);
  });
});
