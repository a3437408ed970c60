// Web Vitals from the web-vitals library, as histograms browser.web_vital.{lcp,cls,inp,fcp,ttfb}
// (milliseconds; CLS is unitless) with `rating` and the route (`url.path`) they belong to.
// They are reported when final: on hide, on bfcache restore, and on soft navigations where
// the engine reports them (web-vitals' reportSoftNavs). A vital an engine cannot measure is
// not reported, never faked; debug mode says which.
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { debugWarn, guard, W_UNSUPPORTED } from '../lib/diag.js';
import type { Instrumentation } from './types.js';

const MS_BUCKETS = [100, 250, 500, 800, 1000, 1500, 1800, 2000, 2500, 3000, 4000, 5000, 8000, 10000, 20000];
const INP_BUCKETS = [16, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 2000, 5000];
const CLS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2];

// The entry type each vital needs (web-vitals silently reports nothing without it).
const NEEDS: Record<string, string> = { LCP: 'largest-contentful-paint', CLS: 'layout-shift', INP: 'event', FCP: 'paint', TTFB: 'navigation' };

export const webVitalsInstrumentation = (): Instrumentation => ({
  name: 'webVitals',
  install(ctx) {
    if (typeof window !== 'object' || typeof PerformanceObserver !== 'function') return;
    const meter = ctx.core.getMeter('plume.web-vitals');
    const make = (name: string, unit: string, b: number[]) => meter.createHistogram(`browser.web_vital.${name}`, {
      unit, description: `Web Vital ${name.toUpperCase()}`, advice: { explicitBucketBoundaries: b },
    });
    const h: Record<string, ReturnType<typeof make>> = {
      LCP: make('lcp', 'ms', MS_BUCKETS), FCP: make('fcp', 'ms', MS_BUCKETS), TTFB: make('ttfb', 'ms', MS_BUCKETS),
      INP: make('inp', 'ms', INP_BUCKETS), CLS: make('cls', '1', CLS_BUCKETS),
    };
    const supported = (PerformanceObserver as unknown as { supportedEntryTypes?: readonly string[] }).supportedEntryTypes ?? [];
    const report = (m: Metric) => guard(() => {
      let path = location.pathname;
      try { if (m.navigationURL) path = new URL(m.navigationURL, location.href).pathname; } catch { /* keep the current path */ }
      h[m.name].record(m.value, { rating: m.rating, 'url.path': path, 'browser.navigation.type': m.navigationType });
      // Reported while the page is being hidden: send now, there may be no later chance.
      if (document.visibilityState === 'hidden') ctx.core.flushUnloading();
    });
    const opts = { reportSoftNavs: true };
    for (const [name, on] of [['LCP', onLCP], ['CLS', onCLS], ['INP', onINP], ['FCP', onFCP], ['TTFB', onTTFB]] as const) {
      if (!supported.includes(NEEDS[name])) {
        debugWarn(W_UNSUPPORTED, `${name} is not reported: this engine has no '${NEEDS[name]}' performance entries`);
        continue;
      }
      guard(() => (on as (cb: (m: Metric) => void, o?: object) => void)(report, opts));
    }
  },
});
