// Chromium, leaving a page that is not kept in the back/forward cache (Cache-Control: no-store,
// an unload handler, ...), rejects the promise of every keepalive fetch still in flight with
// "TypeError: Failed to fetch" during the pagehide dispatch, while the browser goes on sending
// the request (test/browser/delivery.spec.ts, two-page case: the collector gets it). The
// sender took that rejection for a failed request: back in the outbox, then beaconed by the
// pagehide flush, or sent again by the retry, so one live chunk (128 spans) arrived twice.
// A network error is now settled in a later task, which a page that has gone never runs: until
// then the request is in flight, and released at the hide like any keepalive request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreWith, dropPoints, memoryStorage, quiet, scripted, spanNames, tick } from './delivery-harness.js';

afterEach(() => vi.unstubAllGlobals());

const NETWORK_ERROR = { ok: false, status: 0, retryable: true, networkError: true };
/** Runs every pending microtask, and no task: what a page runs inside one event dispatch. */
const microtasks = async () => { for (let k = 0; k < 50; k++) await Promise.resolve(); };
const stored = (st: Storage) => [...Array(st.length).keys()].map((k) => st.key(k)!).filter((k) => k.startsWith('plume.outbox.'));

function page() {
  const st = memoryStorage();
  vi.stubGlobal('localStorage', st);
  // The first request is answered by the test; later ones are accepted at once.
  const t = scripted({ auto: () => (t.live.length > 1 ? { ok: true, status: 200, retryable: false } : undefined) });
  const core = coreWith(t.transport);
  core.tracer.startSpan('in-flight').end();
  void core.flush();
  return { st, t, core };
}

describe('a keepalive request whose promise the unloading page rejects', () => {
  it('rejected just before the pagehide flush: not beaconed, not persisted', async () => {
    const w = quiet();
    const { st, t, core } = page();
    await tick(20);
    expect(t.live).toHaveLength(1);
    expect(t.live[0].keepalive).toBe(true);
    t.live[0].resolve(NETWORK_ERROR);   // the unload rejects it (an earlier pagehide listener ran) ...
    await microtasks();
    core.flushUnloading();              // ... then Plume's pagehide listener
    const again = t.unloads.flatMap((u) => spanNames(u.signal, u.body)).concat(t.live.slice(1).flatMap((c) => spanNames(c.signal, c.body)));
    console.log(`sent again at the hide: ${JSON.stringify(again)}; persisted: ${stored(st).length}`);
    w.mockRestore();
    expect(again).toEqual([]);
    expect(stored(st)).toEqual([]);
  });

  it('rejected just after the pagehide flush (Plume listened first): not sent again in that task', async () => {
    const w = quiet();
    const { st, t, core } = page();
    await tick(20);
    core.flushUnloading();              // pagehide: the request is released (in flight, keepalive)
    t.live[0].resolve(NETWORK_ERROR);
    await microtasks();
    core.flushUnloading();              // visibilitychange, same task
    const again = t.unloads.flatMap((u) => spanNames(u.signal, u.body)).concat(t.live.slice(1).flatMap((c) => spanNames(c.signal, c.body)));
    console.log(`sent again in the unloading task: ${JSON.stringify(again)}; persisted: ${stored(st).length}`);
    w.mockRestore();
    expect(again).toEqual([]);
    expect(stored(st)).toEqual([]);
  });

  it('a page that lives on after all (back/forward cache) sends it again and counts a possible duplicate', async () => {
    const w = quiet();
    const { t, core } = page();
    await tick(20);
    t.live[0].resolve(NETWORK_ERROR);
    await microtasks();
    core.flushUnloading();
    await tick(700);                    // the page runs again: past the short keepalive wait
    await core.flush();
    const later = t.live.slice(1);
    const resent = later.flatMap((c) => spanNames(c.signal, c.body)).filter((n) => n === 'in-flight');
    await core.flush();
    const points = t.live.flatMap((c) => dropPoints(c.signal, c.body, 'plume.exporter.possible_duplicates'));
    console.log(`sent again: ${resent.length}; possible duplicates reported: ${JSON.stringify(points)}`);
    w.mockRestore();
    expect(resent).toHaveLength(1);
    expect(points.map((p) => [p.attributes.signal, p.value])).toEqual([['traces', 1]]);
  });

  it('a network error with no hide near it is retried as before, and counts nothing', async () => {
    const w = quiet();
    const { t, core } = page();
    await tick(20);
    t.live[0].resolve(NETWORK_ERROR);
    await tick(700);
    await core.flush();
    const resent = t.live.slice(1).flatMap((c) => spanNames(c.signal, c.body)).filter((n) => n === 'in-flight');
    const points = t.live.flatMap((c) => dropPoints(c.signal, c.body, 'plume.exporter.possible_duplicates'));
    w.mockRestore();
    expect(resent).toHaveLength(1);
    expect(points).toEqual([]);
  });
});
