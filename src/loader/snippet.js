// The script-tag snippet (dist/snippet.min.js, under 1 KB brotli): paste it inline in <head>.
// It makes window.plume a call queue at once, holds errors that happen before the SDK has
// loaded, and loads the SDK without blocking the page. plume.iife.js replays the queue in
// order, with each call's original time.
//
//   plume.init({ endpoint: 'https://collector.example.com', serviceName: 'shop-web' });
//   plume('emit', { body: 'hello', severityNumber: 9 });
//   plume.onReady(function (p) { p.tracer.startSpan('…').end(); });
//
// init may come at any time (after a consent banner, say): before it, calls are queued and
// early errors held, also after plume.iife.js has arrived.
//
// The last two arguments are the SDK's URL and its subresource-integrity hash ('' for none;
// with one, the script is loaded with crossorigin="anonymous"): the built file keeps them as
// arguments (rollup.config.js), so they can be edited without touching the minified body.
(function (w, d, name, src, integrity) {
  if (w[name]) return;
  var q = [];
  var p = (w[name] = function () {
    // A reference kept to the queue still works once plume.iife.js has replaced it.
    if (w[name] !== p) return w[name].apply(w, arguments);
    hold(arguments, 1000);
    // Set by plume.iife.js while it waits for init: it starts the SDK on one.
    return p.w && p.w();
  });
  p.q = q;
  p.onReady = function (f) { p('onReady', f); };
  // Before the SDK runs (not arrived yet, or waiting for init) the queue is returned: its
  // calls, onReady among them, all reach the SDK.
  p.init = function (c) { return p('init', c) || p; };
  // Bounded, as the SDK may never come (blocked, offline) or init never be called: init is
  // always kept; past the bound an error or emit is only counted.
  var hold = function (args, max) {
    if (q.length < max || args[0] == 'init') q.push([Date.now(), args]);
    else if (args[0] == 'error' || args[0] == 'emit') p.d = (p.d || 0) + 1;
  };
  // At most 100 errors held: each keeps its error, stack and target alive.
  var early = function (e) { hold(['error', e], 100); };
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
