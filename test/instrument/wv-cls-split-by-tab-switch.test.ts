// CLS is "the largest burst of layout shift scores ... during the entire lifespan of a page"
// (web.dev/cls; web-vitals keeps one metric per page view and reports on each hide only when
// its value changed). Plume starts CLS afresh at every hide: a tab switch in the middle of a
// page view splits it, so the page's CLS is never reported as a whole and each switch adds a
// point of its own (0 when nothing shifted).
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('a tab switch does not split the page view: CLS stays the largest window of the whole page', async () => {
  const { env, ctx, collect } = vitalsPage();
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]); // CLS is reported for page views with a first paint
  // 0.2 before the tab switch; after it, one shift of 0.05.
  emit('layout-shift', [{ startTime: 100, value: 0.2, hadRecentInput: false }]);
  env.setVisibility('hidden');
  env.setVisibility('visible');
  emit('layout-shift', [{ startTime: 20_000, value: 0.05, hadRecentInput: false }]);
  env.setVisibility('hidden');
  // web-vitals: 0.2 at the first hide; at the second the page's CLS is still 0.2 (no report, no change).
  const cls = collect('cls').map((r) => r.value);
  expect(cls).toEqual([0.2]);
});

it('hiding and showing a tab without any shift adds no CLS point', async () => {
  const { env, ctx, collect } = vitalsPage();
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]); // CLS is reported for page views with a first paint
  for (let k = 0; k < 3; k++) { env.setVisibility('hidden'); env.setVisibility('visible'); }
  env.setVisibility('hidden');
  expect(collect('cls').map((r) => r.value)).toEqual([0]);
});

it('INP likewise: a short interaction after a tab switch does not become the page view INP', async () => {
  const { env, ctx, collect } = vitalsPage();
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]); // CLS is reported for page views with a first paint
  emit('event', [{ name: 'pointerup', startTime: 1000, duration: 300, interactionId: 7 }]);
  env.setVisibility('hidden');
  env.setVisibility('visible');
  emit('event', [{ name: 'pointerup', startTime: 30_000, duration: 48, interactionId: 14 }]);
  env.setVisibility('hidden');
  // web-vitals: 300 at the first hide; the page's INP (p98 of 2 interactions) is still 300 after.
  expect(collect('inp').map((r) => r.value)).toEqual([300]);
});
