// What OTel JS sdk-metrics does in the same situations (reference behaviour, should pass).
import { describe, expect, it } from 'vitest';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

class Reader extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA }); }
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

describe('OTel sdk-metrics reference', () => {
  it('duplicate observation of one attribute set, delta: last wins, delta 10', async () => {
    const reader = new Reader();
    const mp = new MeterProvider({ readers: [reader] });
    const c = mp.getMeter('m').createObservableCounter('obs.total');
    c.addCallback((r) => r.observe(10, { route: '/a' }));
    c.addCallback((r) => r.observe(10, { route: '/a' }));
    const { resourceMetrics } = await reader.collect();
    const pts = resourceMetrics.scopeMetrics[0].metrics[0].dataPoints.map((p) => p.value);
    expect(pts).toEqual([10]);
  });

  it('an attribute set no longer observed is not exported (delta)', async () => {
    const reader = new Reader();
    const mp = new MeterProvider({ readers: [reader] });
    const c = mp.getMeter('m').createObservableCounter('obs.gone');
    const cb = (r: any) => r.observe(5, { id: 'x' });
    c.addCallback(cb);
    await reader.collect();
    c.removeCallback(cb);
    const { resourceMetrics } = await reader.collect();
    const pts = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => m.dataPoints));
    expect(pts).toEqual([]);
  });

  it('array-valued attributes that stringify alike are different series', async () => {
    const reader = new Reader();
    const mp = new MeterProvider({ readers: [reader] });
    const c = mp.getMeter('m').createCounter('tags');
    c.add(1, { tags: ['a,b'] });
    c.add(1, { tags: ['a', 'b'] });
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics[0].metrics[0].dataPoints).toHaveLength(2);
  });
});
