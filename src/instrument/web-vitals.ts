// Web Vitals as histograms browser.web_vital.{lcp,cls,inp,fcp,ttfb} (milliseconds; CLS is
// unitless) with `rating` and the route (`url.path`) they belong to.
//
// Measured the way the web-vitals library does (its definitions and thresholds; the browser
// suite compares our values with web-vitals' own on the same page), in a fraction of its
// weight: web-vitals was 8.7 KB of 67 KB minified, too much for a 16 KB budget.
//  - TTFB: responseStart - activationStart of the navigation entry, at load.
//  - FCP: the first-contentful-paint entry; LCP: the last largest-contentful-paint before the
//    first input or the page being hidden; neither if the page started hidden. After a
//    back/forward cache restore, TTFB 0 and FCP = LCP = pageshow to the second frame.
//  - CLS: the largest session window of layout shifts without recent input (gap < 1 s,
//    window < 5 s); INP: the 98th percentile of interaction durations (of the 10 longest,
//    the one at index interactions / 50). Both are reported when the page is hidden and,
//    for SPAs, when the route changes (then measured afresh for the new route).
// A vital an engine cannot measure (no such entry type) is not reported, never faked; debug
// mode says which.
import { debugWarn, guard, W_UNSUPPORTED } from '../lib/diag.js';
import type { Instrumentation } from './types.js';

const MS_BUCKETS = [100, 250, 500, 800, 1000, 1500, 1800, 2000, 2500, 3000, 4000, 5000, 8000, 10000, 20000];
const INP_BUCKETS = [16, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 2000, 5000];
const CLS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2];
// [good up to, poor above], from web.dev.
const THRESHOLDS: Record<string, [number, number]> = { lcp: [2500, 4000], fcp: [1800, 3000], ttfb: [800, 1800], cls: [0.1, 0.25], inp: [200, 500] };

type Entry = PerformanceEntry & { interactionId?: number; value?: number; hadRecentInput?: boolean; activationStart?: number; responseStart?: number };

export const rating = (name: string, v: number): string => {
  const [good, poor] = THRESHOLDS[name];
  return v <= good ? 'good' : v <= poor ? 'needs-improvement' : 'poor';
};

