// A tab being closed fires visibilitychange (hidden) and then pagehide, with the page hidden
// during both. web-vitals reports CLS once (bindReporter: no second report without a change).
// Plume's onHidden runs for both events and reports CLS twice: the real value, then 0.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

it('one CLS point per page view when a tab closes (visibilitychange hidden, then pagehide)', async () => {
  const { env, ctx, collect } = vitalsPage();
  await tick();
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]); // CLS is reported for page views with a first paint
  emit('layout-shift', [{ startTime: 100, value: 0.2, hadRecentInput: false }]);
  env.setVisibility('hidden');
  env.fire('pagehide', { persisted: false });
  const cls = collect('cls').map((r) => r.value);
  expect(cls).toEqual([0.2]);
});
