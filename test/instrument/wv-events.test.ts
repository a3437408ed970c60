// Web Vitals as the semantic conventions' browser.web_vital events (semantic-conventions PR
// #3851: log records with browser.web_vital.name, value, delta, id, rating, navigation_type),
// beside the histograms: one metric instance per vital and page view, as web-vitals has them.
import { afterEach, expect, it, vi } from 'vitest';
import { emit, tick } from './browser-env.js';
import { vitalsPage } from './vitals-page.js';

afterEach(() => vi.restoreAllMocks());

const vitals = (events: { eventName?: string; attributes?: Record<string, unknown> }[], name?: string) =>
  events.filter((e) => e.eventName === 'browser.web_vital' && (!name || e.attributes?.['browser.web_vital.name'] === name))
    .map((e) => e.attributes!);

it('each reported vital is also a browser.web_vital event with the conventions\' attributes, beside its histogram point', async () => {
  // (TTFB beyond performance.now() is no measurement: 5 ms, as early as a fresh process allows.)
  const { env, collect, events } = vitalsPage({ nav: { responseStart: 5 } });
  await tick(5);
  emit('paint', [{ name: 'first-contentful-paint', startTime: 1900 }]);
  emit('largest-contentful-paint', [{ startTime: 4200 }]);
  emit('layout-shift', [{ startTime: 100, value: 0.05, hadRecentInput: false }]);
  env.setVisibility('hidden');
  const points = collect();
  const got = vitals(events);
  expect(got.map((a) => a['browser.web_vital.name']).sort()).toEqual(['cls', 'fcp', 'lcp', 'ttfb']);
  expect(got).toHaveLength(points.length);
  expect(vitals(events, 'ttfb')[0]).toEqual({
    'browser.web_vital.name': 'ttfb', 'browser.web_vital.value': 5, 'browser.web_vital.delta': 5,
    'browser.web_vital.id': expect.stringMatching(/^p1-\d+-\d{13}$/), 'browser.web_vital.rating': 'good',
    'browser.web_vital.navigation_type': 'navigate', 'url.path': '/a',
  });
  expect(vitals(events, 'fcp')[0]['browser.web_vital.rating']).toBe('needs-improvement');
  expect(vitals(events, 'lcp')[0]['browser.web_vital.rating']).toBe('poor');
  expect(vitals(events, 'cls')[0]['browser.web_vital.rating']).toBe('good');
  const ids = got.map((a) => a['browser.web_vital.id']);
  expect(new Set(ids).size).toBe(4);
  for (const e of events.filter((x) => x.eventName === 'browser.web_vital')) expect(typeof e.timestamp).toBe('number');
});

it('a CLS reported again (hidden, shown, more shifts, hidden) is the same instance: same id, delta the change', async () => {
  const { env, collect, events } = vitalsPage();
  await tick(5);
  emit('paint', [{ name: 'first-contentful-paint', startTime: 50 }]);
  emit('layout-shift', [{ startTime: 100, value: 0.1, hadRecentInput: false }]);
  env.setVisibility('hidden');
  env.setVisibility('visible');
  emit('layout-shift', [{ startTime: 400, value: 0.05, hadRecentInput: false }]);
  env.setVisibility('hidden');
  collect();
  const cls = vitals(events, 'cls');
  expect(cls.map((a) => a['browser.web_vital.value'])).toEqual([0.1, expect.closeTo(0.15, 10)]);
  expect(cls.map((a) => a['browser.web_vital.delta'])).toEqual([0.1, expect.closeTo(0.05, 10)]);
  expect(cls[1]['browser.web_vital.id']).toBe(cls[0]['browser.web_vital.id']);
});

it('a back/forward cache restore starts new instances, navigation_type back-forward-cache', async () => {
  const { env, collect, events } = vitalsPage({ nav: { responseStart: 100 } });
  await tick(5);
  collect();
  const before = vitals(events, 'ttfb')[0];
  env.fire('pagehide', { persisted: true });
  env.fire('pageshow', { persisted: true });
  collect();
  const after = vitals(events, 'ttfb')[1];
  expect(after).toMatchObject({
    'browser.web_vital.value': 0, 'browser.web_vital.delta': 0, 'browser.web_vital.navigation_type': 'back-forward-cache',
  });
  expect(after['browser.web_vital.id']).not.toBe(before['browser.web_vital.id']);
});
