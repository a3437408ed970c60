// Issue 14, item 11: deep-linking /no/such/route in an SPA that then replaces the URL with '/':
// LCP and TTFB carried url.path /no/such/route, FCP '/'. All of a page load's vitals describe
// that load, so they carry the path it loaded with; a route change before the first paint is a
// start-up redirect, so the load's CLS and INP carry it too.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

const DEEP = 'https://shop.example/no/such/route';
const paths = (recorded: { name: string; attributes: Record<string, unknown> }[]) =>
  Object.fromEntries(recorded.map((r) => [r.name.replace('browser.web_vital.', ''), r.attributes['url.path']]));

function loadThenHide(page: ReturnType<typeof vitalsPage>) {
  emit('paint', [{ name: 'first-contentful-paint', startTime: 80 }]);
  emit('largest-contentful-paint', [{ startTime: 300, size: 5000 }]);
  emit('layout-shift', [{ startTime: 400, value: 0.05, hadRecentInput: false }]);
  emit('event', [{ name: 'pointerdown', startTime: 500, duration: 120, interactionId: 7 }]);
  page.env.setVisibility('hidden');
  return paths(page.collect());
}

it('a deep link replaced by history.replaceState before the first paint: every page-load vital carries the path it loaded with', async () => {
  const page = vitalsPage({ path: '/no/such/route', nav: { name: DEEP } });
  // The router sends the unknown route to '/' before anything is painted.
  page.env.setPath('/');
  page.ctx.onRouteChange(); // what the navigation instrumentation calls on replaceState
  await tick(); // TTFB is taken once the page has loaded (a task later)
  expect(loadThenHide(page)).toEqual({ ttfb: '/no/such/route', fcp: '/no/such/route', lcp: '/no/such/route', cls: '/no/such/route', inp: '/no/such/route' });
});

it('the same when Plume starts after the replace (a late script tag): the path comes from the navigation entry', async () => {
  const page = vitalsPage({ path: '/', nav: { name: DEEP } });
  await tick();
  expect(loadThenHide(page)).toEqual({ ttfb: '/no/such/route', fcp: '/no/such/route', lcp: '/no/such/route', cls: '/no/such/route', inp: '/no/such/route' });
});

it('a route change after the first paint still ends the load\'s page view: its CLS and INP carry the load path, the next view the new one', async () => {
  const page = vitalsPage({ path: '/products', nav: { name: 'https://shop.example/products' } });
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 80 }]);
  emit('layout-shift', [{ startTime: 100, value: 0.05, hadRecentInput: false }]);
  page.env.setPath('/cart');
  page.ctx.onRouteChange();
  emit('layout-shift', [{ startTime: 2000, value: 0.2, hadRecentInput: false }]);
  page.env.setVisibility('hidden');
  const cls = page.collect('cls').map((r) => [r.value, r.attributes['url.path']]);
  expect(cls).toEqual([[0.05, '/products'], [0.2, '/cart']]);
});
