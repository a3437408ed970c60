// A live request in flight without keepalive when the page goes away (a span over 32 KiB, a
// custom transport function) dies with the page, but may have reached the collector first: it
// is persisted, and the next page sends it again. Whether it arrived cannot be known in a
// browser, so the page that sends it again counts it in plume.exporter.possible_duplicates
// (before, it was sent again and nothing said so).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreWith, dropPoints, memoryStorage, quiet, scripted, spanNames, tick } from './delivery-harness.js';

afterEach(() => vi.unstubAllGlobals());

describe('in flight without keepalive as the page goes away', () => {
  it('the next page sends it again and counts a possible duplicate', async () => {
    const w = quiet();
    vi.stubGlobal('localStorage', memoryStorage());
    const first = scripted();
    const page1 = coreWith(first.transport);
    const s = page1.tracer.startSpan('big');
    for (let k = 0; k < 12; k++) s.setAttribute(`a${k}`, 'x'.repeat(4000));
    s.end();
    void page1.flush();
    await tick(20);
    expect(first.live[0].keepalive).toBe(false);   // 48 KB: over our half of the keepalive quota
    page1.flushUnloading();                        // and the page is gone

    const next = scripted({ auto: () => ({ ok: true, status: 200, retryable: false }) });
    const page2 = coreWith(next.transport);
    await page2.flush();                           // replays what page 1 persisted
    await page2.flush();
    const sent = next.live.flatMap((c) => spanNames(c.signal, c.body)).filter((n) => n === 'big');
    const points = next.live.flatMap((c) => dropPoints(c.signal, c.body, 'plume.exporter.possible_duplicates'));
    console.log(`sent again: ${sent.length}; possible duplicates: ${JSON.stringify(points.map((p) => [p.attributes, p.value]))}`);
    w.mockRestore();
    expect(sent).toHaveLength(1);
    expect(points.map((p) => [p.attributes.signal, p.value])).toEqual([['traces', 1]]);
  });

  it('what was only waiting is sent again without being counted', async () => {
    const w = quiet();
    vi.stubGlobal('localStorage', memoryStorage());
    const page1 = coreWith(scripted({ unload: () => false }).transport);
    page1.tracer.startSpan('waiting').end();
    page1.flushUnloading();                        // no beacon fits: persisted
    const next = scripted({ auto: () => ({ ok: true, status: 200, retryable: false }) });
    const page2 = coreWith(next.transport);
    await page2.flush();
    await page2.flush();
    w.mockRestore();
    expect(next.live.flatMap((c) => spanNames(c.signal, c.body))).toContain('waiting');
    expect(next.live.flatMap((c) => dropPoints(c.signal, c.body, 'plume.exporter.possible_duplicates'))).toEqual([]);
  });
});
