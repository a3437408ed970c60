// Web Vitals as histograms browser.web_vital.{lcp,cls,inp,fcp,ttfb} (milliseconds; CLS is
// unitless) with `rating` and the route (`url.path`) they belong to, and each report also as
// the semantic conventions' browser.web_vital event (a log record: browser.web_vital.name,
// value, delta, id, rating, navigation_type), one metric instance per vital and page view as
// web-vitals has them (a CLS or INP reported again carries the change as its delta).
//
// Measured the way the web-vitals library does (its definitions and thresholds; the browser
// suite compares our values with web-vitals' own on the same page), in a fraction of its
// weight: web-vitals was 8.7 KB of 67 KB minified, too much for a 16 KB budget. Laid out as
// web-vitals is: one file per metric (ttfb, fcp, lcp, cls, inp), the observers and page
// helpers they share in src/lib/; README.md here says which web-vitals this follows, file by
// file, and where Plume differs. This entry owns what is Plume's: the page view, the order of
// what happens when the page is hidden, a route changes or the back/forward cache restores the
// page, and the reporting into histograms and events.
//  - TTFB is reported once the page has loaded, FCP at once, LCP at the first input or hide;
//    CLS and INP when the page is hidden (again at a later hide only if they changed; CLS only
//    after a first paint) and, for SPAs, when the route changes (then measured afresh for the
//    new route).
//  - The page load's vitals (TTFB, FCP, LCP, and CLS and INP until the first route change)
//    carry the path the page loaded with: a deep link that the app replaces (an unknown route
//    sent to '/') is still the load of that link. A route change before the first paint is
//    such a start-up redirect, not a new page view: nothing has been shown yet.
// A vital an engine cannot measure (no such entry type) is not reported, never faked; debug
// mode says which.
import { activationStart, sinceActivation } from '../../lib/activation.js';
import { onRestore } from '../../lib/bfcache.js';
import { now } from '../../lib/clock.js';
import { guard } from '../../lib/diag.js';
import { watchHidden } from '../../lib/first-hidden.js';
import { listener } from '../../lib/listen.js';
import type { Entry, Observers } from '../../lib/observe.js';
import { onRouteChange } from '../../lib/route-change.js';
import { rating } from '../../lib/vital-rating.js';
import { ROOT_CONTEXT } from '../../sdk/context.js';
import type { Instrumentation } from '../types.js';
import { cls } from './cls.js';
import { fcp } from './fcp.js';
import { inp } from './inp.js';
import { lcp } from './lcp.js';
import { ttfb } from './ttfb.js';
import type { Report } from './types.js';

const MS_BUCKETS = [100, 250, 500, 800, 1000, 1500, 1800, 2000, 2500, 3000, 4000, 5000, 8000, 10000, 20000];
const INP_BUCKETS = [16, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 2000, 5000];
const CLS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2];

