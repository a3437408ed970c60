// plume.exporter.dropped (src/sdk/index.ts:162-172) stamps every point with start = time =
// the collection time. OTel metrics data model: a cumulative stream keeps one start time
// (a new one means a reset), and a delta point's start is the end of the previous interval.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../helpers/otlp-schema.js';
import { coreWith, dropPoints, quiet, tick } from './delivery-harness.js';

function setup(temporality: 'delta' | 'cumulative') {
  const points: ReturnType<typeof dropPoints> = [];
  const core = coreWith(undefined, { metrics: { temporality } }, (body: Uint8Array, signal: Signal) => { points.push(...dropPoints(signal, body)); });
  return { core, points };
}

describe('plume.exporter.dropped timestamps', () => {
  it('cumulative: the same series keeps its start time', async () => {
    const w = quiet();
    const { core, points } = setup('cumulative');
    core.exporter.countDrop('traces', 'queue_full', 2);
    await core.flush();
    await tick(20);
    core.exporter.countDrop('traces', 'queue_full', 3);
    await core.flush();
    console.log(JSON.stringify(points.map((p: any) => ({ value: p.value, start: p.start, time: p.time, temporality: p.temporality }))));
    w.mockRestore();
    expect(points.map((p) => p.value)).toEqual([2, 5]);
    expect(points[1].start).toBe(points[0].start);
  });

  it('delta: a point covers the interval since the previous collection (start < time)', async () => {
    const w = quiet();
    const { core, points } = setup('delta');
    await core.flush();
    await tick(20);
    core.exporter.countDrop('traces', 'queue_full', 3);
    await core.flush();
    console.log(JSON.stringify(points));
    w.mockRestore();
    expect(points).toHaveLength(1);
    expect(BigInt(points[0].start)).toBeLessThan(BigInt(points[0].time));
  });
});
