// LCP belongs to the page load: it carries the path the page loaded with, and (as web-vitals
// without soft navigations) stays open across SPA route changes until input or hide.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('the LCP of the page load carries the url.path the page loaded with, even when reported after a route change', async () => {
  const { env, ctx, collect } = vitalsPage({ path: '/products' });
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]);
  emit('largest-contentful-paint', [{ startTime: 900, size: 5000 }]);
  emit('layout-shift', [{ startTime: 100, value: 0.01, hadRecentInput: false }]);
  env.setPath('/cart');
  ctx.onRouteChange(); // what the navigation instrumentation calls after pushState / currententrychange
  const cls = collect('cls');
  expect(cls[0].attributes['url.path']).toBe('/products');
  env.setVisibility('hidden');
  expect(collect('lcp').map((r) => [r.value, r.attributes['url.path']])).toEqual([[900, '/products']]);
});

it('a client-side redirect during start-up (replaceState "/" -> "/home") does not end LCP before the page has painted', async () => {
  const { env, ctx, collect } = vitalsPage({ path: '/' });
  await tick();
  // The router redirects before anything large has been painted.
  env.setPath('/home');
  ctx.onRouteChange();
  // Then the page paints its largest element; no input, then the tab is hidden.
  emit('largest-contentful-paint', [{ startTime: 1200, size: 80_000 }]);
  env.setVisibility('hidden');
  // web-vitals (onLCP) keeps LCP open until input or hide: LCP 1200.
  expect(collect('lcp').map((r) => r.value)).toEqual([1200]);
});
