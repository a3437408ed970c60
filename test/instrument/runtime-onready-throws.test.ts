// A plume.onReady(fn) callback that throws is swallowed by guard(): no console message at all
// outside debug mode (and, in debug, PLUME_W006 "internal error"). README: PLUME_W007 is "a
// user callback (beforeSend, observable) threw: ignored"; the project's rule is that bad input
// gets a documented result, never a silent one.
import { afterEach, expect, it, vi } from 'vitest';
import { setupEnv } from './browser-env.js';

afterEach(() => vi.restoreAllMocks());

it('a throwing onReady callback is reported (PLUME_W007), not silently dropped', async () => {
  setupEnv();
  const g = globalThis as any;
  const stub: any = function () {};
  stub.q = [
    [Date.now(), ['init', { encoder: 'js', transport: () => {}, instrumentations: { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false } }]],
    [Date.now(), ['onReady', () => { throw new Error('app bug in onReady'); }]],
  ];
  g.plume = stub;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { takeOver } = await import('../../src/loader/runtime.js');
  takeOver();
  expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('onReady') || m.includes('W007'))).not.toEqual([]);
});
