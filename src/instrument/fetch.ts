// fetch(): a CLIENT span per request, traceparent where allowed, and transparent (see
// tracedFetch). The edge wrapper uses the same tracedFetch.
import { guard } from '../lib/diag.js';
import { printsAs } from '../lib/native.js';
import { errorTypeOf, httpClient, type ClientRequest } from './http-client.js';
import type { Instrumentation } from './types.js';

/** A copy of init with our headers added; undefined when that cannot be done safely. */
export function withHeaders(input: unknown, init: unknown, add: Record<string, string>): RequestInit | undefined {
  if (init !== undefined && (init === null || typeof init !== 'object')) return undefined;
  const proto = init === undefined ? null : Object.getPrototypeOf(init);
  // An init that is not a plain object (a Request, a class instance) may carry getters a
  // spread would lose: leave such calls alone.
  if (proto !== null && proto !== Object.prototype) return undefined;
  const given = init as RequestInit | undefined;
  const source = given?.headers !== undefined ? given.headers : typeof Request === 'function' && input instanceof Request ? input.headers : undefined;
  const headers = new Headers(source as HeadersInit | undefined);
  let changed = false;
  // The caller's own trace headers win; with its own traceparent, our tracestate (vendor
  // data of another trace) stays out too.
  const own = headers.has('traceparent');
  for (const k in add) {
    if (!headers.has(k) && !(own && k === 'tracestate')) { headers.set(k, add[k]); changed = true; }
  }
  if (!changed) return undefined;
  // fetch(request) with an init resets the request's referrer and its policy (Fetch, the
  // Request constructor, "if init is not empty"): carried over, a no-referrer request stays one.
  const keep = typeof Request === 'function' && input instanceof Request && (!given || !Object.keys(given).length)
    ? { referrer: input.referrer, referrerPolicy: input.referrerPolicy } : undefined;
  return { ...keep, ...given, headers };
}

/** Per call: how to start the CLIENT span, and who wants to know when the request settles. */
export interface FetchHooks {
  start: (method: unknown, target: unknown) => ClientRequest | undefined;
  watch?: (settled: Promise<unknown>) => void;
}

/**
 * A fetch that traces through `hooks` (asked at each call) and otherwise is `original`: the
 * caller gets the very promise the original returned, so responses, errors, aborts, streams
 * and redirects are untouched; we only watch it. Anything of ours that throws is caught and
 * the request goes out as if we were not there.
 */
export function tracedFetch(original: typeof fetch, hooks: () => FetchHooks | undefined): typeof fetch {
  // A method, as native functions are: its name 'fetch' survives minifiers (a property key),
  // it is no constructor and has no prototype; one declared parameter makes length 1.
  return printsAs({ fetch(this: unknown, input: RequestInfo | URL): Promise<Response> {
    const init = arguments[1] as RequestInit | undefined;
    let req: ClientRequest | undefined;
    let h: FetchHooks | undefined;
    let args: [RequestInfo | URL, RequestInit?] | IArguments = arguments;
    // fetch() with no argument rejects in the original; it must get exactly that call.
    if (arguments.length) guard(() => {
      h = hooks();
      if (!h) return;
      const method = init && typeof init === 'object' && init.method !== undefined ? init.method
        : typeof Request === 'function' && input instanceof Request ? input.method : 'GET';
      req = h.start(method, input);
      if (req?.headers) {
        const next = withHeaders(input, init, req.headers);
        if (next) args = [input, next];
      }
    });
    if (!req) return original.apply(this, arguments as unknown as [RequestInfo | URL, RequestInit?]);
    const r = req;
    let p: Promise<Response>;
    try {
      p = original.apply(this, args as unknown as [RequestInfo | URL, RequestInit?]);
    } catch (e) {
      // The original threw synchronously (a wrong `this`): so do we, unchanged.
      guard(() => r.end(0, errorTypeOf(e)));
      throw e;
    }
    // A side chain that handles both outcomes: the caller's promise is the original one.
    const watched = Promise.resolve(p).then(
      // Opaque (no-cors) responses have status 0: not an error, just unknown.
      (res) => guard(() => r.end(res.status, undefined, res.headers.get('server-timing'))),
      (e) => guard(() => r.end(0, errorTypeOf(e))),
    );
    if (h?.watch) guard(() => h!.watch!(watched));
    return p;
  } }.fetch as typeof fetch, original);
}

export const fetchInstrumentation = (): Instrumentation => ({
  name: 'fetch',
  install(ctx) {
    const g = globalThis as { fetch?: typeof fetch };
    const original = g.fetch;
    if (typeof original !== 'function') return;
    const hooks = { start: httpClient(ctx, 'plume.fetch', 'fetch') };
    const wrapped = tracedFetch(original, () => hooks);
    g.fetch = wrapped;
    return () => { if (g.fetch === wrapped) g.fetch = original; };
  },
});
