// takeOver() makes window.plume the live API with Object.assign(fn, plume, …). Object.assign
// reads `encoder` (a getter on the Plume object: "'none' until one is ready, then 'wasm' or
// 'js'") once, at take-over, before any encoder is ready, and copies the value: through the
// script-tag API plume.encoder says 'none' for the life of the page.
import { afterEach, expect, it, vi } from 'vitest';
import { setupEnv } from './browser-env.js';

afterEach(() => vi.restoreAllMocks());

it('window.plume.encoder follows the encoder once it is ready', async () => {
  setupEnv();
  const g = globalThis as any;
  const stub: any = function () {};
  stub.q = [[Date.now(), ['init', { encoder: 'js', transport: () => {}, instrumentations: { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false } }]]];
  g.plume = stub;
  const { takeOver } = await import('../../src/loader/runtime.js');
  const plume = takeOver()!;
  await plume.flush(); // a live flush waits for the encoder
  expect(plume.encoder).toBe('js');
  expect(g.plume.encoder).toBe(plume.encoder);
});
