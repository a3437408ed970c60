// Drop counts that never reach plume.exporter.dropped.
import { describe, expect, it } from 'vitest';
import { coreWith, dropPoints, quiet, scripted, tick } from './delivery-harness.js';

const ok = { ok: true, status: 200, retryable: false } as const;

describe('drop counts', () => {
  it('without localStorage, drops counted as the page goes hidden are still reported when it lives on', async () => {
    // exporter.ts:230-237: persist() finds no storage and the pending data is counted as
    // no_storage; persistDropped() (persist.ts:68-70) returns at once without storage, and
    // dropped.clear() then erases those counts: nothing is delivered and nothing is counted.
    // (localStorage is unavailable or throws in sandboxed iframes and with storage blocked.)
    const w = quiet();
    const t = scripted({ auto: () => ok, unload: () => false }); // the page holds the keepalive quota
    const core = coreWith(t.transport);
    await core.flush();
    const calls: string[] = [];
    const count = core.exporter.countDrop.bind(core.exporter);
    core.exporter.countDrop = (s, r, n = 1) => { calls.push(`${s}/${r}x${n}`); count(s, r, n); };
    core.tracer.startSpan('pending-at-hide').end();
    core.flushUnloading();                 // hidden: the beacon is refused, no storage
    const counted = `${JSON.stringify(calls)}, left in map: ${core.exporter.dropped.size}`;
    await tick(20);
    await core.flush();                    // shown again, metrics collected and sent
    await tick(20);
    const reported = t.live.flatMap((c) => dropPoints(c.signal, c.body)).filter((p) => p.attributes.signal === 'traces');
    console.log(`dropped map right after hide: ${counted}; reported points: ${JSON.stringify(reported)}`);
    w.mockRestore();
    expect(reported.reduce((n, p) => n + p.value, 0)).toBe(1);
  });

  it('drops that happen during shutdown()\'s flush are reported', async () => {
    // shutdown() (sdk/index.ts:150-156) flushes once: metrics are collected (exporter.ts:219)
    // before the requests are sent, so a 400 answered to that last request is counted in a
    // map nobody reads again.
    const w = quiet();
    const t = scripted({ auto: (c) => (c.signal === 'traces' ? { ok: false, status: 400, retryable: false } : ok) });
    const core = coreWith(t.transport);
    core.tracer.startSpan('refused').end();
    await core.shutdown();
    await tick(50);
    const reported = t.live.flatMap((c) => dropPoints(c.signal, c.body));
    console.log(`left in the map: ${JSON.stringify([...core.exporter.dropped])}; reported: ${JSON.stringify(reported)}`);
    w.mockRestore();
    expect(reported.some((p) => p.attributes.reason === 'http_400')).toBe(true);
  });
});
