// The script-tag snippet (dist/snippet.min.js, under 1 KB brotli): paste it inline in <head>.
// It makes window.plume a call queue at once, holds errors that happen before the SDK has
// loaded, and loads the SDK without blocking the page. plume.iife.js replays the queue in
// order, with each call's original time.
//
//   plume('init', { endpoint: 'https://collector.example.com', serviceName: 'shop-web' });
//   plume('emit', { body: 'hello', severityNumber: 9 });
//   plume.onReady(function (p) { p.tracer.startSpan('…').end(); });
//
// The URL, and the integrity/crossorigin attributes for subresource integrity, are the
// arguments at the bottom; edit them there.
(function (w, d, name, src, integrity) {
  if (w[name]) return;
  var q = [];
  var p = (w[name] = function () { q.push([Date.now(), arguments]); });
  p.q = q;
  p.onReady = function (f) { p('onReady', f); };
  // At most 100 held (the SDK may never come: blocked, offline); the rest only counted.
  var early = function (e) { if (q.length < 100) q.push([Date.now(), ['error', e]]); else p.d = (p.d || 0) + 1; };
  w.addEventListener('error', early, true);
  w.addEventListener('unhandledrejection', early);
  // The SDK calls this as it takes over the listeners.
  p.off = function () {
    w.removeEventListener('error', early, true);
    w.removeEventListener('unhandledrejection', early);
  };
  var s = d.createElement('script');
  s.async = true;
  s.src = src;
  if (integrity) { s.integrity = integrity; s.crossOrigin = 'anonymous'; }
  (d.head || d.documentElement).appendChild(s);
})(window, document, 'plume', '/plume.iife.js', '');
