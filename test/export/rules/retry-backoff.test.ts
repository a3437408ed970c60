// Retry rules (issue 4: "retry with exponential backoff and jitter on network errors ...
// honouring Retry-After"; README: "1 s doubling to 30 s; Retry-After wins").
import { describe, expect, it } from 'vitest';
import { coreWith, quiet, scripted, tick } from './delivery-harness.js';

describe('retry timing', () => {
  it('network errors on keepalive requests back off exponentially (collector down)', async () => {
    // It was taken as "the page holds the quota" and retried every 500 ms, 7 times per
    // payload (7 attempts in 3.2 s), without backoff. Now: one short wait for the quota
    // (500 ms), then the backoff, 1 s then 2 s, each ±20%.
    const w = quiet();
    const t = scripted({ auto: () => ({ ok: false, status: 0, retryable: true, networkError: true }) });
    const core = coreWith(t.transport);
    core.tracer.startSpan('s').end();
    await core.flush();
    await tick(3200);
    const gaps = t.live.slice(1).map((c, k) => c.at - t.live[k].at);
    console.log(`attempts in 3.2 s: ${t.live.length}; gaps ms: ${JSON.stringify(gaps)}`);
    await core.shutdown();
    w.mockRestore();
    expect(t.live.length).toBeLessThanOrEqual(4);
    expect(gaps[0]).toBeGreaterThanOrEqual(450);
    if (gaps.length > 1) expect(gaps[1]).toBeGreaterThanOrEqual(750);
    if (gaps.length > 2) expect(gaps[2]).toBeGreaterThan(gaps[1]);
  });

  it('Retry-After is not cut short by another in-flight request\'s answer', async () => {
    // sender.ts:91 assigns pausedUntil unconditionally: a 503 answered to the second request
    // in flight replaces the first one's Retry-After: 30 with a 1-2 s backoff.
    const w = quiet();
    const t = scripted();
    const core = coreWith(t.transport);
    core.tracer.startSpan('span').end();
    core.logger.emit({ body: 'log' });
    void core.flush();
    await tick(20);
    expect(t.live.map((c) => c.signal).sort()).toEqual(['logs', 'traces']);
    const [a, b] = t.live;
    a.resolve({ ok: false, status: 429, retryable: true, retryAfterMs: 30_000 });
    await tick(5);
    b.resolve({ ok: false, status: 503, retryable: true });
    await tick(2600);
    // The page goes on recording; its next export (scheduled, or the metrics interval) pumps.
    core.tracer.startSpan('later').end();
    void core.flush();
    await tick(50);
    console.log(`requests within 2.7 s of "429 Retry-After: 30": ${t.live.length - 2}`);
    t.transport.live = async () => ({ ok: true, status: 200, retryable: false });
    w.mockRestore();
    expect(t.live.length).toBe(2);
  });
});

describe('control (passes): Retry-After alone holds against a later export', () => {
  it('429 Retry-After: 30 on the only request: no request 2.7 s later', async () => {
    const w = quiet();
    const t = scripted();
    const core = coreWith(t.transport);
    core.tracer.startSpan('span').end();
    void core.flush();
    await tick(20);
    t.live[0].resolve({ ok: false, status: 429, retryable: true, retryAfterMs: 30_000 });
    await tick(2600);
    core.tracer.startSpan('later').end();
    void core.flush();
    await tick(50);
    w.mockRestore();
    expect(t.live.length).toBe(1);
  });
});
