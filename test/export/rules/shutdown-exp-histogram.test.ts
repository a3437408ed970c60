// core.flush() waits for meters' on-demand code (sdk/index.ts:145); shutdown() does not
// (index.ts:152). Does an exponential histogram recorded just before shutdown() get exported?
import { describe, expect, it } from 'vitest';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';
import { coreWith, quiet } from './delivery-harness.js';

describe('shutdown right after recording an exponential histogram', () => {
  it('exports the histogram', async () => {
    const w = quiet();
    const names: string[] = [];
    const core = coreWith(undefined, { metrics: { histogramAggregation: 'exponential' } }, (body: Uint8Array, signal: Signal) => {
      if (signal === 'metrics') for (const r of (decodeToJson('metrics', body) as any).resourceMetrics) for (const sm of r.scopeMetrics) for (const m of sm.metrics) names.push(m.name);
    });
    core.meter.createHistogram('latency').record(12);
    await core.shutdown();
    console.log(`metrics exported at shutdown: ${JSON.stringify(names)}`);
    w.mockRestore();
    expect(names).toContain('latency');
  });
});
