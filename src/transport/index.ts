// How one encoded request leaves: live (fetch, the answer is read so failures can be
// retried), or while the page goes away (sendBeacon; fetch keepalive where a beacon cannot
// serve: headers such as API keys, or transport 'fetch'), or through the user's function.
import { nativeFetch, nativeSendBeacon } from '../lib/native.js';
import { otlpUrl } from '../lib/url.js';
import type { ResolvedConfig, SendInfo, Signal } from '../sdk/config.js';

export const CONTENT_TYPE = 'application/x-protobuf';
/** Bytes in flight per page for sendBeacon and keepalive fetch together (Fetch spec, Chromium). */
export const KEEPALIVE_QUOTA = 65536;

export interface LiveResult {
  ok: boolean;
  status: number;
  /** Worth trying again: network errors, 408, 429, 502, 503, 504. */
  retryable: boolean;
  retryAfterMs?: number;
  /** Items the collector refused inside a 200 (partial_success). */
  rejected?: number;
  /** The request failed before any answer (a TypeError from fetch). */
  networkError?: boolean;
}

export interface Transport {
  live(signal: Signal, body: Uint8Array, items: number, keepalive: boolean): Promise<LiveResult>;
  /**
   * Queues a request as the page goes away; false when the browser refused it (quota).
   * `failed` is called if an answer comes after all and says it did not arrive (a keepalive
   * fetch, a custom function: the page may live on, hidden, to hear it).
   */
  unload(signal: Signal, body: Uint8Array, items: number, failed?: () => void): boolean;
  /** Whether unload() is bound by the keepalive quota (not for a custom function). */
  quotaBound: boolean;
}

const RETRYABLE = [408, 429, 502, 503, 504];

/** Retry-After: delta-seconds or an HTTP-date; capped at 5 minutes. */
export function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const s = Number(v);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 300_000) : undefined;
}

/**
 * rejected_* of Export*ServiceResponse.partial_success (field 1 { 1: int64 rejected }). Every
 * length is checked against the body: a garbage answer gives 0 at once, it never makes us
 * walk a length it only claims (a 6-byte body claiming 2^28 bytes froze the page for a second).
 */
export function partialRejected(body: Uint8Array): number {
  let i = 0;
  // -1 when the body ends inside the varint (or it runs past 10 bytes).
  const varint = (): number => {
    let v = 0, m = 1;
    for (let n = 0; n < 10 && i < body.length; n++) {
      const b = body[i++];
      v += (b & 0x7f) * m;
      if (!(b & 0x80)) return v;
      m *= 128;
    }
    return -1;
  };
  while (i < body.length) {
    if (varint() !== 0x0a) return 0; // only field 1 (length-delimited) is expected here
    const len = varint();
    const end = i + len;
    if (len < 0 || end > body.length) return 0;
    while (i < end) {
      const t = varint();
      if (t === 0x08) return Math.max(0, varint());
      const wire = t & 7;
      const skip = wire === 2 ? varint() : wire === 1 ? 8 : wire === 5 ? 4 : wire === 0 ? (varint(), 0) : -1;
      if (t < 0 || skip < 0) return 0;
      i += skip;
    }
    if (i !== end) return 0;
  }
  return 0;
}

async function compress(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function createTransport(config: ResolvedConfig): Transport {
  const url = (signal: Signal) => otlpUrl(config.endpoint, signal);
  const custom = typeof config.transport === 'function' ? config.transport : undefined;
  const mode = custom ? 'custom' : config.transport;
  const hasHeaders = Object.keys(config.headers).length > 0;
  const info = (signal: Signal, items: number, unloading: boolean): SendInfo =>
    ({ signal, url: config.endpoint ? url(signal) : '', items, unloading });
  const beacon = (signal: Signal, body: Uint8Array): boolean => {
    try {
      return !!nativeSendBeacon && nativeSendBeacon(url(signal), new Blob([body as BlobPart], { type: CONTENT_TYPE }));
    } catch {
      return false;
    }
  };
  const timeout = (): AbortSignal | undefined =>
    typeof AbortSignal === 'function' && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(config.batch.exportTimeoutMillis) : undefined;
  const gzip = config.gzip && typeof CompressionStream === 'function';
  const post = (signal: Signal, body: Uint8Array, keepalive: boolean, live = true, encoding?: string) => nativeFetch!(url(signal), {
    method: 'POST',
    body: body as BodyInit,
    headers: { 'content-type': CONTENT_TYPE, ...(encoding ? { 'content-encoding': encoding } : {}), ...config.headers },
    keepalive,
    credentials: 'omit',
    // A collector that never answers must not hold a request (and its memory) forever.
    signal: live ? timeout() : undefined,
  });

  return {
    quotaBound: !custom,
    async live(signal, body, items, keepalive) {
      if (custom) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          // The export timeout holds for a function too: one that never settles must not stop
          // delivery (two in flight at most) or hold flush() and shutdown() forever.
          await Promise.race([
            custom(body, signal, info(signal, items, false)),
            new Promise((_, reject) => { timer = setTimeout(reject, config.batch.exportTimeoutMillis); (timer as { unref?: () => void }).unref?.(); }),
          ]);
          return { ok: true, status: 200, retryable: false };
        } catch {
          return { ok: false, status: 0, retryable: true, networkError: true };
        } finally {
          clearTimeout(timer);
        }
      }
      // transport: 'beacon' means beacons even while the page lives (no answer, no retry).
      if (mode === 'beacon') return beacon(signal, body) ? { ok: true, status: 0, retryable: false } : { ok: false, status: 0, retryable: true };
      if (!nativeFetch) return { ok: false, status: 0, retryable: false };
      let res: Response;
      try {
        // gzip only while the page lives: compression is asynchronous, and beacons cannot say
        // Content-Encoding. The keepalive budget counts the uncompressed size, so it still holds.
        const sent = gzip ? await compress(body) : undefined;
        res = await post(signal, sent ?? body, keepalive, true, sent ? 'gzip' : undefined);
      } catch {
        return { ok: false, status: 0, retryable: true, networkError: true };
      }
      let rejected = 0;
      if (res.ok) {
        try { rejected = partialRejected(new Uint8Array(await res.arrayBuffer())); } catch { /* the data arrived; the answer is unreadable */ }
      }
      return {
        ok: res.ok, status: res.status, retryable: RETRYABLE.includes(res.status),
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')), rejected,
      };
    },
    unload(signal, body, items, failed = () => {}) {
      if (custom) {
        try { void Promise.resolve(custom(body, signal, info(signal, items, true))).catch(failed); return true; } catch { return false; }
      }
      // A refused beacon means the quota is taken: keepalive fetch shares it, so no second try.
      if (mode !== 'fetch' && !hasHeaders) return beacon(signal, body);
      if (!nativeFetch || body.length > KEEPALIVE_QUOTA) return false;
      // Headers (API keys) or transport 'fetch': keepalive fetch. It reports a full quota only
      // later, by rejecting, when the page may be gone: the sender keeps within its own count,
      // but a page's own keepalive requests can still take the quota unseen (prefer relay()).
      try {
        post(signal, body, true, false).then((r) => { if (RETRYABLE.includes(r.status)) failed(); }, failed);
        return true;
      } catch {
        return false;
      }
    },
  };
}
