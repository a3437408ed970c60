// Navigation: the page-load span tree from Navigation Timing, SPA route changes, bfcache
// restores. The page load continues the server's trace when the document carries one:
// <meta name="traceparent" content="00-…"> or a Server-Timing `traceparent` on the
// navigation response.
import { fromPerfTime, now } from '../lib/clock.js';
import { guard } from '../lib/diag.js';
import { printsAs } from '../lib/native.js';
import { fullUrl } from '../lib/url.js';
import { ROOT_CONTEXT, type Context } from '../sdk/context.js';
import { parseTraceparent } from '../sdk/propagation.js';
import type { Span } from '../sdk/otel-api.js';
import { SpanKind } from '../sdk/span.js';
import { getSpan, remoteSpan, setSpan } from '../sdk/span-context.js';
import type { Tracer } from '../sdk/otel-api.js';
import type { Instrumentation, InstrumentationContext } from './types.js';

// A route change is done when its requests are, after this much quiet; never later than the cap.
const SETTLE_MS = 100;
const MAX_ROUTE_MS = 10_000;

function documentParent(entry: PerformanceNavigationTiming | undefined): Context {
  let tp: string | undefined;
  const meta = typeof document === 'object' ? document.querySelector('meta[name="traceparent"]') : null;
  if (meta) tp = meta.getAttribute('content') ?? undefined;
  if (!tp && entry && Array.isArray(entry.serverTiming)) {
    tp = entry.serverTiming.find((t) => t.name === 'traceparent')?.description;
  }
  const sc = parseTraceparent(tp);
  return sc ? setSpan(ROOT_CONTEXT, remoteSpan(sc)) : ROOT_CONTEXT;
}

function pageLoad(ctx: InstrumentationContext, tracer: Tracer): void {
  const entry = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (!entry) return;
  const at = (t: number) => fromPerfTime(t);
  const u = new URL(entry.name || location.href);
  const attributes: Record<string, unknown> = {
    'url.full': fullUrl(u, ctx.config.redactQueryParams),
    'url.path': u.pathname,
    'browser.navigation.type': entry.type,
  };
  const status = (entry as PerformanceNavigationTiming & { responseStatus?: number }).responseStatus;
  if (status) attributes['http.response.status_code'] = status;
  if (entry.transferSize) attributes['http.response.size'] = entry.transferSize;
  if (entry.encodedBodySize) attributes['http.response.body.size'] = entry.encodedBodySize;
  const end = entry.loadEventEnd || entry.domComplete || entry.responseEnd;
  const root = tracer.startSpan('documentLoad', { kind: SpanKind.INTERNAL, startTime: at(entry.startTime), attributes }, documentParent(entry));
  const parent = setSpan(ROOT_CONTEXT, root);
  const child = (name: string, from: number, to: number, p: Context = parent) => {
    // Zero means "did not happen" (or hidden cross-origin): no span rather than a wrong one.
    if (!(to > 0) || !(from >= 0) || to < from) return undefined;
    const s = tracer.startSpan(name, { startTime: at(from) }, p);
    s.end(at(to));
    return s;
  };
  if (entry.redirectEnd) child('redirect', entry.redirectStart, entry.redirectEnd);
  if (entry.domainLookupEnd > entry.domainLookupStart) child('dns', entry.domainLookupStart, entry.domainLookupEnd);
  if (entry.connectEnd > entry.connectStart) {
    const connect = tracer.startSpan('connect', { startTime: at(entry.connectStart) }, parent);
    if (entry.secureConnectionStart > 0) child('tls', entry.secureConnectionStart, entry.connectEnd, setSpan(ROOT_CONTEXT, connect));
    connect.end(at(entry.connectEnd));
  }
  child('request', entry.requestStart, entry.responseStart);
  // WebKit sometimes leaves responseStart 0 (no TTFB either, for web-vitals too): then there
  // is no request/response boundary, and a response span from 0 would be wrong.
  if (entry.responseStart > 0) child('response', entry.responseStart, entry.responseEnd);
  child('domProcessing', entry.responseEnd, entry.domComplete);
  if (entry.loadEventEnd) child('load', entry.loadEventStart, entry.loadEventEnd);
  for (const [name, t] of [
    ['domInteractive', entry.domInteractive], ['domContentLoadedEventStart', entry.domContentLoadedEventStart],
    ['domContentLoadedEventEnd', entry.domContentLoadedEventEnd], ['domComplete', entry.domComplete],
  ] as const) if (t > 0) root.addEvent(name, at(t));
  root.end(at(end));
}

