// What an earlier page persisted waited for this page's first export (scheduledDelayMillis after
// its first item: 5 s by default, never on a page that records nothing), so a reader who left
// page 2 within 5 s took it back into storage. It now goes at the first idle moment after load
// where an earlier page of the origin is likely (the tab's history holds another entry of it,
// a same-origin referrer, a reload); a tab's first page does not touch storage at load at all
// (a storage read is a synchronous round trip on a cold page).
import { afterEach, expect, it, vi } from 'vitest';
import { setupEnv, tick } from '../../instrument/browser-env.js';
import { coreWith, memoryStorage, quiet, scripted, spanNames } from './delivery-harness.js';
import type { Signal } from '../../helpers/otlp-schema.js';

afterEach(() => { vi.unstubAllGlobals(); vi.restoreAllMocks(); });

/** localStorage holding what page 1 could not send, and a count of reads from now on. */
function afterPage1() {
  const st = memoryStorage();
  vi.stubGlobal('localStorage', st);
  const page1 = coreWith(scripted({ unload: () => false }).transport);
  page1.tracer.startSpan('from page 1').end();
  page1.flushUnloading();
  let reads = 0;
  const counted = new Proxy(st, { get: (t, k) => { if (k === 'length' || k === 'key' || k === 'getItem') reads++; return Reflect.get(t, k); } });
  vi.stubGlobal('localStorage', counted);
  return { reads: () => reads };
}

async function page2(opts: { entries: number; referrer?: string }) {
  setupEnv();
  (globalThis as any).document.referrer = opts.referrer ?? '';
  vi.stubGlobal('navigation', { entries: () => Array.from({ length: opts.entries }, () => ({})) });
  vi.resetModules();
  const { start } = await import('../../../src/browser-core.js');
  const sent: string[] = [];
  const plume = start({
    serviceName: 'page-2', encoder: 'js', batch: { scheduledDelayMillis: 60_000 },
    transport: (body: Uint8Array, signal: Signal) => { sent.push(...spanNames(signal, body)); },
  }, []);
  return { sent, plume };
}

it('reached from a page of the origin: sent at the first idle moment after load', async () => {
  const w = quiet();
  afterPage1();
  const { sent, plume } = await page2({ entries: 2 });
  const t0 = Date.now();
  while (!sent.includes('from page 1') && Date.now() - t0 < 3000) await tick(20);
  const got = [...sent];   // (shutdown flushes, and so would send it)
  console.log(`page 1's span sent by page 2 after ${Date.now() - t0} ms: ${got.includes('from page 1')}`);
  await plume.shutdown();
  w.mockRestore();
  expect(got).toContain('from page 1');
});

it('a link opened in a new tab (same-origin referrer): the same', async () => {
  const w = quiet();
  afterPage1();
  const { sent, plume } = await page2({ entries: 1, referrer: 'https://shop.example/cart' });
  const t0 = Date.now();
  while (!sent.includes('from page 1') && Date.now() - t0 < 3000) await tick(20);
  const got = [...sent];
  await plume.shutdown();
  w.mockRestore();
  expect(got).toContain('from page 1');
});

it("a tab's first page does not read storage at load", async () => {
  const w = quiet();
  const { reads } = afterPage1();
  const { sent, plume } = await page2({ entries: 1, referrer: 'https://search.example/' });
  await tick(500);
  const n = reads();
  console.log(`storage reads by a tab's first page within 500 ms of load: ${n}`);
  await plume.shutdown();
  w.mockRestore();
  expect(n).toBe(0);
  void sent;
});
