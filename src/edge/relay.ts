// relay(): a first-party OTLP/HTTP endpoint on the site's own origin that forwards browser
// exports to the collector. Same-origin beacons need no CORS preflight, ad blockers do not
// know the path, and API keys stay server-side (the relay adds them). Because the endpoint
// is public and holds the collector's key, it only forwards what the collector would accept
// anyway (POSTs of well-formed OTLP protobuf or JSON, within a size limit, read within a time
// limit, at a bounded rate per client, a bounded number at a time), it keys the rate on the
// client address the platform vouches for (never a header the client could have sent), and
// the browser gets back the collector's status, Retry-After and partial success, nothing else.
//
// With sourceMaps, exception stacks of logs and traces are symbolicated between the checks and
// the forward (symbolicate/): protobuf is checked and its stacks found in one walk, then
// rewritten in place; OTLP/JSON is parsed once, checked, symbolicated and written again. A
// body whose stacks changed goes to the collector uncompressed; any failure sends it as it came.
import {
  checkOtlpJson, checkOtlpProtobuf, findRecordAttributes, parseOtlpJson, type FoundRecord, type OtlpSignal,
} from './otlp-walk.js';
import { requestClientAddress, untracedFetch } from './core.js';
import { symbolicateOtlpJson } from './symbolicate/otlp-json.js';
import { STACK_ATTRIBUTES, symbolicateProtobufRecords } from './symbolicate/otlp-protobuf.js';
import type { Symbolicator } from './symbolicate/symbolicate.js';
import { warn, warnOnce, W_INTERNAL, W_RELAY_COLLECTOR, W_RELAY_SHARED_LIMIT, W_SYMBOLICATION } from '../lib/diag.js';
import { otlpUrl } from '../lib/url.js';
import { parseRetryAfter } from '../transport/index.js';

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
  /**
   * The client address to rate-limit by, when you know better than the runtime adapter (your
   * own proxy in front). Default: what instrument*() vouches for (see the README), else none.
   */
  clientAddress?: (request: Request) => string | undefined;
  /** How long the collector may take to answer before the relay answers 504. Default 10 s. */
  timeoutMillis?: number;
  /** How long reading the browser's body may take in all before the relay answers 408. Default 10 s. */
  bodyTimeoutMillis?: number;
  /** How long the browser's body may pause between two chunks before the relay answers 408. Default 5 s. */
  bodyIdleMillis?: number;
  /** Requests read or forwarded at once by this relay (each holds up to about 3 × maxBodyBytes); beyond it, 503. Default 16. */
  maxConcurrent?: number;
  /** The fetch that reaches the collector. Default: the runtime's own (never traced). */
  fetch?: typeof fetch;
  /**
   * Readable stack traces: `createSymbolicator({ source })`, whose private source maps make
   * every `exception.stacktrace` of log records and span events readable before it is
   * forwarded (see the README). One per isolate, like the relay; its `stats` count stacks and maps.
   */
  sourceMaps?: Symbolicator;
}

export interface RelayStats {
  /** Requests forwarded with their stacks symbolicated (sourceMaps): at least one record changed. */
  symbolicated: number;
  /** Requests forwarded as they came because symbolicating them failed as a whole (logged, PLUME_W016). */
  symbolicationFailed: number;
}

export type Relay = ((request: Request) => Promise<Response | undefined>) & { readonly stats: RelayStats };

const SIGNALS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
// Decompression this runtime can do, by Content-Encoding ("deflate" meaning zlib, as in HTTP).
const CODINGS: Record<string, CompressionFormat> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
// Client addresses remembered per relay: about 100 bytes each.
const MAX_BUCKETS = 10_000;
// A collector's success answer (partial success) is passed to the browser up to this size.
const MAX_ANSWER_BYTES = 64 * 1024;
// How much of a collector's error body goes into the log line.
const MAX_WORDS_BYTES = 1024;
// One log line per kind of collector trouble in this time; the others are counted in the next.
const LOG_EVERY_MS = 10_000;
const TOO_LARGE = Symbol('too large');
const TIMED_OUT = Symbol('timed out');
const EMPTY = new Uint8Array(0);
const NOSNIFF = { 'x-content-type-options': 'nosniff' };
// A symbolicated body larger than this many times maxBodyBytes is not forwarded (the original is).
const MAX_GROWTH = 2;

type Read = Uint8Array | typeof TOO_LARGE | typeof TIMED_OUT;

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...NOSNIFF, ...headers } });
}

