// OTel ObservableCallback may return a Promise (api: `=> void | Promise<void>`).
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('async observable callbacks', () => {
  it('an async callback’s observation is exported by the next collection (collection is synchronous: a page going away needs it so)', async () => {
    const { core, metrics } = setup();
    const g = core.meter.createObservableGauge('storage.used');
    let n = 0;
    g.addCallback(async (r) => { const used = await Promise.resolve(++n * 10); r.observe(used); });
    await core.flush();
    expect(metrics().filter((m) => m.name === 'storage.used')).toHaveLength(0);
    await core.flush();
    const points = metrics().filter((m) => m.name === 'storage.used').flatMap((m) => m.gauge.dataPoints);
    expect(points.map((p: any) => p.asDouble ?? Number(p.asInt))).toEqual([10]);
  });

  it('a rejecting async callback does not become an unhandled rejection in the page', async () => {
    const { core } = setup();
    const seen: unknown[] = [];
    const onRej = (e: unknown) => { seen.push(e); };
    process.on('unhandledRejection', onRej);
    try {
      const g = core.meter.createObservableGauge('g');
      g.addCallback(async () => { throw new Error('callback failed'); });
      await core.flush();
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onRej);
    }
    expect(seen.map((e) => (e as Error).message)).toEqual([]);
  });
});
