// XMLHttpRequest: a CLIENT span from send() to loadend, traceparent where allowed. We add
// our own listeners and one request header; the page's handlers, properties and events are
// untouched.
import { guard } from '../lib/diag.js';
import { httpClient } from './http-client.js';
import type { Instrumentation } from './types.js';

interface XhrState { method: string; url: unknown; headers: Set<string> }

export const xhrInstrumentation = (): Instrumentation => ({
  name: 'xhr',
  install(ctx) {
    if (typeof XMLHttpRequest !== 'function') return;
    const proto = XMLHttpRequest.prototype;
    const { open, send, setRequestHeader } = proto;
    const start = httpClient(ctx, 'plume.xhr');
    const states = new WeakMap<XMLHttpRequest, XhrState>();

    proto.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
      guard(() => states.set(this, { method, url, headers: new Set() }));
      return open.apply(this, arguments as unknown as Parameters<typeof open>);
    } as typeof open;

    proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
      guard(() => states.get(this)?.headers.add(String(name).toLowerCase()));
      return setRequestHeader.call(this, name, value);
    };

    proto.send = function (this: XMLHttpRequest) {
      guard(() => {
        const s = states.get(this);
        // Only an opened, not yet sent request; a second send() throws in the original.
        if (!s || this.readyState !== 1) return;
        const req = start(s.method, s.url);
        if (!req) return;
        if (req.headers) {
          for (const k in req.headers) if (!s.headers.has(k)) setRequestHeader.call(this, k, req.headers[k]);
        }
        let errorType: string | undefined;
        const mark = (type: string) => () => { errorType = type; };
        this.addEventListener('error', mark('error'));
        this.addEventListener('abort', mark('abort'));
        this.addEventListener('timeout', mark('timeout'));
        this.addEventListener('loadend', () => guard(() => {
          let timing: string | null = null;
          try { timing = this.getResponseHeader('server-timing'); } catch { /* not readable */ }
          req.end(this.status, errorType, timing);
        }));
      });
      return send.apply(this, arguments as unknown as Parameters<typeof send>);
    };

    return () => {
      proto.open = open;
      proto.send = send;
      proto.setRequestHeader = setRequestHeader;
    };
  },
});
