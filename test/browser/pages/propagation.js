// Loaded by propagation-cors.spec.ts: a page that calls an API on another origin listed in
// propagateTraceHeaderCorsUrls (?api=), with Plume (?debug for debug mode) or without it
// (?plume=0), recording Plume's warnings.
const q = new URLSearchParams(location.search);
const api = q.get('api');
window.warnings = [];
const warn = console.warn.bind(console);
console.warn = (...a) => { window.warnings.push(a.join(' ')); warn(...a); };
if (q.get('plume') !== '0') {
  const { init } = await import('/dist/browser.js');
  window.plume = init({
    endpoint: q.get('collector'), serviceName: 'propagation', debug: q.has('debug'),
    propagateTraceHeaderCorsUrls: [api], batch: { scheduledDelayMillis: 100 },
  });
}
/** What the app sees of a GET to the API: the status, or the error's name. */
window.fetchGet = (path) => fetch(api + path).then((r) => r.status, (e) => e.name);
window.xhrGet = (path) => new Promise((resolve) => {
  const x = new XMLHttpRequest();
  x.open('GET', api + path);
  x.onloadend = () => resolve(x.status);
  x.send();
});
window.ready = true;
