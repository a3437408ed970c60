// Web Vitals as histograms browser.web_vital.{lcp,cls,inp,fcp,ttfb} (milliseconds; CLS is
// unitless) with `rating` and the route (`url.path`) they belong to, and each report also as
// the semantic conventions' browser.web_vital event (a log record: browser.web_vital.name,
// value, delta, id, rating, navigation_type), one metric instance per vital and page view as
// web-vitals has them (a CLS or INP reported again carries the change as its delta).
//
// Measured the way the web-vitals library does (its definitions and thresholds; the browser
// suite compares our values with web-vitals' own on the same page), in a fraction of its
// weight: web-vitals was 8.7 KB of 67 KB minified, too much for a 16 KB budget.
//  - TTFB: responseStart - activationStart of the navigation entry, at load.
//  - FCP: the first-contentful-paint entry; LCP: the last largest-contentful-paint before the
//    first (real) input or the page being hidden; neither for paints after the page was first
//    hidden. A prerendered page is measured from its activation. After a back/forward cache
//    restore, TTFB 0 and FCP = LCP = pageshow to the second frame.
//  - CLS: the largest session window of layout shifts without recent input (gap < 1 s,
//    window < 5 s); INP: the 98th percentile of interaction durations (of the 10 longest,
//    the one at index interactions / 50). Both are reported when the page is hidden (again
//    at a later hide only if they changed; CLS only after a first paint) and, for SPAs, when
//    the route changes (then measured afresh for the new route).
//  - The page load's vitals (TTFB, FCP, LCP, and CLS and INP until the first route change)
//    carry the path the page loaded with: a deep link that the app replaces (an unknown route
//    sent to '/') is still the load of that link. A route change before the first paint is
//    such a start-up redirect, not a new page view: nothing has been shown yet.
// A vital an engine cannot measure (no such entry type) is not reported, never faked; debug
// mode says which.
import { now } from '../lib/clock.js';
import { debugWarn, guard, W_UNSUPPORTED } from '../lib/diag.js';
import { ROOT_CONTEXT } from '../sdk/context.js';
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
    const doc = document as Document & { prerendering?: boolean };
    // A prerendered page (Speculation Rules) is measured from its activation, and is hidden
    // only in name until then (web-vitals' whenActivated and visibility watcher).
    const activation = () => nav?.activationStart ?? 0;
    // The path the page loaded with: the navigation entry's URL (the app, or a late-loading
    // script tag, may have replaced location's already), else location's now.
    let loadPath = location.pathname;
    guard(() => { if (nav?.name) loadPath = new URL(nav.name).pathname; });
    // When the page was first hidden: paints after that are not the user's experience.
    let hiddenAt = document.visibilityState === 'hidden' && !doc.prerendering ? 0 : Infinity;
    const startedHidden = hiddenAt === 0;
    let navType = nav ? (nav as PerformanceNavigationTiming).type.replace('_', '-') : 'navigate';
    const observers: [PerformanceObserver, (list: Entry[]) => void][] = [];
    const offs: (() => void)[] = [];
    const on = (target: EventTarget, type: string, fn: (e: Event) => void, opts: AddEventListenerOptions = { capture: true }) => {
      target.addEventListener(type, fn, opts);
      offs.push(() => target.removeEventListener(type, fn, opts));
    };
    // A vital is final when reported, so it is put into its histogram, and its event emitted,
    // at the next export: the meter's and the logger's code then never run while the page loads.
    const pending: [name: string, value: number, attributes: Record<string, unknown>, event: Record<string, unknown>, time: number][] = [];
    let hist: Record<string, { record(v: number, a?: Record<string, unknown>): void }> | undefined;
    const recordPending = () => {
      if (!hist) {
        const meter = ctx.core.getMeter('plume.web-vitals');
        const make = (unit: string, advice: number[]) => (name: string) => meter.createHistogram(`browser.web_vital.${name}`, { unit, description: `Web Vital ${name.toUpperCase()}`, advice: { explicitBucketBoundaries: advice } });
        const ms = make('ms', MS_BUCKETS);
        hist = { lcp: ms('lcp'), fcp: ms('fcp'), ttfb: ms('ttfb'), inp: make('ms', INP_BUCKETS)('inp'), cls: make('1', CLS_BUCKETS)('cls') };
      }
      const logger = ctx.core.getLogger('plume.web-vitals');
      for (const [name, value, attributes, event, timestamp] of pending.splice(0)) {
        hist[name].record(value, attributes);
        logger.emit({ eventName: 'browser.web_vital', severityNumber: 9, timestamp, context: ROOT_CONTEXT, attributes: event });
      }
    };
    // Metric instances as web-vitals has them: one per vital and page view, with an id; a
    // vital reported again (CLS, INP) is the same instance, and its delta what changed.
    let instances: Record<string, { id: string; last: number }> = {};
    const report = (name: string, value: number, path = location.pathname, send = true) => guard(() => {
      if (!pending.length) ctx.core.exporter.atExport(recordPending);
      const type = navType === 'navigate' && activation() > 0 ? 'prerender' : navType;
      const r = rating(name, value);
      const inst = (instances[name] ??= { id: `p1-${Date.now()}-${Math.floor(Math.random() * 9e12) + 1e12}`, last: 0 });
      const delta = value - inst.last;
      inst.last = value;
      pending.push([name, value, { rating: r, 'url.path': path, 'browser.navigation.type': type }, {
        'browser.web_vital.name': name, 'browser.web_vital.value': value, 'browser.web_vital.delta': delta, 'browser.web_vital.id': inst.id,
        'browser.web_vital.rating': r, 'browser.web_vital.navigation_type': type, 'url.path': path,
      }, now()]);
      // Reported while the page is hidden (not by our own hide handler, which the page's
      // hide flush follows): send now, there may be no later chance.
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
    // Once the page is loaded and, if it was prerendered, activated (web-vitals' whenReady).
    const whenReady = (fn: () => void): void => {
      if (doc.prerendering) on(document, 'prerenderingchange', () => whenReady(fn), { once: true, capture: true });
      else if (document.readyState !== 'complete') on(window, 'load', () => whenReady(fn), { once: true, capture: true });
      else setTimeout(fn, 0);
    };

    // TTFB, once the page has loaded, as web-vitals does: the entry is complete then, and a
    // responseStart of 0 (timing hidden, e.g. after cross-origin redirects in Safari) or beyond
    // now (an engine bug) is no measurement. Not sent on its own when the page loaded hidden
    // (a background tab is not going away): the page hide flush takes it.
    let ttfbDone = false;
    if (nav && supported.includes('navigation')) {
      whenReady(() => {
        const start = nav.responseStart ?? 0;
        if (start > 0 && start <= performance.now()) {
          ttfbDone = true;
          report('ttfb', Math.max(start - activation(), 0), loadPath, false);
        }
      });
    } else debugWarn(W_UNSUPPORTED, "TTFB is not reported: this engine has no 'navigation' performance entries");

    // Whether the page has painted (an engine without paint entries cannot tell: taken as yes).
    let fcpDone = false, painted = !supported.includes('paint');
    observe('fcp', 'paint', (list) => {
      const e = list.find((x) => x.name === 'first-contentful-paint');
      if (!e) return;
      painted = true;
      if (!startedHidden && !fcpDone && e.startTime < hiddenAt) { fcpDone = true; report('fcp', Math.max(e.startTime - activation(), 0), loadPath); }
    });

    // LCP belongs to the page load: its path is the one the page loaded with, and it stays
    // open across SPA route changes until the first input or hide (as web-vitals without
    // soft navigations): a redirect at start-up must not end it before the page has painted.
    let lcp: number | undefined;
    let lcpDone = startedHidden;
    if (!startedHidden) observe('lcp', 'largest-contentful-paint', (list) => {
      const e = list[list.length - 1];
      if (!lcpDone && e && e.startTime < hiddenAt) lcp = Math.max(e.startTime - activation(), 0);
    });
    const finalLcp = (send = true) => {
      if (lcpDone) return;
      lcpDone = true;
      if (lcp !== undefined) report('lcp', lcp, loadPath, send);
    };
    // Only real input ends it (a script's dispatched event does not stop the browser's LCP).
    for (const type of ['keydown', 'pointerdown']) on(window, type, (e) => { if (e.isTrusted) setTimeout(finalLcp, 0); });

    // CLS session windows, INP per interaction; both per page view (reset by a route change
    // or a back/forward cache restore, not by a tab switch).
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
    const hasCls = supported.includes('layout-shift');
    // What was reported for this page view: a hide reports CLS and INP again only if they
    // changed since (web-vitals' reporter), so a tab switch or a closing tab's second event
    // (visibilitychange, then pagehide) adds no duplicate point.
    let sentCls: number | undefined, sentInp: number | undefined;

    const reportClsInp = (path: string, send: boolean) => {
      // CLS only for a page view with a first paint (web-vitals, to match CrUX).
      if (hasCls && fcpDone && cls !== sentCls) report('cls', (sentCls = cls), path, send);
      const inp = longest.length ? longest[Math.min(longest.length - 1, Math.floor((interactions() - countBase) / 50))][1] : undefined;
      if (inp !== undefined && inp !== sentInp) report('inp', (sentInp = inp), path, send);
    };
    const startAfresh = () => {
      cls = win = 0;
      longest = [];
      countBase = interactions();
      sentCls = sentInp = undefined;
      delete instances.cls;
      delete instances.inp;
    };
    // The page view's path (the load's first), and the path last seen.
    let path = loadPath, seen = location.pathname;
    const onHidden = (e: Event) => {
      if (document.visibilityState !== 'hidden') return;
      if (e.type === 'visibilitychange') hiddenAt = Math.min(hiddenAt, e.timeStamp);
      // Entries the observers have not been called with yet: takeRecords() hands them over
      // (and removes them), so they are measured now rather than lost.
      for (const [o, fn] of observers) guard(() => { const pending = o.takeRecords?.(); if (pending?.length) fn(pending as Entry[]); });
      // The page's hide flush comes right after this listener: it takes these along.
      finalLcp(false);
      reportClsInp(path, false);
    };
    on(window, 'visibilitychange', onHidden);
    on(window, 'pagehide', onHidden);
    // A page restored from the back/forward cache is a new page view, as web-vitals counts
    // them: TTFB 0 (if the load had one), and FCP and LCP the time from pageshow to the second
    // animation frame after it (the first frame the restored page is painted in); CLS and
    // INP start afresh.
    on(window, 'pageshow', (e) => {
      if (!(e as PageTransitionEvent).persisted) return;
      navType = 'back-forward-cache';
      startAfresh();
      instances = {};
      if (ttfbDone) report('ttfb', 0, undefined, false);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const v = performance.now() - e.timeStamp;
        // Not for an engine that cannot measure them on a loaded page either.
        if (supported.includes('paint')) { fcpDone = true; report('fcp', v); }
        if (supported.includes('largest-contentful-paint')) report('lcp', v);
      }));
    });
    // SPA route changes: CLS and INP of the route just left, then afresh for the new one.
    // Before the first paint it is a start-up redirect: the load's page view goes on.
    const check = () => {
      if (location.pathname === seen) return;
      seen = location.pathname;
      if (!painted) return;
      const left = path;
      path = seen;
      reportClsInp(left, true);
      startAfresh();
    };
    const nav2 = (window as unknown as { navigation?: EventTarget }).navigation;
    if (nav2 && typeof nav2.addEventListener === 'function') on(nav2, 'currententrychange', check, {});
    on(window, 'popstate', check, {});
    ctx.onRouteChange = check;
    return () => {
      for (const [o] of observers) o.disconnect();
      for (const off of offs) off();
      if (ctx.onRouteChange === check) ctx.onRouteChange = undefined;
    };
  },
});