export const navigationInstrumentation = (): Instrumentation => ({
  name: 'navigation',
  install(ctx) {
    if (typeof window !== 'object' || typeof document !== 'object') return;
    const tracer = ctx.core.getTracer('plume.navigation');
    const off: (() => void)[] = [];
    const on = (target: EventTarget, type: string, fn: (e: Event) => void) => {
      const h = (e: Event) => guard(() => fn(e));
      target.addEventListener(type, h);
      off.push(() => target.removeEventListener(type, h));
    };

    // Page load: the timings are complete once the load event has finished, and do not change
    // after it, so the spans are made when they are exported, not while the page loads.
    const afterLoad = () => setTimeout(() => ctx.core.exporter.atExport(() => pageLoad(ctx, tracer)), 0);
    if (document.readyState === 'complete') afterLoad();
    else on(window, 'load', afterLoad);

    // Route changes.
    type Timer = ReturnType<typeof setTimeout>;
    let route: { span: Span; ctx: Context; inflight: number; timer?: Timer; cap: Timer } | undefined;
    let lastUrl = location.href;
    const endRoute = () => {
      if (!route) return;
      clearTimeout(route.timer);
      clearTimeout(route.cap);
      route.span.end();
      route = undefined;
    };
    const settle = () => {
      if (!route) return;
      clearTimeout(route.timer);
      if (route.inflight <= 0) route.timer = setTimeout(endRoute, SETTLE_MS);
    };
    const routeChanged = (trigger: string) => {
      const href = location.href;
      if (href === lastUrl) return;
      const from = new URL(lastUrl);
      lastUrl = href;
      endRoute();
      const u = new URL(href);
      const span = tracer.startSpan('routeChange', {
        root: true,
        attributes: {
          'url.full': fullUrl(u, ctx.config.redactQueryParams), 'url.path': u.pathname,
          'browser.navigation.type': trigger, 'browser.navigation.previous_path': from.pathname,
        },
      });
      route = { span, ctx: setSpan(ROOT_CONTEXT, span), inflight: 0, cap: setTimeout(endRoute, MAX_ROUTE_MS) };
      settle();
      ctx.onRouteChange?.();
    };
    ctx.ambient = () => route?.ctx;
    const prevStarted = ctx.requestStarted;
    ctx.requestStarted = () => {
      const ended = prevStarted();
      // Only the route's own requests keep it open: one from before it (or from an earlier
      // route) that ends meanwhile says nothing about this one's.
      const r = route && getSpan(ctx.parentContext()) === route.span ? route : undefined;
      if (r) { r.inflight++; clearTimeout(r.timer); }
      return () => { ended(); if (r && r === route) { r.inflight--; settle(); } };
    };

    const nav = (window as unknown as { navigation?: EventTarget & { currentEntry?: unknown } }).navigation;
    if (nav && typeof nav.addEventListener === 'function') {
      // The Navigation API sees every same-document change, whoever made it.
      on(nav, 'currententrychange', (e) => routeChanged(String((e as Event & { navigationType?: string }).navigationType ?? 'push')));
    } else {
      const h = history;
      const { pushState, replaceState } = h;
      // Methods, as the natives are (their names survive minifiers), declaring two
      // parameters as theirs do (length 2).
      const patched = {
        pushState(this: History, _data: unknown, _unused: string) {
          const r = pushState.apply(this, arguments as unknown as Parameters<History['pushState']>);
          guard(() => routeChanged('push'));
          return r;
        },
        replaceState(this: History, _data: unknown, _unused: string) {
          const r = replaceState.apply(this, arguments as unknown as Parameters<History['replaceState']>);
          guard(() => routeChanged('replace'));
          return r;
        },
      };
      Object.assign(h, { pushState: printsAs(patched.pushState, pushState), replaceState: printsAs(patched.replaceState, replaceState) });
      off.push(() => { h.pushState = pushState; h.replaceState = replaceState; });
      on(window, 'popstate', () => routeChanged('traverse'));
      on(window, 'hashchange', () => routeChanged('traverse'));
    }

    // A route change still open when the page goes away ends now, so that it leaves with the
    // last batch (window, capturing: before the flush that listens on document).
    const hidden = () => { if (document.visibilityState === 'hidden') endRoute(); };
    addEventListener('visibilitychange', hidden, true);
    addEventListener('pagehide', endRoute, true);
    off.push(() => { removeEventListener('visibilitychange', hidden, true); removeEventListener('pagehide', endRoute, true); });

    // Back/forward cache: the page comes back without loading; say so.
    on(window, 'pageshow', (e) => {
      if (!(e as PageTransitionEvent).persisted) return;
      lastUrl = location.href;
      const u = new URL(location.href);
      const span = tracer.startSpan('pageRestore', {
        root: true, startTime: now(),
        attributes: { 'url.full': fullUrl(u, ctx.config.redactQueryParams), 'url.path': u.pathname, 'browser.navigation.type': 'back_forward_cache' },
      });
      // At the first frame; hidden first (no frames then), at the hide, so it leaves with it.
      let open = true;
      const end = () => { if (open) { open = false; span.end(); removeEventListener('visibilitychange', end, true); } };
      requestAnimationFrame(end);
      addEventListener('visibilitychange', end, true);
    });

    return () => { endRoute(); for (const f of off) f(); };
  },
});
