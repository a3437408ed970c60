// The hide path with sendBeacon, stubbed (src/lib/native.js mocked): a 64 KiB in-flight quota
// shared with the page, which may hold part of it. Checks chunk sizes, priority order and that
// every span is either beaconed, persisted or counted.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeToJson } from '../../helpers/otlp-schema.js';
import { memoryStorage, quiet } from './delivery-harness.js';

const q = vi.hoisted(() => ({ used: 0, pageHolds: 0, beacons: [] as { url: string; body: Uint8Array }[], refused: [] as number[] }));
vi.mock('../../../src/lib/native.js', () => ({
  nativeFetch: async () => new Response(null, { status: 200 }),
  nativeSendBeacon: (url: string, data: Blob) => {
    const size = data.size;
    if (q.used + q.pageHolds + size > 65536) { q.refused.push(size); return false; }
    q.used += size;
    // Blob -> bytes synchronously is not possible; the test reads them from the Blob later.
    q.beacons.push({ url, body: data as unknown as Uint8Array });
    return true;
  },
}));
const { nodeCore } = await import('../../helpers/core.js');

beforeEach(() => { q.used = 0; q.pageHolds = 0; q.beacons = []; q.refused = []; });
afterEach(() => vi.unstubAllGlobals());

async function decoded() {
  const out: { signal: string; size: number; priority: number; spans: string[] }[] = [];
  for (const b of q.beacons) {
    const blob = b.body as unknown as Blob;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const signal = b.url.split('/v1/')[1] as 'traces' | 'logs' | 'metrics';
    const j: any = decodeToJson(signal, bytes);
    let priority = 2; const spans: string[] = [];
    if (signal === 'metrics') priority = 1;
    if (signal === 'traces') for (const r of j.resourceSpans) for (const ss of r.scopeSpans) for (const s of ss.spans) { spans.push(s.name); if (s.status?.code === 'STATUS_CODE_ERROR') priority = Math.min(priority, 0); }
    if (signal === 'logs') for (const r of j.resourceLogs) for (const sl of r.scopeLogs) for (const l of sl.logRecords) if ((l.severityNumber ?? 0) >= 17 || /ERROR|FATAL/.test(String(l.severityNumber))) priority = 0;
    out.push({ signal, size: bytes.length, priority, spans });
  }
  return out;
}

function record(core: ReturnType<typeof nodeCore>, n: number) {
  for (let k = 0; k < n; k++) core.tracer.startSpan(`s${k}`, { attributes: { pad: 'x'.repeat(100) } }).end();
  for (let k = 0; k < 3; k++) { const s = core.tracer.startSpan(`err${k}`); s.setStatus({ code: 2, message: 'boom' }); s.end(); }
  core.logger.emit({ severityNumber: 17, body: 'error log' });
  core.meter.createCounter('clicks').add(1);
}

describe('page going away with sendBeacon', () => {
  for (const pageHolds of [0, 60_000]) {
    it(`500 spans, page holding ${pageHolds} B: beacons fit, errors then metrics then the rest, nothing unaccounted`, async () => {
      const st = memoryStorage();
      vi.stubGlobal('localStorage', st);
      const w = quiet();
      const core = nodeCore({ endpoint: 'http://127.0.0.1:9', serviceName: 'hide' }, 'js');
      await core.flush();               // encoder ready, replay done
      q.pageHolds = pageHolds;
      record(core, 500);
      const drops: string[] = [];
      const count = core.exporter.countDrop.bind(core.exporter);
      core.exporter.countDrop = (s, r, n = 1) => { drops.push(`${s}/${r}x${n}`); count(s, r, n); };
      core.flushUnloading();
      const sent = await decoded();
      const persisted = [...Array(st.length).keys()].map((k) => st.key(k)!).filter((k) => k.startsWith('plume.outbox.'));
      let persistedSpans = 0;
      for (const k of persisted) { const v = st.getItem(k)!; const parts = v.split('|'); if (parts[0] === 'traces') persistedSpans += Number(parts[2]); }
      const beaconSpans = sent.reduce((n, s) => n + s.spans.length, 0);
      console.log(`page ${pageHolds}: beacons ${JSON.stringify(sent.map((s) => `${s.signal}:${s.size}:p${s.priority}`))}; refused ${JSON.stringify(q.refused)}; persisted ${persisted.length} (${persistedSpans} spans); drops ${JSON.stringify(drops)}`);
      w.mockRestore();
      expect(q.used).toBeLessThanOrEqual(65536 - pageHolds);
      const prios = sent.map((s) => s.priority);
      expect(prios).toEqual([...prios].sort((a, b) => a - b));
      expect(beaconSpans + persistedSpans).toBe(503);
    });
  }
});

describe('chunks fill what is left of the quota (issue 4: "split into chunks that fit the quota left")', () => {
  // Only the quota we know of: what the page holds unseen shows only as a refused beacon.
  for (const pageHolds of [0]) {
    it(`500 spans, page holding ${pageHolds} B: the beacons use the quota left before anything is persisted`, async () => {
      const st = memoryStorage();
      vi.stubGlobal('localStorage', st);
      const w = quiet();
      const core = nodeCore({ endpoint: 'http://127.0.0.1:9', serviceName: 'hide' }, 'js');
      await core.flush();
      q.pageHolds = pageHolds;
      record(core, 500);
      core.flushUnloading();
      const sent = await decoded();
      const persisted = [...Array(st.length).keys()].map((k) => st.key(k)!).filter((k) => k.startsWith('plume.outbox.'));
      w.mockRestore();
      const free = 65536 - pageHolds - q.used;
      console.log(`page ${pageHolds}: beacons ${JSON.stringify(sent.map((s) => `${s.signal}:${s.size}`))}; quota left unused ${free} B; persisted ${persisted.length}`);
      // Equal halves of the whole quota left about a third of it unused here (21,565 B).
      if (persisted.length) expect(free).toBeLessThan(4096);
      expect(q.used).toBeLessThanOrEqual(65536 - pageHolds);
      expect(sent.map((s) => s.signal)).toContain('traces');
    });
  }
});
