// Two smaller differences from web-vitals' definitions.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('LCP is ended by user input only: a keydown/pointerdown dispatched by script (isTrusted false) does not end it', async () => {
  const { env, ctx, collect } = vitalsPage();
  await tick();
  emit('largest-contentful-paint', [{ startTime: 300, size: 100 }]);
  // A widget or polyfill dispatching a synthetic key event (web-vitals: `if (event.isTrusted ...)`).
  env.win.dispatchEvent(new Event('keydown'));
  await tick();
  emit('largest-contentful-paint', [{ startTime: 1500, size: 90_000 }]);
  env.setVisibility('hidden');
  expect(collect('lcp').map((r) => r.value)).toEqual([1500]);
});

it('no TTFB after a back/forward cache restore when the page load had none (web-vitals: "only if a navigation entry was reported")', async () => {
  // WebKit sometimes gives responseStart 0: no TTFB at load, for either library.
  const { env, ctx, collect } = vitalsPage({ nav: { responseStart: 0 } });
  await tick(20);
  env.setVisibility('hidden');
  env.fire('pagehide', { persisted: true });
  env.fire('pageshow', { persisted: true, timeStamp: performance.now() });
  env.doc.visibilityState = 'visible';
  await tick(20);
  expect(collect('ttfb').map((r) => r.value)).toEqual([]);
});