export const webVitalsInstrumentation = (): Instrumentation => ({
  name: 'webVitals',
  install(ctx) {
    if (typeof window !== 'object' || typeof PerformanceObserver !== 'function') return;
    const nav = performance.getEntriesByType?.('navigation')[0] as Entry | undefined;
    // The path the page loaded with: the navigation entry's URL (the app, or a late-loading
    // script tag, may have replaced location's already), else location's now.
    let loadPath = location.pathname;
    guard(() => { if (nav?.name) loadPath = new URL(nav.name).pathname; });
    let navType = nav ? (nav as PerformanceNavigationTiming).type.replace('_', '-') : 'navigate';
    const observers: Observers = [];
    const offs: (() => void)[] = [];
    const listen = listener(offs);

    // A vital is final when reported, so it is put into its histogram, and its event emitted,
    // at the next export: the meter's and the logger's code then never run while the page loads.
    const pending: [name: string, value: number, attributes: Record<string, unknown>, event: Record<string, unknown>, time: number][] = [];
    let hist: Record<string, { record(v: number, a?: Record<string, unknown>): void }> | undefined;
    const recordPending = () => {
      if (!hist) {
        const meter = ctx.core.getMeter('plume.web-vitals');
        const make = (unit: string, advice: number[]) => (name: string) => meter.createHistogram(`browser.web_vital.${name}`, {
          unit, description: `Web Vital ${name.toUpperCase()}`, advice: { explicitBucketBoundaries: advice },
        });
        const ms = make('ms', MS_BUCKETS);
        hist = {
          lcp: ms('lcp'), fcp: ms('fcp'), ttfb: ms('ttfb'), inp: make('ms', INP_BUCKETS)('inp'), cls: make('1', CLS_BUCKETS)('cls'),
        };
      }
      const logger = ctx.core.getLogger('plume.web-vitals');
      for (const [name, value, attributes, event, timestamp] of pending.splice(0)) {
        hist[name].record(value, attributes);
        logger.emit({ eventName: 'browser.web_vital', severityNumber: 9, timestamp, context: ROOT_CONTEXT, attributes: event });
      }
    };
    // Metric instances as web-vitals has them: one per vital and page view, with an id; a
    // vital reported again (CLS, INP) is the same instance, and its delta what changed. Not
    // reported again unchanged (web-vitals' bindReporter): a tab switch or a closing tab's
    // second event (visibilitychange, then pagehide) adds no duplicate point.
    let instances: Record<string, { id: string; last?: number }> = {};
    const report: Report = (name, value, path = location.pathname, send = true) => guard(() => {
      const inst = (instances[name] ??= { id: `p1-${Date.now()}-${Math.floor(Math.random() * 9e12) + 1e12}` });
      if (value === inst.last) return;
      if (!pending.length) ctx.core.exporter.atExport(recordPending);
      // A prerendered page is measured from its activation (lib/activation.ts).
      const type = navType === 'navigate' && activationStart(nav) > 0 ? 'prerender' : navType;
      const r = rating(name, value);
      const delta = value - (inst.last ?? 0);
      inst.last = value;
      pending.push([name, value, { rating: r, 'url.path': path, 'browser.navigation.type': type }, {
        'browser.web_vital.name': name, 'browser.web_vital.value': value, 'browser.web_vital.delta': delta, 'browser.web_vital.id': inst.id,
        'browser.web_vital.rating': r, 'browser.web_vital.navigation_type': type, 'url.path': path,
      }, now()]);
      // Reported while the page is hidden (not by our own hide handler, which the page's
      // hide flush follows): send now, there may be no later chance.
      if (send && document.visibilityState === 'hidden') ctx.core.flushUnloading();
    });

    // The page view's path (the load's first).
    let path = loadPath;
    const hiddenAt = watchHidden(listen, () => {
      // Entries the observers have not been called with yet: takeRecords() hands them over
      // (and removes them), so they are measured now rather than lost. The page's hide flush
      // comes right after this listener (lib/first-hidden.ts): it takes what is reported
      // here along. LCP ends; CLS and INP are reported as they stand.
      for (const [o, fn] of observers) guard(() => { const list = o.takeRecords?.(); if (list?.length) fn(list); });
      endLcp(false);
      for (const [end] of views) end(path, false);
    });
    const startedHidden = hiddenAt() === 0;
    const loadPaint = (t: number) => (!startedHidden && t < hiddenAt() ? sinceActivation(nav, t) : undefined);
    const ttfbRestored = ttfb(nav, loadPath, listen, report);
    const [painted, hadFcp, fcpRestored] = fcp(loadPath, loadPaint, observers, report);
    const [endLcp, lcpRestored] = lcp(loadPath, startedHidden, loadPaint, listen, observers, report);
    // CLS and INP are per page view (a route change or a bfcache restore ends one, a tab switch
    // does not).
    const views = [cls(hadFcp, observers, report), inp(observers, report)];
    const startAfresh = () => {
      for (const [, reset] of views) reset();
      delete instances.cls;
      delete instances.inp;
    };

    // A page restored from the back/forward cache is a new page view, as web-vitals counts
    // them: TTFB 0 (if the load had one), and FCP and LCP the time from pageshow to the
    // restored page's first frame; CLS and INP start afresh.
    onRestore(listen, () => {
      navType = 'back-forward-cache';
      startAfresh();
      instances = {};
      ttfbRestored();
    }, (v) => {
      fcpRestored(v);
      lcpRestored(v);
    });
    // SPA route changes: CLS and INP of the route just left, then afresh for the new one.
    // Before the first paint it is a start-up redirect: the load's page view goes on.
    const check = onRouteChange(listen, () => {
      if (!painted()) return;
      const left = path;
      path = location.pathname;
      for (const [end] of views) end(left, true);
      startAfresh();
    });
    ctx.onRouteChange = check;
    return () => {
      for (const [o] of observers) o.disconnect();
      for (const off of offs) off();
      if (ctx.onRouteChange === check) ctx.onRouteChange = undefined;
    };
  },
});