/** The media type of a Content-Type and, lower-cased and unquoted, its charset parameter. */
function contentType(v: string | null): { media: string; charset?: string } {
  // What browsers and SDKs send, without parsing.
  if (v === PROTOBUF || v === JSON_TYPE) return { media: v };
  const [media, ...params] = (v ?? '').split(';');
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { media: media.trim().toLowerCase(), charset };
}

/**
 * The stream's bytes, at most `limit` of them (TOO_LARGE beyond, the rest never buffered), and
 * with `time`, within time.total in all and time.idle between chunks (TIMED_OUT otherwise).
 * Either way the stream is cancelled. Throws if the stream errors or yields anything but bytes.
 */
async function readLimited(
  stream: ReadableStream<Uint8Array> | null, limit: number, time?: { total: number; idle: number },
): Promise<Read> {
  if (!stream) return EMPTY;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = time ? Date.now() + time.total : 0;
  const stop = () => { reader.cancel().catch(() => {}); };
  try {
    for (;;) {
      if (time) {
        const left = deadline - Date.now();
        if (left <= 0) { stop(); return TIMED_OUT; }
        clearTimeout(timer);
        // A cancelled reader's pending read resolves as done: the flag tells it from the end.
        timer = setTimeout(() => { timedOut = true; stop(); }, Math.min(time.idle, left));
      }
      const { done, value } = await reader.read();
      if (timedOut) return TIMED_OUT;
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError('the body stream yielded something other than bytes');
      n += value.byteLength;
      if (n > limit) { stop(); return TOO_LARGE; }
      chunks.push(value);
    }
  } catch (e) {
    if (timedOut) return TIMED_OUT;
    stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

const inflate = (raw: Uint8Array, format: CompressionFormat, limit: number): Promise<Read> =>
  readLimited(new Response(raw as BodyInit).body!.pipeThrough(new DecompressionStream(format)), limit);

/**
 * Whether a zlib body ends where its stream ends. Some runtimes (node, hence edge-runtime)
 * stop at the end of the first stream and ignore whatever follows (junk, a second stream);
 * others refuse it. The body ends exactly at its stream's end if and only if the body
 * without its last byte is a truncated stream, which every runtime refuses.
 */
async function deflateEndsAtEnd(raw: Uint8Array, limit: number): Promise<boolean> {
  if (!raw.length) return true;
  try {
    await inflate(raw.subarray(0, raw.length - 1), 'deflate', limit);
    return false;
  } catch {
    return true;
  }
}

interface Bucket { tokens: number; at: number }

/**
 * Per-relay token buckets, by client key, at most MAX_BUCKETS of them. Only buckets that have
 * refilled completely are forgotten (a new one would start full: nothing is lost), so no
 * number of new addresses frees a client that is over its rate. When every remembered client
 * is still spending, addresses not yet seen share one overflow bucket until some refill.
 */
function rateLimiter(requests: number, perSeconds: number) {
  const rate = requests / perSeconds; // tokens per second
  const buckets = new Map<string, Bucket>(); // least recently used first
  const overflow: Bucket = { tokens: requests, at: 0 };
  const refill = (b: Bucket, t: number) => {
    b.tokens = Math.min(requests, b.tokens + (t - b.at) * rate);
    b.at = t;
  };
  const room = (t: number): boolean => {
    // A few from the front per new client: full ones go, the others to the back.
    for (let k = 0; k < 16 && buckets.size >= MAX_BUCKETS; k++) {
      const [key, b] = buckets.entries().next().value!;
      buckets.delete(key);
      refill(b, t);
      if (b.tokens < requests) buckets.set(key, b);
    }
    return buckets.size < MAX_BUCKETS;
  };
  return {
    /** Takes a token: wait is 0 when allowed, else the seconds until one is back. */
    take(key: string): { bucket: Bucket; wait: number } {
      const t = Date.now() / 1000;
      let b = buckets.get(key);
      if (b) {
        buckets.delete(key);
        buckets.set(key, b);
      } else if (room(t)) {
        b = { tokens: requests, at: t };
        buckets.set(key, b);
      } else {
        b = overflow;
      }
      refill(b, t);
      if (b.tokens >= 1) { b.tokens -= 1; return { bucket: b, wait: 0 }; }
      return { bucket: b, wait: Math.max(1, Math.ceil((1 - b.tokens) / rate)) };
    },
    /** Gives a token back: the relay refused the request itself, nothing reached the collector. */
    refund(b: Bucket) { b.tokens = Math.min(requests, b.tokens + 1); },
  };
}

const HEX4 = /^[0-9a-f]{1,4}$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The rate-limit key of a client address: IPv6 addresses by their /64 (one subscriber's
 * network: its other 2^64 addresses are not other clients), IPv4-mapped ones as IPv4.
 */
export function bucketKey(address: string): string {
  if (IPV4.test(address)) return address;
  let a = address;
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') >>> 0);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  a = a.toLowerCase();
  if (!a.includes(':')) return a.slice(0, 128);
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1];
  const halves = a.split('::');
  if (halves.length > 2) return a.slice(0, 128);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 at the end takes two groups.
  const groups = tail.length && tail[tail.length - 1].includes('.') ? tail.length + 1 : tail.length;
  const missing = 8 - head.length - groups;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return a.slice(0, 128);
  const first = head.concat(Array(Math.max(0, missing)).fill('0'), tail).slice(0, 4);
  if (!first.every((g) => HEX4.test(g))) return a.slice(0, 128);
  return `${first.map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/** An allowOrigins entry as a serialized origin (what browsers send), or undefined if it is not one. */
function serializedOrigin(o: unknown): string | undefined {
  if (typeof o !== 'string') return undefined;
  let u: URL;
  try { u = new URL(o); } catch { return undefined; }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash) return undefined;
  if (u.pathname !== '/') return undefined;
  return u.origin;
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
  const queryValues = [...collector.searchParams.values()];
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
  // A bucket holds `requests` tokens and a request takes a whole one: below 1 nothing ever passes.
  if (limit && !(Number.isSafeInteger(limit.requests) && limit.requests >= 1 && limit.perSeconds > 0 && limit.perSeconds < Infinity)) {
    throw new TypeError('plume/edge: relay(): rateLimit needs a whole number of requests >= 1 and a finite perSeconds > 0');
  }
  const limiter = limit ? rateLimiter(limit.requests, limit.perSeconds) : undefined;
  const allowOrigins = new Set<string>();
  for (const o of options.allowOrigins ?? []) {
    const origin = serializedOrigin(o);
    if (!origin) {
      throw new TypeError(`plume/edge: relay(): allowOrigins entry ${JSON.stringify(o)} is not an http(s) origin (scheme://host[:port])`);
    }
    allowOrigins.add(origin);
  }
  // Timers take whole, positive milliseconds: anything else would misfire at every request.
  const millis = (name: string, v: number | undefined, fallback: number): number => {
    const ms = v ?? fallback;
    if (!(Number.isSafeInteger(ms) && ms > 0)) {
      throw new TypeError(`plume/edge: relay(): ${name} must be a positive whole number of milliseconds`);
    }
    return ms;
  };
  const timeout = millis('timeoutMillis', options.timeoutMillis, 10_000);
  const bodyTime = {
    total: millis('bodyTimeoutMillis', options.bodyTimeoutMillis, 10_000),
    idle: millis('bodyIdleMillis', options.bodyIdleMillis, 5_000),
  };
  const maxConcurrent = options.maxConcurrent ?? 16;
  if (!(Number.isSafeInteger(maxConcurrent) && maxConcurrent >= 1)) {
    throw new TypeError('plume/edge: relay(): maxConcurrent must be a whole number >= 1');
  }
  if (options.clientAddress !== undefined && typeof options.clientAddress !== 'function') {
    throw new TypeError('plume/edge: relay(): clientAddress must be a function of the request');
  }
  const symbolicator = options.sourceMaps;
  if (symbolicator !== undefined && typeof (symbolicator as Partial<Symbolicator> | null)?.symbolicate !== 'function') {
    throw new TypeError('plume/edge: relay(): sourceMaps must be a symbolicator: createSymbolicator({ source })');
  }
  const stats: RelayStats = { symbolicated: 0, symbolicationFailed: 0 };
  const fetchImpl = () => options.fetch ?? untracedFetch();
  let active = 0;

  // Server-side log lines: the collector's own words, without the secrets it may echo.
  const secrets = Object.values(extra).concat(queryValues).filter((s) => s.length >= 4);
  const logged = new Map<string, { at: number; more: number }>();
  const log = (kind: string, message: string, code = W_RELAY_COLLECTOR): void => {
    const now = Date.now();
    const last = logged.get(kind);
    if (last && now - last.at < LOG_EVERY_MS) { last.more++; return; }
    const more = last?.more ? ` (and ${last.more} more like it since the last line)` : '';
    logged.set(kind, { at: now, more: 0 });
    let line = `relay: ${message}${more}`;
    for (const s of secrets) line = line.split(s).join('REDACTED');
    warn(code, line);
  };
  /** The first KiB of the collector's body, as a quoted string for the log line (the rest is not read). */
  const words = async (res: Response): Promise<string> => {
    const reader = res.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let n = 0;
    try {
      while (n < MAX_WORDS_BYTES) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        n += value.byteLength;
      }
    } catch {
      return ' (its body could not be read)';
    } finally {
      reader.cancel().catch(() => {});
    }
    const all = new Uint8Array(n);
    chunks.reduce((at, c) => { all.set(c, at); return at + c.byteLength; }, 0);
    const said = new TextDecoder().decode(all.subarray(0, MAX_WORDS_BYTES));
    return said ? `: ${JSON.stringify(said)}${n > MAX_WORDS_BYTES ? ' (and more)' : ''}` : '';
  };
  const discard = (res: Response) => { res.body?.cancel().catch(() => {}); };

  /** What the rate limit keys on: the address the platform vouches for, never a header as sent. */
  const clientKey = (request: Request): string => {
    const address = requestClientAddress(request, options.clientAddress);
    if (address) return bucketKey(address);
    warnOnce(W_RELAY_SHARED_LIMIT, 'relay: no client address this runtime vouches for (instrument*() not used, or not behind '
      + 'its platform\'s front end) and no clientAddress option: the rate limit is one bucket shared by every client');
    return '';
  };

  async function serve(request: Request, signal: OtlpSignal, cors: Record<string, string>): Promise<Response> {
    const type = contentType(request.headers.get('content-type'));
    const json = type.media === JSON_TYPE;
    if (!json && type.media !== PROTOBUF) {
      return text(415, `415 unsupported media type, supported: [${JSON_TYPE}, ${PROTOBUF}]`, cors);
    }
    // OTLP/JSON is UTF-8 (a charset parameter saying so is fine); protobuf has no charset.
    if (json && type.charset !== undefined && type.charset !== 'utf-8' && type.charset !== 'utf8') {
      return text(415, '415 unsupported charset: OTLP/JSON is UTF-8', cors);
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

    // Refusals above cost nothing; from here a request spends a token, given back if the relay
    // itself refuses the body (so a 400 or 413 never counts against the client's rate).
    const taken = limiter?.take(clientKey(request));
    if (taken?.wait) {
      request.body?.cancel().catch(() => {});
      return text(429, '429 too many requests', { ...cors, 'retry-after': String(taken.wait) });
    }
    const refuse = (res: Response): Response => {
      if (taken) limiter!.refund(taken.bucket);
      return res;
    };
    if (active >= maxConcurrent) {
      request.body?.cancel().catch(() => {});
      return refuse(text(503, '503 the relay is busy', { ...cors, 'retry-after': '1' }));
    }
    active++;
    try {
      let raw: Read;
      try {
        raw = await readLimited(request.body, maxBody, bodyTime);
      } catch {
        return refuse(text(400, '400 bad request: the body could not be read', cors));
      }
      // A body that is too slow held a slot: its token is not given back.
      if (raw === TIMED_OUT) return text(408, '408 request timeout: the body did not arrive in time', cors);
      if (raw === TOO_LARGE) return refuse(text(413, `413 request entity too large: the limit is ${maxBody} bytes`, cors));

      let body = raw;
      if (format) {
        let inflated: Read;
        try {
          inflated = await inflate(raw, format, maxBody);
        } catch {
          return refuse(text(400, `400 bad request: the body is not valid ${coding}`, cors));
        }
        if (inflated === TOO_LARGE) return refuse(text(413, `413 request entity too large: over ${maxBody} bytes decompressed`, cors));
        if (format === 'deflate' && !(await deflateEndsAtEnd(raw, maxBody))) {
          return refuse(text(400, '400 bad request: bytes after the end of the deflate stream', cors));
        }
        body = inflated as Uint8Array;
      }

      const bad = (problem: string) => refuse(text(400, `400 bad request: not an OTLP ${signal} export: ${problem}`, cors));
      if (symbolicator && signal !== 'metrics') {
        // The checks as always, in the same pass as finding the stacks (protobuf) or keeping the parsed value (JSON).
        const checked = json ? parseOtlpJson(signal, body) : findRecordAttributes(signal, body, STACK_ATTRIBUTES);
        if (checked.problem !== undefined) return bad(checked.problem);
        const rewritten = await symbolicate(symbolicator, signal, body, checked);
        // Rewritten bytes go uncompressed: recompressing would cost the worker CPU for a hop inside the site's infrastructure.
        if (rewritten) return await forward(signal, rewritten, json, undefined, cors);
      } else {
        const problem = json ? checkOtlpJson(signal, body) : checkOtlpProtobuf(signal, body);
        if (problem) return bad(problem);
      }
      return await forward(signal, raw, json, format, cors);
    } finally {
      active--;
    }
  }

  /**
   * The body with its stacks symbolicated, or undefined to forward it as it came: nothing to
   * change, or a failure (counted and logged; a stack the symbolicator left is counted by it,
   * on the record and in its stats, and the body still changes).
   */
  async function symbolicate(
    s: Symbolicator, signal: 'logs' | 'traces', body: Uint8Array, checked: { records?: FoundRecord[]; value?: Record<string, unknown> },
  ): Promise<Uint8Array | undefined> {
    let out: Uint8Array | undefined;
    try {
      if (checked.records) {
        if (!checked.records.length) return undefined;
        const r = await symbolicateProtobufRecords(s, body, checked.records);
        if (r.changed) out = r.body;
      } else if (await symbolicateOtlpJson(s, signal, checked.value)) {
        // JSON.parse made doubles of every number: an integer beyond 2^53 would not be written back as it came.
        const unsafe = unsafeInteger(checked.value, 0);
        if (unsafe !== undefined) throw new Error(`its JSON holds the integer ${unsafe}, which cannot be written back exactly`);
        out = new TextEncoder().encode(JSON.stringify(checked.value));
      }
      if (out && out.length > MAX_GROWTH * maxBody) {
        throw new Error(`symbolicated it is ${out.length} bytes, over ${MAX_GROWTH} × maxBodyBytes`);
      }
    } catch (e) {
      stats.symbolicationFailed++;
      const why = (e as Error)?.message ?? e;
      log('symbolication', `a ${signal} request was forwarded with its stacks as they came: ${why}`, W_SYMBOLICATION);
      return undefined;
    }
    if (out) stats.symbolicated++;
    return out;
  }

  /** Forwards to the collector and answers the browser from what the collector said. */
  async function forward(
    signal: OtlpSignal, raw: Uint8Array, json: boolean, format: CompressionFormat | undefined, cors: Record<string, string>,
  ): Promise<Response> {
    // The canonical type, whatever parameters the browser's had; by its canonical name, the
    // coding (collectors know gzip and deflate, not x-gzip).
    const type = json ? JSON_TYPE : PROTOBUF;
    const headers: Record<string, string> = { 'content-type': type };
    if (format) headers['content-encoding'] = format;
    Object.assign(headers, extra);
    const path = `/v1/${signal}`;
    // One timer for the whole exchange, the answer's body included; the flag tells our abort
    // from any other failure, whatever error a runtime makes of it.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; abort.abort(); }, timeout);
    try {
      let res: Response;
      try {
        res = await fetchImpl()(otlpUrl(base, signal), {
          method: 'POST',
          headers,
          body: raw as BodyInit,
          // Never followed: a redirect would re-send the key to wherever the collector points.
          redirect: 'manual',
          signal: abort.signal,
        });
      } catch (e) {
        if (timedOut) {
          log('timeout', `the collector did not answer ${path} within ${timeout} ms: 504 to the browser`);
          return text(504, '504 the collector did not answer in time', cors);
        }
        const why = (e as Error)?.message ?? e;
        log('unreachable', `the collector could not be reached for ${path} (${why}): 502 to the browser`);
        return text(502, '502 the collector could not be reached', cors);
      }
      const status = res.status;
      // Only 200–599 is an answer a Response can carry; 1xx and 3xx (a manual redirect's 0 in
      // browsers) are not the collector's verdict.
      if (!(status >= 200 && status <= 599) || (status >= 300 && status < 400)) {
        const location = status >= 300 && status < 400 ? res.headers.get('location') : null;
        discard(res);
        const redirect = location ? ` (a redirect to ${JSON.stringify(location)}, not followed)` : '';
        log(`status ${status}`, `the collector answered ${path} with status ${status}${redirect}: 502 to the browser`);
        return text(502, '502 bad gateway: the collector gave no usable answer', cors);
      }
      const retryMs = parseRetryAfter(res.headers.get('retry-after'));
      const retry: Record<string, string> = retryMs === undefined ? {} : { 'retry-after': `${Math.ceil(retryMs / 1000)}` };
      if (status >= 300) {
        log(`status ${status}`, `the collector answered ${path} with ${status}${await words(res)}`);
        return text(status, `${status} the collector did not accept the export`, { ...cors, ...retry });
      }
      // Success: the OTLP answer (partial success) of the request's own type, checked and
      // size-capped; anything else becomes an empty answer of that type (full success).
      let answer: Read;
      try {
        answer = await readLimited(res.body, MAX_ANSWER_BYTES);
      } catch {
        answer = TIMED_OUT;
      }
      const answerType = contentType(res.headers.get('content-type')).media;
      // An empty protobuf answer is no body at all (making a stream of nothing costs).
      let body: Uint8Array | string | null = json ? '{}' : null;
      if (answer === TOO_LARGE || answer === TIMED_OUT) {
        const why = answer === TOO_LARGE ? 'is over 64 KiB' : 'could not be read';
        log(`answer ${status}`, `the collector's ${status} answer to ${path} ${why}: sent empty`);
      } else if (answer.length) {
        const problem = answerType !== type ? `of type ${JSON.stringify(answerType)}`
          : (json ? checkOtlpJson(signal, answer, 'response') : checkOtlpProtobuf(signal, answer, 'response'));
        if (!problem) body = answer;
        else log(`answer ${status}`, `the collector's ${status} answer to ${path} is not an OTLP ${signal} answer (${problem})`);
      }
      // 204 and 205 carry no body.
      if (status === 204 || status === 205) body = null;
      return new Response(body as BodyInit | null, { status, headers: { 'content-type': type, ...NOSNIFF, ...cors, ...retry } });
    } finally {
      clearTimeout(timer);
    }
  }

  const handle = async (request: Request): Promise<Response | undefined> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return undefined;
    }
    const path = url.pathname;
    // Mounted at the root, only the three OTLP paths are the relay's: the site keeps the rest.
    if (prefix ? path !== prefix && !path.startsWith(`${prefix}/`) : !Object.hasOwn(SIGNALS, path)) return undefined;
    try {
      const rest = path.slice(prefix.length);
      const signal = Object.hasOwn(SIGNALS, rest) ? SIGNALS[rest] : undefined;
      // CORS for the site's own origin (scheme, host and port of the URL it was reached at,
      // never a request header) and the listed ones, compared as browsers serialize origins.
      const origin = request.headers.get('origin');
      const cors: Record<string, string> = { vary: 'Origin' };
      if (origin && origin !== 'null' && (origin === url.origin || allowOrigins.has(origin))) {
        cors['access-control-allow-origin'] = origin;
        cors['access-control-allow-credentials'] = 'true';
      }
      if (!signal) return text(404, `404 not found: the relay serves ${prefix}/v1/{traces,metrics,logs}`, cors);

      if (request.method === 'OPTIONS') {
        // Same-origin posts never preflight; a preflight is a listed origin. Anyone else gets
        // no CORS headers and the browser stops.
        if (request.headers.get('access-control-request-method') && cors['access-control-allow-origin']) {
          return new Response(null, {
            status: 204,
            headers: {
              ...cors, ...NOSNIFF,
              'access-control-allow-methods': 'POST',
              'access-control-allow-headers': 'content-type, content-encoding',
              'access-control-max-age': '86400',
            },
          });
        }
        return new Response(null, { status: 204, headers: { allow: 'POST, OPTIONS', vary: 'Origin', ...NOSNIFF } });
      }
      if (request.method !== 'POST') return text(405, `405 method not allowed: ${request.method}`, { ...cors, allow: 'POST, OPTIONS' });
      return await serve(request, signal, cors);
    } catch (e) {
      // Nothing of ours reaches the worker as an exception.
      warn(W_INTERNAL, `relay: internal error: ${(e as Error)?.stack ?? e}`);
      return text(500, '500 internal error in the relay', { vary: 'Origin' });
    }
  };
  return Object.assign(handle, { stats });
}

/**
 * The first number of a parsed JSON value that JSON.stringify would not write back as it came,
 * if any: an integer beyond 2^53 (its text may have said more digits) or one too large for a double.
 */
function unsafeInteger(v: unknown, depth: number): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v)) ? undefined : v;
  // Parsed and walked already: nesting is bounded, but a limit here costs nothing.
  if (!v || typeof v !== 'object' || depth > 256) return undefined;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const found = unsafeInteger(x, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
