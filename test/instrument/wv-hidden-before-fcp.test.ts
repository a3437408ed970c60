// web-vitals reports FCP and LCP only for paints before the page was first hidden
// (entry.startTime < firstHiddenTime), and CLS only for page views that got an FCP (onCLS
// runs inside onFCP, "to match CrUX"). Plume checks the visibility only once, at install.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('no FCP for a paint that came after the page was hidden (the tab was switched away while loading)', async () => {
  const { env, ctx, collect } = vitalsPage({ readyState: 'loading' });
  // The user switches away before anything is painted, comes back later: the first paint is then.
  env.setVisibility('hidden');
  env.setVisibility('visible');
  const late = performance.now() + 5000;
  emit('paint', [{ name: 'first-contentful-paint', startTime: late }]);
  env.setVisibility('hidden');
  expect(collect('fcp').map((r) => r.value), 'FCP points').toEqual([]);
});

it('no CLS for a page view that loaded in the background (web-vitals has no FCP for it, so no CLS)', async () => {
  const { env, ctx, collect } = vitalsPage({ visibility: 'hidden' });
  await tick();
  env.setVisibility('visible');
  env.setVisibility('hidden');
  expect(collect('fcp').map((r) => r.value), 'FCP points').toEqual([]);
  expect(collect('cls').map((r) => r.value), 'CLS points').toEqual([]);
});
