// What fetch and XHR share: a CLIENT span with the stable HTTP semantic conventions, the
// headers to propagate (same origin and propagateTraceHeaderCorsUrls only), and the
// http.client.request.duration histogram.
//
// Trace headers to another origin make its requests preflighted, and a server whose CORS does
// not allow them fails every one: the page breaks. A request to such an origin that fails the
// way a refused preflight does is said once per origin (PLUME_W015); debug mode also checks
// each origin once (checkPropagation) and names the headers it does not allow.
import { now } from '../lib/clock.js';
import { warnOnce, W_PROPAGATION_CORS } from '../lib/diag.js';
import { once } from '../lib/once.js';
import { readOr } from '../lib/safe.js';
import { defaultPort, fullUrl, hostOf, isSameOrigin, serverTimingTraceparent, toUrl } from '../lib/url.js';
import { matchesAny } from '../sdk/config.js';
import { parseTraceparent, propagation } from '../sdk/propagation.js';
import type { Span } from '../sdk/otel-api.js';
import { SpanKind, SpanStatusCode } from '../sdk/span.js';
import { setSpan } from '../sdk/span-context.js';
import type { InstrumentationContext } from './types.js';

const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY'];
// Semantic conventions' advice for http.client.request.duration, in seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export interface ClientRequest {
  span: Span;
  /** traceparent/tracestate/baggage to add to the request, or undefined when not propagating. */
  headers?: Record<string, string>;
  end(status: number, errorType?: string, serverTiming?: string | null): void;
}

export function httpClient(ctx: InstrumentationContext, scopeName: string, which: 'fetch' | 'xhr') {
  const tracer = ctx.core.getTracer(scopeName);
  const duration = once(() => ctx.core.getMeter(scopeName).createHistogram('http.client.request.duration', {
    unit: 's', description: 'Duration of HTTP client requests.', advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  }));
  // Our exports go to <endpoint>/v1/<signal>, whatever the query: only those are ours (an
  // endpoint of '/', the site's own origin, must not make every request of the site ours).
  const endpoint = ctx.config.endpoint && `${ctx.config.endpoint.split('?')[0]}/v1/`;
  const own = ctx.config.instrumentations[which];
  const ignore = ctx.config.ignoreUrls.concat(typeof own === 'object' ? own.ignoreUrls ?? [] : []);

  /** Starts the span for a request, or returns undefined for requests we do not trace. */
  return function start(rawMethod: unknown, target: unknown): ClientRequest | undefined {
    const u = toUrl(target);
    if (!u) return undefined;
    const href = u.href;
    // Our own exports, whatever path reached fetch, are never traced.
    if ((endpoint && href.startsWith(endpoint)) || matchesAny(href, ignore)) return undefined;
    const raw = String(rawMethod ?? 'GET');
    const upper = raw.toUpperCase();
    const method = KNOWN_METHODS.includes(upper) ? upper : '_OTHER';
    const port = defaultPort(u);
    const host = hostOf(u);
    const attributes: Record<string, unknown> = {
      'http.request.method': method,
      'url.full': fullUrl(u, ctx.config.redactQueryParams),
      'server.address': host,
      'server.port': port,
    };
    // fetch and XHR send these six upper-cased, any other method as given (a lower-case patch
    // goes out so): semconv wants what was sent whenever it is not the canonical name.
    const sent = /^(delete|get|head|options|post|put)$/i.test(raw) ? upper : raw;
    if (sent !== method) attributes['http.request.method_original'] = sent;
    const parent = ctx.parentContext();
    const span = tracer.startSpan(method === '_OTHER' ? 'HTTP' : method, { kind: SpanKind.CLIENT, attributes }, parent);
    let headers: Record<string, string> | undefined;
    // The other origin trace headers go to, in a page (CORS applies), if any.
    let corsOrigin: string | undefined;
    if (isSameOrigin(u) || matchesAny(href, ctx.config.propagateTraceHeaderCorsUrls)) {
      headers = {};
      propagation.inject(setSpan(parent, span), headers);
      if (typeof document === 'object' && !isSameOrigin(u) && (u.protocol === 'http:' || u.protocol === 'https:')) {
        corsOrigin = u.origin;
        ctx.checkPropagation?.(href);
      }
    }
    const started = now();
    const ended = ctx.requestStarted();
    let done = false;
    return {
      span,
      headers,
      end(status, errorType, serverTiming) {
        if (done) return;
        done = true;
        ended();
        if (status > 0) span.setAttribute('http.response.status_code', status);
        // Client side, 4xx and 5xx are both errors (semantic conventions).
        const error = errorType ?? (status >= 400 ? String(status) : undefined);
        // A refused preflight: fetch rejects with a TypeError, XHR fires error (status 0).
        if (corsOrigin && status === 0 && (errorType === 'TypeError' || errorType === 'error')) {
          warnOnce(W_PROPAGATION_CORS, `a request to ${corsOrigin} with traceparent (propagateTraceHeaderCorsUrls) failed like a CORS error: `
            + 'its server must allow traceparent, tracestate and baggage in Access-Control-Allow-Headers (debug: true checks)');
        }
        if (error) {
          span.setAttribute('error.type', error);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        const server = parseTraceparent(serverTimingTraceparent(serverTiming));
        if (server) span.addLink({ context: server, attributes: { 'link.type': 'server' } });
        span.end();
        const m: Record<string, unknown> = { 'http.request.method': method, 'server.address': host, 'server.port': port, 'url.scheme': u.protocol.slice(0, -1) };
        if (status > 0) m['http.response.status_code'] = status;
        if (error) m['error.type'] = error;
        duration().record((now() - started) / 1000, m);
      },
    };
  };
}

/** error.type for a rejected fetch or a failed XHR: the exception's name, else its kind. */
export function errorTypeOf(e: unknown): string {
  const name = e && typeof e === 'object' ? readOr(e, 'name') : undefined;
  return typeof name === 'string' && name ? name : '_OTHER';
}
