// relay(): a first-party OTLP/HTTP endpoint on the site's own origin that forwards browser
// exports to the collector. Same-origin beacons need no CORS preflight, ad blockers do not
// know the path, and API keys stay server-side (the relay adds them). Because the endpoint
// is public, it only forwards what the collector would accept anyway: POSTs of OTLP protobuf
// or JSON, within a size limit, at a bounded rate per client, and well-formed.
import { checkOtlpProtobuf, type OtlpSignal } from './otlp-walk.js';
import { untracedFetch } from './core.js';
import { otlpUrl } from '../lib/url.js';

export interface RelayOptions {
  /** The collector's OTLP/HTTP base URL; /v1/traces, /v1/metrics, /v1/logs are appended. */
  collector: string;
  /** Added to every forwarded request (API keys, tenant ids): the browser never sees them. */
  headers?: Record<string, string>;
  /** Largest body accepted, as sent and again after decompression. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Token bucket per client address, per isolate: `requests` per `perSeconds`. false turns it off. Default 100 per 10 s. */
  rateLimit?: { requests: number; perSeconds: number } | false;
  /** Where the relay is mounted. Default '/otlp' (so '/otlp/v1/traces' and so on). */
  pathPrefix?: string;
  /** Other origins allowed to post here with CORS (the site's own origin always is). */
  allowOrigins?: string[];
  /** The client address to rate-limit by. Default: cf-connecting-ip, x-real-ip, the first x-forwarded-for. */
  clientAddress?: (request: Request) => string | undefined;
  /** How long the collector may take to answer before the relay answers 504. Default 10 s. */
  timeoutMillis?: number;
  /** The fetch that reaches the collector. Default: the runtime's own (never traced). */
  fetch?: typeof fetch;
}

export type Relay = (request: Request) => Promise<Response | undefined>;

const SIGNALS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const JSON_ROOT: Record<OtlpSignal, string> = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' };
// Decompression this runtime can do, by Content-Encoding ("deflate" meaning zlib, as in HTTP).
const CODINGS: Record<string, CompressionFormat> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };
const MAX_BUCKETS = 10_000;
const TOO_LARGE = Symbol('too large');

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

function mediaType(v: string | null): string {
  return (v ?? '').split(';')[0].trim().toLowerCase();
}

