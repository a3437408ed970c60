// Loaded by transparency.spec.ts, once without Plume (?plume=0) and once with it (?plume=1):
// XHR is instrumented on its prototype, so the native one exists only in a page Plume never
// touched. Every case returns what the page can observe (events in order with readyState,
// status, headers, response, thrown exceptions); the spec compares the two pages, and their
// console output. Nothing here waits a fixed time: a request is "in flight" once the server
// says it has it (/t/held), and what must not answer (/t/hold) never does.
const q = new URLSearchParams(location.search);
const other = q.get('other');
if (q.get('plume') === '1') {
  const { init } = await import('/dist/browser.js');
  window.plume = init({ endpoint: q.get('collector'), propagateTraceHeaderCorsUrls: [/\/t\//], batch: { scheduledDelayMillis: 100 } });
  // Our wrappers print as the natives (their own toString); Function.prototype.toString still tells.
  if (Function.prototype.toString.call(XMLHttpRequest.prototype.send).includes('[native code]')) throw new Error('XHR was not instrumented');
}

const EVENTS = ['readystatechange', 'loadstart', 'progress', 'load', 'error', 'abort', 'timeout', 'loadend'];
const headersOf = (x) => x.getAllResponseHeaders().split('\r\n').filter((l) => l && !/^(date|keep-alive|connection):/i.test(l)).sort();
// The echo server reports the request headers it got; traceparent is ours to add, not compared.
const clean = (text) => {
  try {
    const j = JSON.parse(text);
    if (j && j.headers) { delete j.headers.traceparent; delete j.headers.tracestate; return JSON.stringify(j); }
  } catch { /* not JSON */ }
  return text;
};
const responseOf = (x) => {
  const r = x.response;
  if (r instanceof ArrayBuffer) return { arrayBuffer: r.byteLength };
  if (r instanceof Blob) return { blob: r.size, type: r.type };
  if (r && typeof r === 'object') return { json: clean(JSON.stringify(r)) };
  return typeof r === 'string' ? clean(r) : r;
};
const thrown = (fn) => { try { fn(); return null; } catch (e) { return { name: e?.name, message: e?.message, ctor: e?.constructor?.name }; } };

/**
 * Records the events of x as `type@readyState`, except while the body arrives: how many
 * readystatechange (LOADING) and progress events fire then depends on how the response is cut
 * into chunks, which is the network's doing (a CI run in Firefox saw a blob response in two
 * progress events natively and in one with Plume). Such a run is one { body: [...] } entry
 * naming the kinds of event it held.
 */
function watch(x, log, withProps) {
  for (const type of EVENTS) {
    const fn = () => {
      const s = `${type}@${x.readyState}`;
      const kind = type === 'progress' ? type : s === 'readystatechange@3' ? s : undefined;
      const last = log.at(-1);
      if (!kind) log.push(s);
      else if (typeof last === 'object') { if (!last.body.includes(kind)) last.body = [...last.body, kind].sort(); }
      else log.push({ body: [kind] });
    };
    if (withProps) x[`on${type}`] = fn; else x.addEventListener(type, fn);
  }
}
/** A new XHR whose events go to the returned log. */
function watched(withProps) {
  const x = new XMLHttpRequest();
  const log = [];
  watch(x, log, withProps);
  return [x, log];
}
/** A synchronous GET: what it threw, and what the object shows after. */
function syncGet(url) {
  const [x, log] = watched();
  x.open('GET', url, false);
  return { threw: thrown(() => x.send()), ...snapshot(x, log) };
}
// After loadend, and the tasks already queued behind it (a late event would be among them).
const settled = (x) => new Promise((r) => x.addEventListener('loadend', () => setTimeout(r, 0)));
// (A held request's id differs between the two pages: not compared.)
const snapshot = (x, log) => ({ events: log, readyState: x.readyState, status: x.status, statusText: x.statusText, responseURL: x.responseURL.replace(/id=[^&]*/, 'id=…'), headers: headersOf(x), response: responseOf(x) });

/** One request: open, optional setup, send, wait for loadend; what the caller saw. */
async function request(method, url, { body = null, setup, props = false, responseType } = {}) {
  const [x, log] = watched(props);
  x.open(method, url);
  if (responseType) x.responseType = responseType;
  setup?.(x);
  const done = settled(x);
  const threw = thrown(() => x.send(body));
  await done;
  return { threw, ...snapshot(x, log) };
}
let held = 0;
const RUN = Math.random().toString(36).slice(2);
/** A URL the server holds unanswered, and a promise that resolves once the server has the request. */
function hold(c) {
  const id = `${RUN}-${++held}`;
  return [`/t/hold?id=${id}&case=${c}`, () => fetch(`/t/held?id=${id}`).then((r) => r.text())];
}

const CASES = {
  'GET, listeners': () => request('GET', '/t/echo?case=get'),
  'GET, on* properties': () => request('GET', '/t/echo?case=props', { props: true }),
  'POST with a body and request headers': () => request('POST', '/t/echo?case=post', { body: 'payload', setup: (x) => { x.setRequestHeader('x-a', '1'); x.setRequestHeader('content-type', 'text/plain'); } }),
  "the caller's own traceparent is kept": async () => {
    const x = new XMLHttpRequest();
    x.open('GET', '/t/echo?case=own-traceparent');
    x.setRequestHeader('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const done = settled(x);
    x.send();
    await done;
    return JSON.parse(x.responseText).headers.traceparent;
  },
  "responseType 'json'": () => request('GET', '/t/echo?case=json', { responseType: 'json' }),
  // (not from the echo: its body would include our traceparent)
  "responseType 'arraybuffer'": () => request('GET', '/t/stream?case=ab', { responseType: 'arraybuffer' }),
  "responseType 'blob'": () => request('GET', '/t/stream?case=blob', { responseType: 'blob' }),
  'overrideMimeType': () => request('GET', '/t/status/404?case=mime', { setup: (x) => x.overrideMimeType('text/x-mine') }),
  '404': () => request('GET', '/t/status/404?case=404'),
  '500 with body': () => request('GET', '/t/status/500?case=500'),
  'redirect followed': () => request('GET', '/t/redirect?case=redirect'),
  'streamed response': () => request('GET', '/t/stream?case=stream'),
  'network error (refused port)': () => request('GET', 'http://127.0.0.1:9/?case=refused'),
  'CORS error (no Access-Control-Allow-Origin)': () => request('GET', `${other}/nocors?case=cors`),
  // Cross-origin with CORS, not propagated to: a Server-Timing the response does not expose
  // must not be asked for (Chromium logs "Refused to get unsafe header" for that), and one it
  // exposes is read (the span's link, checked by the spec).
  'CORS allowed, Server-Timing not exposed': () => request('GET', `${other}/cors?case=cors-hidden`),
  'CORS allowed, Server-Timing exposed': () => request('GET', `${other}/cors?expose=1&case=cors-exposed`),
  'withCredentials, CORS error': () => request('GET', `${other}/nocors?case=cred`, { setup: (x) => { x.withCredentials = true; } }),
  'upload listeners on a POST': async () => {
    const up = [];
    const r = await request('POST', '/t/echo?case=upload', { body: 'x'.repeat(100_000), setup: (x) => { for (const t of ['loadstart', 'load', 'loadend']) x.upload.addEventListener(t, () => up.push(t)); } });
    return { ...r, response: r.response.length, upload: up };
  },
  'abort() during the request': async () => {
    const [x, log] = watched();
    const [url, arrived] = hold('abort');
    x.open('GET', url);
    const done = settled(x);
    x.send();
    await arrived();
    x.abort();
    await done;
    return snapshot(x, log);
  },
  'abort() before send()': async () => {
    const [x, log] = watched();
    x.open('GET', '/t/echo?case=abort-first');
    x.abort();
    const done = settled(x);
    const threw = thrown(() => x.send());
    await done;
    return { threw, ...snapshot(x, log) };
  },
  'timeout': () => request('GET', hold('timeout')[0], { setup: (x) => { x.timeout = 50; } }),
  'synchronous GET': () => syncGet('/t/echo?case=sync'),
  'synchronous request to a refused port throws': () => syncGet('http://127.0.0.1:9/?case=sync-refused'),
  'send() twice throws InvalidStateError': async () => {
    const x = new XMLHttpRequest();
    x.open('GET', '/t/slow?case=twice');
    const done = settled(x);
    x.send();
    const second = thrown(() => x.send());
    await done;
    return { second, status: x.status };
  },
  'send() before open() throws': () => thrown(() => new XMLHttpRequest().send()),
  'setRequestHeader() before open() throws': () => thrown(() => new XMLHttpRequest().setRequestHeader('x-a', '1')),
  'open() with a forbidden method throws': () => thrown(() => new XMLHttpRequest().open('TRACE', '/t/echo')),
  'open() with an invalid method throws': () => thrown(() => new XMLHttpRequest().open('BAD METHOD', '/t/echo')),
  'open() with an invalid URL throws': () => thrown(() => new XMLHttpRequest().open('GET', 'http://[::1')),
  'wrong this: send on a plain object': () => thrown(() => XMLHttpRequest.prototype.send.call({})),
  'wrong this: open on a plain object': () => thrown(() => XMLHttpRequest.prototype.open.call({}, 'GET', '/t/echo')),
  'unknown method': () => request('PURGE', '/t/echo?case=purge'),
  'names and lengths of the methods': () => ['open', 'send', 'setRequestHeader'].map((m) => [XMLHttpRequest.prototype[m].name, XMLHttpRequest.prototype[m].length]),
  // Pages (and other SDKs) tell natives from polyfills by their source text.
  'the methods print as the natives': () => ['open', 'send', 'setRequestHeader'].map((m) => String(XMLHttpRequest.prototype[m])),
  'one object reused for three requests': async () => {
    const [x, log] = watched();
    const out = [];
    for (const path of ['/t/echo?case=reuse-1', '/t/status/404?case=reuse-2', '/t/echo?case=reuse-3']) {
      x.open('GET', path);
      const done = settled(x);
      x.send();
      await done;
      out.push(x.status);
    }
    return { statuses: out, events: log };
  },
  'open() again while the first request is in flight': async () => {
    const [x, log] = watched();
    const [url, arrived] = hold('reopen-1');
    x.open('GET', url);
    x.send();
    await arrived(); // in flight: the server has it (and never answers it)
    x.open('GET', '/t/echo?case=reopen-2');
    const done = settled(x);
    x.send();
    await done;
    return snapshot(x, log);
  },
  'the next request sent from onloadend': async () => {
    const x = new XMLHttpRequest();
    const statuses = [];
    await new Promise((resolve) => {
      x.onloadend = () => {
        statuses.push(x.status);
        if (statuses.length === 1) { x.open('GET', '/t/status/404?case=chain-2'); x.send(); } else setTimeout(resolve, 20);
      };
      x.open('GET', '/t/echo?case=chain-1');
      x.send();
    });
    return statuses;
  },
};

window.caseNames = Object.keys(CASES);
window.runCase = (name) => CASES[name]();
