// The page under test for sdk-e2e.spec.ts: Plume with every instrumentation on, then a
// scripted tour of everything it instruments. Parameters come in the query string.
import { init, SpanKind } from '/dist/browser.js';

const q = new URLSearchParams(location.search);
const collector = q.get('collector');
const other = q.get('other'); // a second origin: one allow-listed for traceparent, one not
const plume = init({
  endpoint: collector,
  serviceName: 'e2e-web', serviceVersion: '9.9.9', environment: 'test',
  propagateTraceHeaderCorsUrls: [new RegExp(`^${other.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/allowed`)],
  batch: { scheduledDelayMillis: 200 },
  debug: q.has('debug'),
});
window.plume = plume;

const echo = async (url, init) => (await fetch(url, init)).json();
const xhr = (url) => new Promise((resolve) => {
  const r = new XMLHttpRequest();
  r.open('GET', url);
  r.onload = () => resolve(JSON.parse(r.responseText));
  r.send();
});

window.tour = async () => {
  const out = {};
  out.sameOrigin = await echo('/api/echo?fetch=1');
  out.allowed = await echo(`${other}/allowed/echo`);
  out.notAllowed = await echo(`${other}/other/echo`);
  out.xhr = await xhr('/api/echo?xhr=1');
  out.notFound = (await fetch('/api/missing')).status;
  try { await fetch('http://127.0.0.1:9/unreachable'); } catch (e) { out.networkError = e.name; }

  // A manual span around a request: the fetch span is its child. Zone-free context lasts for
  // the synchronous part of the callback: the log and the fetch call come before the await.
  await plume.tracer.startActiveSpan('checkout', { kind: SpanKind.INTERNAL, attributes: { 'cart.items': 3 } }, async (span) => {
    plume.logger.emit({ severityNumber: 9, severityText: 'INFO', body: 'checkout started' });
    plume.meter.createHistogram('cart.value').record(42.5, { currency: 'EUR' });
    const pending = echo('/api/echo?in-span=1');
    out.inSpan = await pending;
    span.end();
  });

  // A SPA route change, and a request it makes. A request from before it that ends while the
  // route's own is still out must not end the route.
  const early = echo('/api/echo?early=1&delay=300');
  history.pushState({}, '', '/cart?step=2');
  out.routeFetch = await echo('/api/echo?route=1&delay=700');
  await early;

  // Errors: thrown in a timer, an unhandled rejection, a broken image. Waited for as events
  // (our listeners come after Plume's, so it has recorded each), not for a fixed time: the
  // page is left right after the tour.
  const seen = (type, test) => new Promise((r) => addEventListener(type, (e) => { if (test(e)) r(); }, true));
  const errors = Promise.all([
    seen('error', (e) => String(e.message).includes('tour: thrown from a timer')),
    seen('unhandledrejection', (e) => String(e.reason?.message).includes('tour: unhandled rejection')),
    seen('error', (e) => e.target instanceof HTMLImageElement),
  ]);
  setTimeout(() => { throw new TypeError('tour: thrown from a timer'); });
  Promise.reject(new RangeError('tour: unhandled rejection'));
  const img = document.createElement('img');
  img.src = '/missing-image.png';
  document.body.append(img);
  await errors;
  out.session = plume.tracer.startSpan('probe').spanContext();
  return out;
};
