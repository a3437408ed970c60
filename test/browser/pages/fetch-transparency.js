// Loaded by transparency.spec.ts. The native fetch is kept before Plume wraps it, so
// every case runs twice in the same page, without and with Plume, and the spec compares
// everything a caller can observe. Nothing waits a fixed time: a request is aborted once the
// server says it has it (/t/held), and one that must time out is never answered (/t/hold).
const nativeFetch = window.fetch;
const q = new URLSearchParams(location.search);
const other = q.get('other');
const { init } = await import('/dist/browser.js');
window.plume = init({ endpoint: q.get('collector'), propagateTraceHeaderCorsUrls: [/\/t\//], batch: { scheduledDelayMillis: 100 } });
if (window.fetch === nativeFetch) throw new Error('fetch was not instrumented');

async function observe(p) {
  try {
    const res = await p;
    const headers = [...res.headers].filter(([k]) => k !== 'date' && k !== 'keep-alive');
    let body;
    try { body = await res.text(); } catch (e) { body = `body error: ${e.name}: ${e.message}`; }
    // The echo server reports the headers it got; traceparent is ours to add, not compared.
    try {
      const j = JSON.parse(body);
      if (j && j.headers) { delete j.headers.traceparent; delete j.headers.tracestate; body = JSON.stringify(j); }
    } catch { /* not JSON */ }
    return { ok: res.ok, status: res.status, statusText: res.statusText, type: res.type, url: res.url, redirected: res.redirected, headers, body, bodyUsed: res.bodyUsed };
  } catch (e) {
    return { error: { name: e?.name, message: e?.message, ctor: e?.constructor?.name, isReason: e === window.__reason } };
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let held = 0;
const RUN = Math.random().toString(36).slice(2);
/** A URL the server holds unanswered, and a promise that resolves once the server has the request. */
function hold() {
  const id = `${RUN}-${++held}`;
  return [`/t/hold?id=${id}`, () => nativeFetch(`/t/held?id=${id}`).then((r) => r.text())];
}
/** f(url) with a signal, aborted (with `reason`, if given) once the request is in flight. */
async function abortedInFlight(f, ...reason) {
  const c = new AbortController();
  const [url, arrived] = hold();
  const p = f(url, { signal: c.signal });
  p.catch(() => {});
  await arrived();
  c.abort(...reason);
  return observe(p);
}
// Each case gets a fetch and returns what a caller would see.
const CASES = {
  'string URL': (f) => observe(f('/t/echo?a=1')),
  'URL object': (f) => observe(f(new URL('/t/echo?b=2', location.href))),
  'Request object with body': async (f) => {
    const req = new Request('/t/echo', { method: 'POST', body: 'payload', headers: { 'x-a': '1' } });
    const r = await observe(f(req));
    return { ...r, requestBodyUsed: req.bodyUsed };
  },
  'Request plus init overriding headers': (f) => observe(f(new Request('/t/echo', { headers: { 'x-a': 'request' } }), { headers: { 'x-b': 'init' } })),
  'headers as Headers': (f) => observe(f('/t/echo', { headers: new Headers({ 'x-h': 'headers' }) })),
  'headers as array of pairs': (f) => observe(f('/t/echo', { headers: [['x-h', 'pairs'], ['x-h', 'twice']] })),
  'headers as record': (f) => observe(f('/t/echo', { headers: { 'X-Mixed-Case': 'record' } })),
  "the caller's own traceparent is kept": (f) => f('/t/echo', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }).then((r) => r.json()).then((j) => j.headers.traceparent),
  'caller Headers object is not modified': async (f) => {
    const h = new Headers({ 'x-a': '1' });
    await f('/t/echo', { headers: h });
    return [...h];
  },
  'invalid header value rejects the same way': (f) => observe(f('/t/echo', { headers: { 'x-bad': 'a\nb' } })),
  'POST JSON body': (f) => observe(f('/t/echo', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })),
  // The multipart boundary is random, and in Firefox its length too: the boundary and the
  // Content-Length that follows from it are the only parts not compared.
  'FormData body': (f) => { const d = new FormData(); d.append('k', 'v'); return observe(f('/t/echo', { method: 'POST', body: d })).then((r) => ({ ...r, body: r.body.replace(/-{2,}[A-Za-z0-9-]+/g, 'BOUNDARY').replace(/boundary=[^"\\]+/g, 'boundary=X').replace(/"content-length":"\d+",/, '') })); },
  'streamed request body': (f) => observe(f('/t/echo', { method: 'POST', body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('chunk')); c.close(); } }), duplex: 'half' })),
  'streamed response body': async (f) => {
    const res = await f('/t/stream');
    const reader = res.body.getReader();
    const parts = [];
    for (;;) { const { done, value } = await reader.read(); if (done) break; parts.push(new TextDecoder().decode(value)); }
    return parts.join('|').replace(/\|/g, '');
  },
  'redirect followed': (f) => observe(f('/t/redirect')),
  "redirect: 'manual'": (f) => observe(f('/t/redirect', { redirect: 'manual' })),
  "redirect: 'error'": (f) => observe(f('/t/redirect', { redirect: 'error' })),
  '404': (f) => observe(f('/t/status/404')),
  '500 with body': (f) => observe(f('/t/status/500')),
  'network error (refused port)': (f) => observe(f('http://127.0.0.1:9/')),
  'CORS error (no Access-Control-Allow-Origin)': (f) => observe(f(`${other}/nocors`)),
  "no-cors gives an opaque response": (f) => observe(f(`${other}/nocors`, { mode: 'no-cors' })),
  'aborted before the call': (f) => { const c = new AbortController(); c.abort(); return observe(f('/t/slow', { signal: c.signal })); },
  'aborted during the request': (f) => abortedInFlight(f),
  'aborted with a custom reason (same object rejected)': (f) => { window.__reason = new Error('my reason'); return abortedInFlight(f, window.__reason); },
  'AbortSignal.timeout': (f) => observe(f(hold()[0], { signal: AbortSignal.timeout(50) })),
  'invalid URL': (f) => observe(f('http://[::1')),
  'unsupported scheme': (f) => observe(f('ftp://example.invalid/')),
  'wrong this: Illegal invocation, thrown the same way': async (f) => {
    try { const p = f.call({}, '/t/echo'); return { returned: typeof p?.then, settled: await observe(p) }; } catch (e) { return { threw: e.name, message: e.message }; }
  },
  'called with no arguments': (f) => observe(f()),
  'HEAD': (f) => observe(f('/t/echo', { method: 'HEAD' })),
  'unknown method': (f) => observe(f('/t/echo', { method: 'PURGE' })),
  'forbidden method': (f) => observe(f('/t/echo', { method: 'CONNECT' })),
  'keepalive request': (f) => observe(f('/t/echo', { method: 'POST', body: 'k', keepalive: true })),
  'name and length': (f) => ({ name: f.name, length: f.length }),
  // Pages (and other SDKs: Sentry's supportsNativeFetch) tell a native fetch by its text.
  'prints as the native': (f) => ({ text: f.toString(), viaString: String(f) }),
  'promise is a native Promise': (f) => { const p = f('/t/echo'); p.catch(() => {}); return { isPromise: p instanceof Promise, ctor: p.constructor.name }; },
  'response body read twice fails the same way': async (f) => {
    const res = await f('/t/echo');
    await res.text();
    try { await res.text(); return 'read twice'; } catch (e) { return `${e.name}: ${e.message}`; }
  },
  'slow response still resolves': async (f) => { await sleep(0); return observe(f('/t/slow')); },
};

window.caseNames = Object.keys(CASES);
window.runCase = async (name) => {
  window.__reason = undefined;
  const native = await CASES[name](nativeFetch);
  window.__reason = undefined;
  const plume = await CASES[name](window.fetch);
  return { native, plume };
};
