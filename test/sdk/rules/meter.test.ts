// Metric aggregation semantics.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

const sumPoints = (metrics: any[], name: string) => metrics.filter((m) => m.name === name).flatMap((m) => m.sum.dataPoints);
const val = (p: any) => Number(p.asInt ?? p.asDouble ?? 0);

describe('meter', () => {
  it('observable counter (delta): observing the same attribute set twice in one collection does not lose the increase', async () => {
    const { core, metrics } = setup();
    const c = core.meter.createObservableCounter('obs.total');
    // Two callbacks on one instrument report the same series (or one callback observes
    // { route: '/a', extra: undefined } and { route: '/a' }, which clean to the same set).
    c.addCallback((r) => r.observe(10, { route: '/a' }));
    c.addCallback((r) => r.observe(10, { route: '/a' }));
    await core.flush();
    const pts = sumPoints(metrics(), 'obs.total');
    // The total went 0 -> 10: the delta is 10 (OTel: the last observation wins). Received 0.
    expect(pts.map(val)).toEqual([10]);
  });

  it('observable counter (delta): an attribute set no longer observed stops being exported', async () => {
    const { core, metrics, sent } = setup();
    const c = core.meter.createObservableCounter('obs.gone');
    const cb = (r: any) => r.observe(5, { id: 'x' });
    c.addCallback(cb);
    await core.flush();
    c.removeCallback(cb);
    sent.length = 0;
    await core.flush();
    await core.flush();
    // OTel: a delta point is exported only for what was observed in the interval.
    // Received: a 0-valued point for { id: 'x' } at every collection, forever.
    expect(sumPoints(metrics(), 'obs.gone')).toEqual([]);
  });

  it('attribute sets that differ only inside array values are different series', async () => {
    const { core, metrics } = setup();
    const c = core.meter.createCounter('tags');
    c.add(1, { tags: ['a,b'] });
    c.add(1, { tags: ['a', 'b'] });
    await core.flush();
    // keyOf() uses String(array): ['a,b'] and ['a','b'] both give "a,b" and share one cell.
    expect(sumPoints(metrics(), 'tags')).toHaveLength(2);
  });

  it("UpDownCounter under 'delta' follows OTel's delta temporality preference (cumulative)", async () => {
    const { core, metrics } = setup();
    const ud = core.meter.createUpDownCounter('queue.size');
    ud.add(3);
    await core.flush();
    const m = metrics().find((x) => x.name === 'queue.size');
    // OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta: Counter/Histogram delta,
    // UpDownCounter cumulative. The Collector's Prometheus exporter drops non-monotonic delta sums.
    expect(m.sum.aggregationTemporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
  });
});
