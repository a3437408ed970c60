// Export from the edge: a plain fetch to the collector, answered and retried like the browser's
// live path. There is no page to outlive, so no beacons and no keepalive quota; the fetch used
// is the runtime's own, taken before ours wraps it, so exports are never traced.
import type { ResolvedConfig } from '../sdk/config.js';
import { otlpUrl } from '../lib/url.js';
import { CONTENT_TYPE, createTransport, parseRetryAfter, partialRejected, type Transport } from '../transport/index.js';

const RETRYABLE = [408, 429, 502, 503, 504];

export function edgeTransport(config: ResolvedConfig, fetchImpl: () => typeof fetch): Transport {
  // A function transport (tests, vendors) is the user's business, as in browsers.
  if (typeof config.transport === 'function') return createTransport(config);
  const headers = { 'content-type': CONTENT_TYPE, ...config.headers };
  return {
    quotaBound: false,
    async live(signal, body) {
      let res: Response;
      try {
        res = await fetchImpl()(otlpUrl(config.endpoint, signal), {
          method: 'POST',
          headers,
          body: body as BodyInit,
          // A collector that never answers must not hold the isolate's export queue forever.
          signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(config.batch.exportTimeoutMillis) : undefined,
        });
      } catch {
        return { ok: false, status: 0, retryable: true, networkError: true };
      }
      let rejected = 0;
      // The body is always read: workerd keeps a request's connection open until it is.
      try {
        const answer = new Uint8Array(await res.arrayBuffer());
        if (res.ok) rejected = partialRejected(answer);
      } catch { /* the data arrived; the answer is unreadable */ }
      return {
        ok: res.ok, status: res.status, retryable: RETRYABLE.includes(res.status),
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')), rejected,
      };
    },
    // Nothing on the edge is "unloading"; the exporter never asks, and would get a refusal.
    unload: () => false,
  };
}