export const webVitalsInstrumentation = (): Instrumentation => ({
  name: 'webVitals',
  install(ctx) {
    if (typeof window !== 'object' || typeof PerformanceObserver !== 'function') return;
    const supported = (PerformanceObserver as unknown as { supportedEntryTypes?: readonly string[] }).supportedEntryTypes ?? [];
    const nav = performance.getEntriesByType?.('navigation')[0] as Entry | undefined;
    const activation = nav?.activationStart ?? 0;
    const startedHidden = document.visibilityState === 'hidden';
    let navType = nav ? (nav as PerformanceNavigationTiming).type.replace('_', '-') : 'navigate';
    const observers: [PerformanceObserver, (list: Entry[]) => void][] = [];
    // A vital is final when reported, so it is put into its histogram when the metrics are
    // collected: the meter's code then never runs while the page loads.
    const pending: [name: string, value: number, attributes: Record<string, unknown>][] = [];
    let hist: Record<string, { record(v: number, a?: Record<string, unknown>): void }> | undefined;
    const recordPending = () => {
      if (!hist) {
        const meter = ctx.core.getMeter('plume.web-vitals');
        const make = (unit: string, advice: number[]) => (name: string) => meter.createHistogram(`browser.web_vital.${name}`, { unit, description: `Web Vital ${name.toUpperCase()}`, advice: { explicitBucketBoundaries: advice } });
        const ms = make('ms', MS_BUCKETS);
        hist = { lcp: ms('lcp'), fcp: ms('fcp'), ttfb: ms('ttfb'), inp: make('ms', INP_BUCKETS)('inp'), cls: make('1', CLS_BUCKETS)('cls') };
      }
      for (const [name, value, attributes] of pending.splice(0)) hist[name].record(value, attributes);
    };
    const report = (name: string, value: number, path = location.pathname, send = true) => guard(() => {
      if (!pending.length) ctx.core.exporter.atExport(recordPending);
      pending.push([name, value, { rating: rating(name, value), 'url.path': path, 'browser.navigation.type': navType }]);
      // Reported while the page is being hidden: send now, there may be no later chance.
      if (send && document.visibilityState === 'hidden') ctx.core.flushUnloading();
    });
    const observe = (name: string, type: string, fn: (list: Entry[]) => void, opts: Record<string, unknown> = {}) => {
      if (!supported.includes(type)) {
        debugWarn(W_UNSUPPORTED, `${name.toUpperCase()} is not reported: this engine has no '${type}' performance entries`);
        return;
      }
      guard(() => {
        const o = new PerformanceObserver((l) => guard(() => fn(l.getEntries() as Entry[])));
        o.observe({ type, buffered: true, ...opts });
        observers.push([o, fn]);
      });
    };

    // TTFB, once the page has loaded, as web-vitals does: the entry is complete then, and a
    // responseStart of 0 (timing hidden, e.g. after cross-origin redirects in Safari) or beyond
    // now (an engine bug) is no measurement. Not sent on its own when the page loaded hidden
    // (a background tab is not going away): the page hide flush takes it.
    if (nav && supported.includes('navigation')) {
      const ttfb = () => {
        const start = nav.responseStart ?? 0;
        if (start > 0 && start <= performance.now()) report('ttfb', Math.max(start - activation, 0), undefined, false);
      };
      if (document.readyState === 'complete') setTimeout(ttfb, 0);
      else addEventListener('load', () => setTimeout(ttfb, 0), { once: true });
    } else debugWarn(W_UNSUPPORTED, "TTFB is not reported: this engine has no 'navigation' performance entries");

    let fcpDone = false;
    if (!startedHidden) observe('fcp', 'paint', (list) => {
      const e = list.find((x) => x.name === 'first-contentful-paint');
      if (e && !fcpDone) { fcpDone = true; report('fcp', Math.max(e.startTime - activation, 0)); }
    });

    let lcp: number | undefined;
    let lcpDone = startedHidden;
    if (!startedHidden) observe('lcp', 'largest-contentful-paint', (list) => {
      if (!lcpDone && list.length) lcp = Math.max(list[list.length - 1].startTime - activation, 0);
    });
    const finalLcp = () => {
      if (lcpDone) return;
      lcpDone = true;
      if (lcp !== undefined) report('lcp', lcp);
    };
    for (const type of ['keydown', 'pointerdown']) addEventListener(type, () => setTimeout(finalLcp, 0), { once: true, capture: true });

    // CLS session windows, INP per interaction; both reset per route.
    let cls = 0, win = 0, winStart = 0, winLast = 0;
    observe('cls', 'layout-shift', (list) => {
      for (const e of list) {
        if (e.hadRecentInput) continue;
        if (win && e.startTime - winLast < 1000 && e.startTime - winStart < 5000) win += e.value!;
        else { win = e.value!; winStart = e.startTime; }
        winLast = e.startTime;
        if (win > cls) cls = win;
      }
    });
    // INP as web-vitals estimates the 98th percentile: of the 10 longest interactions (40 ms
    // or more, or the first input), the one at index (interactions on this route) / 50. All
    // interactions count, short ones too: performance.interactionCount where the engine has it,
    // else estimated from interaction ids, which grow by 7 (web-vitals' polyfill does that).
    const perf = performance as Performance & { interactionCount?: number };
    const hasCount = typeof perf.interactionCount === 'number';
    let minId = Infinity, maxId = 0;
    const interactions = () => (hasCount ? perf.interactionCount! : maxId ? (maxId - minId) / 7 + 1 : 0);
    let countBase = interactions();
    let longest: [id: number, duration: number][] = [];
    const onEvents = (list: Entry[]) => {
      for (const e of list) {
        const id = e.interactionId;
        if (!id) continue;
        if (id < minId) minId = id;
        if (id > maxId) maxId = id;
        if (e.duration < 40 && e.entryType !== 'first-input') continue;
        const known = longest.find((x) => x[0] === id);
        if (known) known[1] = Math.max(known[1], e.duration);
        else if (longest.length < 10 || e.duration > longest[9][1]) longest.push([id, e.duration]);
        else continue;
        longest.sort((a, b) => b[1] - a[1]).splice(10);
      }
    };
    // Without interactionCount, short interactions must be seen too, to be counted.
    observe('inp', 'event', onEvents, { durationThreshold: hasCount ? 40 : 0 });
    observe('inp', 'first-input', onEvents);
    let clsSeen = supported.includes('layout-shift');

    const routeDone = (path: string) => {
      if (clsSeen) report('cls', cls, path);
      if (longest.length) report('inp', longest[Math.min(longest.length - 1, Math.floor((interactions() - countBase) / 50))][1], path);
      cls = win = 0;
      longest = [];
      countBase = interactions();
    };
    let path = location.pathname;
    const onHidden = () => {
      if (document.visibilityState !== 'hidden') return;
      // Entries the observers have not been called with yet: takeRecords() hands them over
      // (and removes them), so they are measured now rather than lost.
      for (const [o, fn] of observers) guard(() => { const pending = o.takeRecords?.(); if (pending?.length) fn(pending as Entry[]); });
      finalLcp();
      routeDone(path);
      // Reported once per page view; a page that comes back visible measures afresh.
      clsSeen = supported.includes('layout-shift');
    };
    addEventListener('visibilitychange', onHidden, true);
    addEventListener('pagehide', onHidden, true);
    // A page restored from the back/forward cache is a new page view, as web-vitals counts
    // them: TTFB 0, and FCP and LCP the time from pageshow to the second animation frame
    // after it (the first frame the restored page is painted in); CLS and INP start afresh
    // (onHidden reset them as the page went away).
    addEventListener('pageshow', (e) => {
      if (!(e as PageTransitionEvent).persisted) return;
      navType = 'back-forward-cache';
      report('ttfb', 0, undefined, false);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const v = performance.now() - e.timeStamp;
        // Not for an engine that cannot measure them on a loaded page either.
        if (supported.includes('paint')) report('fcp', v);
        if (supported.includes('largest-contentful-paint')) report('lcp', v);
      }));
    }, true);
    // SPA route changes: the vitals of the route just left.
    const check = () => {
      if (location.pathname === path) return;
      const left = path;
      path = location.pathname;
      finalLcp();
      routeDone(left);
    };
    const nav2 = (window as unknown as { navigation?: EventTarget }).navigation;
    if (nav2 && typeof nav2.addEventListener === 'function') nav2.addEventListener('currententrychange', check);
    addEventListener('popstate', check);
    ctx.onRouteChange = check;
    return () => { for (const [o] of observers) o.disconnect(); };
  },
});
