// Control for shutdown-exp-histogram.test.ts, in its own file (fresh module state: the
// exponential aggregation's code is not loaded yet). Passes.
import { describe, expect, it } from 'vitest';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';
import { coreWith } from './delivery-harness.js';

describe('control (passes): flush() waits for the aggregation code', () => {
  it('flush() exports the histogram', async () => {
    const names: string[] = [];
    const core = coreWith(undefined, { metrics: { histogramAggregation: 'exponential' } }, (body: Uint8Array, signal: Signal) => {
      if (signal === 'metrics') for (const r of (decodeToJson('metrics', body) as any).resourceMetrics) for (const sm of r.scopeMetrics) for (const m of sm.metrics) names.push(m.name);
    });
    core.meter.createHistogram('latency2').record(12);
    await core.flush();
    expect(names).toContain('latency2');
  });
});
