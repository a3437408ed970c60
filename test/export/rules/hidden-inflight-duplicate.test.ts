// A live request in flight without keepalive when the page goes hidden is persisted
// (src/transport/sender.ts:117-122, "they may or may not have arrived, so they are kept").
// The page lives on (tab switch), the request succeeds - sender.ts:80 removes it from the
// outbox, where it no longer is, and leaves the stored copy - and when the page is shown
// again (browser-core.ts:80 replay) or the next page loads, the stored copy is sent again:
// the same span arrives twice. Requests go without keepalive for every custom transport
// function, for any request over 32 KiB (one big item, or a replayed 64 KiB chunk), and after
// 8 keepalive refusals.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreWith, memoryStorage, quiet, scripted, spanNames, tick } from './delivery-harness.js';
import type { Signal } from '../../helpers/otlp-schema.js';

afterEach(() => vi.unstubAllGlobals());

describe('hidden while a non-keepalive request is in flight, then shown again', () => {
  it('custom transport function: the span is sent once', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const w = quiet();
    const names: string[] = [];
    const pending: (() => void)[] = [];
    const fn = (body: Uint8Array, signal: Signal) => {
      names.push(...spanNames(signal, body));
      return new Promise<void>((r) => pending.push(r)); // the vendor's request takes a while
    };
    const core = coreWith(undefined, {}, fn);
    core.tracer.startSpan('once').end();
    const f = core.flush();
    await tick(20);
    expect(names).toEqual(['once']);
    core.flushUnloading();          // visibilitychange -> hidden
    pending.shift()!();             // ... and the request succeeds: delivered
    await f;
    await core.replay();            // visibilitychange -> visible (browser-core.ts:76-81)
    await tick(50);
    for (const r of pending.splice(0)) r();
    await core.flush();
    console.log(`spans given to the transport: ${JSON.stringify(names)}`);
    w.mockRestore();
    expect(names.filter((n) => n === 'once')).toHaveLength(1);
  });

  it("transport 'auto' (quota-bound), a span over 32 KiB: sent once", async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const w = quiet();
    const t = scripted({ auto: (c) => (t.live.length > 1 ? { ok: true, status: 200, retryable: false } : undefined) });
    const core = coreWith(t.transport);
    const s = core.tracer.startSpan('big');
    for (let k = 0; k < 12; k++) s.setAttribute(`a${k}`, 'x'.repeat(4000));
    s.end();
    const f = core.flush();
    await tick(20);
    expect(t.live[0].keepalive).toBe(false);   // 48 KB > LIVE_SHARE
    core.flushUnloading();
    t.live[0].resolve({ ok: true, status: 200, retryable: false });
    await f;
    await core.replay();
    await tick(50);
    await core.flush();
    const sent = t.live.flatMap((c) => spanNames(c.signal, c.body));
    console.log(`live requests carrying the span: ${sent.filter((n) => n === 'big').length}`);
    w.mockRestore();
    expect(sent.filter((n) => n === 'big')).toHaveLength(1);
  });
});
