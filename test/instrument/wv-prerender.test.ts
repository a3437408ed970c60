// A prerendered page (Speculation Rules; document.prerendering, Chromium) is hidden while it
// prerenders and is activated later. web-vitals waits for activation (whenActivated /
// prerenderingchange) and measures TTFB, FCP and LCP from activationStart, clamped at 0.
// Plume reads activationStart and the visibility once at install, while still prerendering.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('a prerendered page, activated later, reports TTFB 0 and FCP/LCP from activationStart', async () => {
  const { env, ctx, collect } = vitalsPage({ visibility: 'hidden', prerendering: true, readyState: 'complete', nav: { responseStart: 40, activationStart: 0 } });
  await tick(20); // load has happened while prerendering
  // The user follows the link: the page is activated 1000 ms after its navigation started.
  (env.nav as any).activationStart = 1000;
  env.doc.prerendering = false;
  env.doc.visibilityState = 'visible';
  env.doc.dispatchEvent(new Event('prerenderingchange')); // fired at the document
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 1100 }]);
  emit('largest-contentful-paint', [{ startTime: 1250, size: 9000 }]);
  env.setVisibility('hidden');
  expect({
    ttfb: collect('ttfb').map((r) => r.value),
    fcp: collect('fcp').map((r) => r.value),
    lcp: collect('lcp').map((r) => r.value),
  }).toEqual({ ttfb: [0], fcp: [100], lcp: [250] });
});
