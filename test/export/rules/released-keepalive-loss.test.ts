// A page that goes hidden (tab switch) while a live keepalive request is in flight marks that
// request "released" (src/transport/sender.ts:120). The page lives on; when the collector then
// answers 503 (or the connection fails), sender.ts:78 `if (p.released) return;` forgets it:
// the span is neither retried, nor persisted, nor counted in plume.exporter.dropped.
import { describe, expect, it } from 'vitest';
import { coreWith, dropPoints, quiet, scripted, spanNames, tick } from './delivery-harness.js';

describe('keepalive request in flight when the page goes hidden, then fails', () => {
  it('the span is delivered later or counted as dropped', async () => {
    const w = quiet();
    let answer = false; // from the second request on, the collector accepts at once
    const t = scripted({ auto: () => (answer ? { ok: true, status: 200, retryable: false } : undefined) });
    const core = coreWith(t.transport);
    core.tracer.startSpan('in-flight-at-hide').end();
    void core.flush();
    await tick(20);
    expect(t.live).toHaveLength(1);
    expect(t.live[0].keepalive).toBe(true);
    core.flushUnloading();                                            // visibilitychange -> hidden; the page lives on
    t.live[0].resolve({ ok: false, status: 503, retryable: true });   // the collector was busy
    answer = true;
    await tick(20);
    await core.exporter.replay();                                     // shown again (browser-core.ts:80)
    await core.flush();
    await tick(1500);                                                 // past any backoff
    await core.flush();
    const later = t.live.slice(1);
    const delivered = later.flatMap((c) => spanNames(c.signal, c.body)).concat(t.unloads.flatMap((u) => spanNames(u.signal, u.body)));
    const reported = later.flatMap((c) => dropPoints(c.signal, c.body)).filter((p) => p.attributes.signal === 'traces').reduce((n, p) => n + p.value, 0);
    const pending = [...core.exporter.dropped].filter(([k]) => k.startsWith('traces/')).reduce((n, [, v]) => n + v, 0);
    console.log(`after the 503: delivered ${JSON.stringify(delivered)}; counted as dropped: ${reported + pending}; requests after the first: ${later.length}`);
    w.mockRestore();
    expect(delivered.includes('in-flight-at-hide') || reported + pending === 1).toBe(true);
  });

  it('a flush() awaiting that request resolves once it has been answered', async () => {
    const t = scripted();
    const core = coreWith(t.transport);
    core.tracer.startSpan('s').end();
    let resolved = false;
    const f = core.flush().then(() => { resolved = true; });
    await tick(20);
    core.flushUnloading();
    t.live[0].resolve({ ok: true, status: 200, retryable: false });
    await tick(200);
    console.log(`flush() resolved 200 ms after its only request was answered: ${resolved}`);
    expect(resolved).toBe(true);
    void f;
  });
});
