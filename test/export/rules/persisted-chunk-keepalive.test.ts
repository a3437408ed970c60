// Going away, requests are cut to the quota left, up to 64 KiB, and what does not fit is
// persisted in those same parts. The next page sends a part over 32 KiB (our half of the
// keepalive quota) without keepalive: alone, slowly, and if that page is left while it is in
// flight, it may arrive and be persisted again (a possible duplicate). What is persisted is
// now cut to at most 32 KiB, so the next page sends all of it with keepalive.
import { afterEach, expect, it, vi } from 'vitest';
import { LIVE_SHARE } from '../../../src/transport/sender.js';
import { coreWith, memoryStorage, quiet, scripted, spanNames } from './delivery-harness.js';

afterEach(() => vi.unstubAllGlobals());

it('what a page persists, the next page sends with keepalive', async () => {
  const w = quiet();
  const st = memoryStorage();
  vi.stubGlobal('localStorage', st);
  const page1 = coreWith(scripted({ unload: () => false }).transport);   // the page holds the whole quota
  for (let k = 0; k < 500; k++) page1.tracer.startSpan(`s${k}`, { attributes: { pad: 'x'.repeat(100) } }).end();
  page1.flushUnloading();
  const sizes = [...Array(st.length).keys()].map((k) => st.key(k)!).filter((k) => k.startsWith('plume.outbox.'))
    .map((k) => st.getItem(k)!.split('|').slice(3).join('|').length);

  const next = scripted({ auto: () => ({ ok: true, status: 200, retryable: false }) });
  const page2 = coreWith(next.transport);
  await page2.flush();
  const replayed = next.live.filter((c) => c.signal === 'traces');
  console.log(`persisted bodies: ${JSON.stringify(sizes)}; sent by the next page with keepalive: ${replayed.map((c) => c.keepalive)}`);
  w.mockRestore();
  expect(replayed.flatMap((c) => spanNames(c.signal, c.body))).toHaveLength(500);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(LIVE_SHARE);
  expect(replayed.every((c) => c.keepalive)).toBe(true);
});
