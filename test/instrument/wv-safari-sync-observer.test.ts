// Safari called a buffered PerformanceObserver's callback inside observe() itself (WebKit bug
// 247863, fixed by bug 297765 in 2025; WebKitGTK 2.50 still does), where the spec queues a
// task. web-vitals defers every observer callback by a microtask for it (its issue 277: its
// onFCP disconnected its observer from a callback that ran before the variable holding it was
// assigned). Plume does not defer (src/instrument/web-vitals/README.md): its callbacks never
// touch their observer, and each metric's state exists before its observer is made, so the
// early call must change nothing.
import { afterEach, expect, it, vi } from 'vitest';
import { webVitalsInstrumentation } from '../../src/instrument/web-vitals/index.js';
import { FakePO, fakeCtx, setupEnv } from './browser-env.js';

afterEach(() => vi.restoreAllMocks());

/** Safari before the fix: observe({ buffered: true }) calls back at once with what is buffered. */
class SafariPO extends FakePO {
  static buffer: Record<string, Record<string, unknown>[]> = {};
  observe(o: { type: string; buffered?: boolean }) {
    super.observe(o);
    const entries = SafariPO.buffer[o.type];
    if (o.buffered && entries) this.deliver(entries.map((e) => ({ entryType: o.type, duration: 0, startTime: 0, ...e })));
  }
}

it('entries delivered inside observe() (Safari) are measured as when they come a task later', async () => {
  const env = setupEnv({ nav: { responseStart: 5 } });
  SafariPO.buffer = {
    paint: [{ name: 'first-contentful-paint', startTime: 80 }],
    'largest-contentful-paint': [{ startTime: 300, size: 5000 }],
    'layout-shift': [{ startTime: 100, value: 0.05, hadRecentInput: false }],
    event: [{ name: 'pointerdown', startTime: 500, duration: 120, interactionId: 7 }],
    'first-input': [{ name: 'pointerdown', startTime: 500, duration: 120, interactionId: 7 }],
  };
  (globalThis as { PerformanceObserver?: unknown }).PerformanceObserver = SafariPO;
  const page = fakeCtx();
  webVitalsInstrumentation().install(page.ctx);
  env.setVisibility('hidden');
  const got = Object.fromEntries(['fcp', 'lcp', 'cls', 'inp'].map((n) => [n, page.collect(n).map((r) => r.value)]));
  expect(got).toEqual({ fcp: [80], lcp: [300], cls: [0.05], inp: [120] });
});
