// XMLHttpRequest: a CLIENT span from send() to loadend, traceparent where allowed. We add
// our own listeners (once per object, however often it is reused) and one request header;
// the page's handlers, properties, events and exceptions are untouched.
import { guard } from '../lib/diag.js';
import { printsAs } from '../lib/native.js';
import { errorTypeOf, httpClient, type ClientRequest } from './http-client.js';
import type { Instrumentation } from './types.js';

// A server-timing line in getAllResponseHeaders() (names come lower-cased, one per line).
const SERVER_TIMING = /(^|\n)server-timing:/i;

interface XhrState { method: string; url: unknown; headers: Set<string>; req?: ClientRequest; errorType?: string }

export const xhrInstrumentation = (): Instrumentation => ({
  name: 'xhr',
  install(ctx) {
    if (typeof XMLHttpRequest !== 'function') return;
    const proto = XMLHttpRequest.prototype;
    const { open, send, setRequestHeader } = proto;
    const start = httpClient(ctx, 'plume.xhr', 'xhr');
    const states = new WeakMap<XMLHttpRequest, XhrState>();

    // How the request's span ends, read now: DONE with its status after loadend, not done when
    // open() cancels it in flight (which fires no event).
    const ending = (xhr: XMLHttpRequest, s: XhrState): (() => void) | undefined => {
      const req = s.req;
      if (!req) return undefined;
      const done = xhr.readyState === 4;
      const errorType = s.errorType ?? (done ? undefined : 'abort');
      // A failed request's response is a network error (status 0), though Firefox may still
      // show the status of a response it then aborted.
      const status = done && !errorType ? xhr.status : 0;
      // Only a header the response exposes is asked for: for any other Chromium logs "Refused
      // to get unsafe header" to the page's console (a try cannot stop that), on every
      // cross-origin request whose server does not expose Server-Timing.
      let timing: string | null = null;
      try { if (SERVER_TIMING.test(xhr.getAllResponseHeaders())) timing = xhr.getResponseHeader('server-timing'); } catch { /* not readable */ }
      return () => { if (s.req === req) { s.req = undefined; req.end(status, errorType, timing); } };
    };

    // Methods, as the native ones are: names that survive minifiers, no constructors, and the
    // same length (declared parameters) as the originals.
    const patched = {
      open(this: XMLHttpRequest, method: string, url: string | URL) {
        // Read before the original runs: a page's loadend handler may open the next request
        // before our listener has seen the last one end, and open() resets status.
        const end = guard(() => { const s = states.get(this); return s && ending(this, s); });
        // When the original throws (bad method or URL), nothing of ours changes.
        const r = open.apply(this, arguments as unknown as Parameters<typeof open>);
        guard(() => {
          end?.();
          const s = states.get(this);
          if (s) {
            s.method = method;
            s.url = url;
            s.headers = new Set();
          } else {
            const st: XhrState = { method, url, headers: new Set() };
            states.set(this, st);
            // A request's error, abort and timeout fire once it is DONE (XHR spec, request error
            // steps). Firefox also fires a late abort for an abort() before send(), while the
            // request sent after it is still running: that one is not this request's.
            const mark = (e: Event) => { if (this.readyState === 4) st.errorType = e.type; };
            for (const type of ['error', 'abort', 'timeout']) this.addEventListener(type, mark);
            // Not DONE here means a listener before ours has opened the next request already
            // (and ended this one's span): the request now open is not the one that ended.
            this.addEventListener('loadend', () => guard(() => { if (this.readyState === 4) ending(this, st)?.(); }));
          }
        });
        return r;
      },

      setRequestHeader(this: XMLHttpRequest, name: string, value: string) {
        guard(() => states.get(this)?.headers.add(String(name).toLowerCase()));
        return setRequestHeader.call(this, name, value);
      },

      send(this: XMLHttpRequest) {
        let mine: XhrState | undefined;
        guard(() => {
          const s = states.get(this);
          // Only an opened request not yet sent; a second send() throws in the original.
          if (!s || s.req || this.readyState !== 1) return;
          const req = start(s.method, s.url);
          if (!req) return;
          if (req.headers) {
            // The caller's own trace headers win (with its traceparent, no tracestate of ours).
            const own = s.headers.has('traceparent');
            for (const k in req.headers) if (!s.headers.has(k) && !(own && k === 'tracestate')) setRequestHeader.call(this, k, req.headers[k]);
          }
          s.errorType = undefined;
          s.req = req;
          mine = s;
        });
        try {
          return send.apply(this, arguments as unknown as Parameters<typeof send>);
        } catch (e) {
          // A synchronous request that fails throws and fires no loadend.
          guard(() => { if (mine?.req) { mine.errorType ??= errorTypeOf(e); ending(this, mine)?.(); } });
          throw e;
        }
      },
    };
    printsAs(patched.open, open);
    printsAs(patched.send, send);
    printsAs(patched.setRequestHeader, setRequestHeader);
    Object.assign(proto, patched);

    return () => {
      proto.open = open;
      proto.send = send;
      proto.setRequestHeader = setRequestHeader;
    };
  },
});