async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | typeof TOO_LARGE> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > limit) {
      // Stop reading: whatever is still coming is never buffered.
      reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

/** Per-isolate token buckets, bounded in number so that many addresses cannot grow memory. */
function rateLimiter(requests: number, perSeconds: number) {
  const rate = requests / perSeconds; // tokens per second
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** 0 when allowed, else the seconds to wait. */
  return (key: string): number => {
    const t = Date.now() / 1000;
    let b = buckets.get(key);
    if (b) {
      b.tokens = Math.min(requests, b.tokens + (t - b.at) * rate);
      b.at = t;
    } else {
      if (buckets.size >= MAX_BUCKETS) {
        // Forget the oldest tenth (Map order is insertion order): at worst they start full again.
        let drop = MAX_BUCKETS / 10;
        for (const k of buckets.keys()) { buckets.delete(k); if (--drop <= 0) break; }
      }
      b = { tokens: requests, at: t };
      buckets.set(key, b);
    }
    if (b.tokens >= 1) { b.tokens -= 1; return 0; }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  };
}

function defaultClientAddress(request: Request): string | undefined {
  const h = request.headers;
  return h.get('cf-connecting-ip')?.trim() || h.get('x-real-ip')?.trim() || h.get('x-forwarded-for')?.split(',')[0].trim() || undefined;
}

export function relay(options: RelayOptions): Relay {
  if (!options || typeof options !== 'object') throw new TypeError('plume/edge: relay(options): options must be an object');
  let collector: URL;
  try {
    collector = new URL(options.collector);
  } catch {
    throw new TypeError(`plume/edge: relay(): collector ${JSON.stringify(options.collector)} is not a URL`);
  }
  if (collector.protocol !== 'http:' && collector.protocol !== 'https:') {
    throw new TypeError(`plume/edge: relay(): collector ${JSON.stringify(options.collector)} is not an http(s) URL`);
  }
  // As the SDK's endpoint: /v1/<signal> goes on the path, before the query (if any).
  const query = collector.search;
  collector.hash = collector.search = '';
  const base = collector.href.replace(/\/+$/, '') + query;
  const extra = options.headers ?? {};
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v !== 'string') throw new TypeError(`plume/edge: relay(): headers.${k} must be a string`);
  }
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  if (!(maxBody > 0)) throw new TypeError('plume/edge: relay(): maxBodyBytes must be a positive number');
  const givenPrefix = options.pathPrefix ?? '/otlp';
  if (typeof givenPrefix !== 'string' || (givenPrefix && !givenPrefix.startsWith('/'))) {
    throw new TypeError(`plume/edge: relay(): pathPrefix ${JSON.stringify(givenPrefix)} must start with "/" (or be "" for the root)`);
  }
  const prefix = givenPrefix.replace(/\/+$/, '');
  const limit = options.rateLimit === false ? undefined : options.rateLimit ?? { requests: 100, perSeconds: 10 };
  if (limit && !(limit.requests > 0 && limit.perSeconds > 0)) throw new TypeError('plume/edge: relay(): rateLimit needs requests > 0 and perSeconds > 0');
  const allowed = rateLimitOrNone(limit);
  const allowOrigins = new Set(options.allowOrigins ?? []);
  const timeout = options.timeoutMillis ?? 10_000;
  // AbortSignal.timeout() takes whole, non-negative milliseconds only: anything else would
  // throw at every forward and read as an unreachable collector.
  if (!(Number.isSafeInteger(timeout) && timeout > 0)) throw new TypeError('plume/edge: relay(): timeoutMillis must be a positive whole number of milliseconds');
  const fetchImpl = () => options.fetch ?? untracedFetch();
  const address = options.clientAddress ?? defaultClientAddress;

  /** Whether a browser on `origin` may read our answers: the site itself, or a listed origin. */
  const originAllowed = (origin: string, url: URL, request: Request): boolean => {
    if (allowOrigins.has(origin)) return true;
    let host: string;
    try { host = new URL(origin).host; } catch { return false; }
    // Behind a proxy the request URL may not carry the public host; its forwarded host does.
    return host === url.host || host === request.headers.get('x-forwarded-host');
  };

  return async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return undefined;
    const signal = SIGNALS[url.pathname.slice(prefix.length)];
    const origin = request.headers.get('origin');
    const cors: Record<string, string> = {};
    if (origin && originAllowed(origin, url, request)) {
      cors['access-control-allow-origin'] = origin;
      cors['access-control-allow-credentials'] = 'true';
      cors.vary = 'Origin';
    }
    if (!signal) return text(404, `404 not found: the relay serves ${prefix}/v1/{traces,metrics,logs}`, cors);

    if (request.method === 'OPTIONS') {
      const preflight = request.headers.get('access-control-request-method');
      // Same-origin posts never preflight; a preflight is a listed origin (or the site
      // reached under another name). Anyone else gets no CORS headers and the browser stops.
      if (preflight && cors['access-control-allow-origin']) {
        return new Response(null, {
          status: 204,
          headers: {
            ...cors,
            'access-control-allow-methods': 'POST',
            'access-control-allow-headers': 'content-type, content-encoding',
            'access-control-max-age': '86400',
          },
        });
      }
      return new Response(null, { status: 204, headers: { allow: 'POST, OPTIONS', vary: 'Origin' } });
    }
    if (request.method !== 'POST') return text(405, `405 method not allowed: ${request.method}`, { ...cors, allow: 'POST, OPTIONS' });

    const wait = allowed(address(request) ?? 'unknown');
    if (wait) return text(429, '429 too many requests', { ...cors, 'retry-after': String(wait) });

    const type = mediaType(request.headers.get('content-type'));
    const json = type === 'application/json';
    if (!json && type !== 'application/x-protobuf') {
      return text(415, '415 unsupported media type, supported: [application/json, application/x-protobuf]', cors);
    }
    const coding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
    const format = coding && coding !== 'identity' ? (Object.hasOwn(CODINGS, coding) ? CODINGS[coding] : undefined) : undefined;
    if (coding && coding !== 'identity' && (!format || typeof DecompressionStream !== 'function')) {
      return text(415, `415 unsupported content encoding: ${coding}`, cors);
    }

    const declared = Number(request.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBody) {
      request.body?.cancel().catch(() => {});
      return text(413, `413 request entity too large: ${declared} bytes, the limit is ${maxBody}`, cors);
    }
    let raw: Uint8Array | typeof TOO_LARGE;
    try {
      raw = await readLimited(request.body, maxBody);
    } catch {
      return text(400, '400 bad request: the body could not be read', cors);
    }
    if (raw === TOO_LARGE) return text(413, `413 request entity too large: the limit is ${maxBody} bytes`, cors);

    let body = raw;
    if (format) {
      let inflated: Uint8Array | typeof TOO_LARGE;
      try {
        inflated = await readLimited(new Response(raw as BodyInit).body!.pipeThrough(new DecompressionStream(format)), maxBody);
      } catch {
        return text(400, `400 bad request: the body is not valid ${coding}`, cors);
      }
      if (inflated === TOO_LARGE) return text(413, `413 request entity too large: over ${maxBody} bytes decompressed`, cors);
      body = inflated;
    }

    const problem = json ? checkJson(signal, body) : checkOtlpProtobuf(signal, body);
    if (problem) return text(400, `400 bad request: not an OTLP ${signal} export: ${problem}`, cors);

    const headers: Record<string, string> = { 'content-type': request.headers.get('content-type')! };
    // By its canonical name: collectors know gzip and deflate, not x-gzip.
    if (format) headers['content-encoding'] = format;
    Object.assign(headers, extra);
    let res: Response;
    try {
      res = await fetchImpl()(otlpUrl(base, signal), {
        method: 'POST',
        headers,
        body: raw as BodyInit,
        signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeout) : undefined,
      });
    } catch (e) {
      const timedOut = (e as { name?: string })?.name === 'TimeoutError';
      return text(timedOut ? 504 : 502, timedOut ? '504 the collector did not answer in time' : '502 the collector could not be reached', cors);
    }
    // The collector's answer, as it gave it: partial success, throttling (Retry-After) and all.
    const out: Record<string, string> = { ...cors };
    for (const h of ['content-type', 'retry-after']) {
      const v = res.headers.get(h);
      if (v) out[h] = v;
    }
    return new Response(res.body, { status: res.status, headers: out });
  };
}

function rateLimitOrNone(limit: { requests: number; perSeconds: number } | undefined): (key: string) => number {
  return limit ? rateLimiter(limit.requests, limit.perSeconds) : () => 0;
}

function checkJson(signal: OtlpSignal, body: Uint8Array): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    return `invalid JSON (${(e as Error)?.message ?? e})`;
  }
  const key = JSON_ROOT[signal];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'the body is not a JSON object';
  if (!Array.isArray((value as Record<string, unknown>)[key])) return `the top-level "${key}" array is missing`;
  return undefined;
}
