// init() configuration: defaults, and validation with stable warning codes. An unknown key or
// a value of the wrong type warns and is ignored; a number out of range is clamped; a
// missing or unparsable endpoint (without a custom transport) is a TypeError.
import { warn, W_CLAMPED, W_UNKNOWN_KEY, W_WRONG_TYPE } from '../lib/diag.js';
import { read, UNREADABLE } from '../lib/safe.js';
import { DEFAULT_LIMITS, type Limits } from './attributes.js';
import type { Temporality } from './meter.js';
import type { FinishedSpan } from './span.js';

/** Changes or drops a finished span: return it (changed or not) to send it, null or false to drop it. */
export type BeforeSend = (span: FinishedSpan) => FinishedSpan | null | false | void;

export type Signal = 'traces' | 'metrics' | 'logs';
export type UrlMatcher = string | RegExp;
export interface SendInfo { signal: Signal; url: string; items: number; unloading: boolean }
export type TransportFunction = (body: Uint8Array, signal: Signal, info: SendInfo) => Promise<unknown> | unknown;

export interface InstrumentationsConfig {
  fetch?: boolean | { ignoreUrls?: UrlMatcher[] };
  xhr?: boolean | { ignoreUrls?: UrlMatcher[] };
  navigation?: boolean;
  errors?: boolean | { maxPerMinute?: number };
  webVitals?: boolean;
}

export interface PlumeConfig {
  endpoint?: string;
  headers?: Record<string, string>;
  serviceName?: string;
  serviceVersion?: string;
  environment?: string;
  resource?: Record<string, unknown>;
  sampleRate?: number;
  propagateTraceHeaderCorsUrls?: UrlMatcher[];
  ignoreUrls?: UrlMatcher[];
  redactQueryParams?: string[] | 'all';
  instrumentations?: InstrumentationsConfig;
  beforeSend?: BeforeSend;
  transport?: 'auto' | 'beacon' | 'fetch' | TransportFunction;
  debug?: boolean;
  /** Be the global SDK of @opentelemetry/api and @opentelemetry/api-logs (default true). */
  registerGlobals?: boolean;
  limits?: Partial<Limits>;
  batch?: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMillis?: number; exportTimeoutMillis?: number; maxQueueBytes?: number; persistMaxChars?: number };
  metrics?: { temporality?: Temporality; exportIntervalMillis?: number; histogramAggregation?: 'explicit' | 'exponential' };
  encoder?: 'auto' | 'wasm' | 'js';
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  session?: { inactivityTimeoutMillis?: number; maxDurationMillis?: number };
  gzip?: boolean;
}

export interface ResolvedConfig {
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  serviceVersion: string;
  environment: string;
  resource: Record<string, unknown>;
  sampleRate: number;
  propagateTraceHeaderCorsUrls: UrlMatcher[];
  ignoreUrls: UrlMatcher[];
  redactQueryParams: string[] | 'all';
  instrumentations: Required<{ [K in keyof InstrumentationsConfig]: Exclude<InstrumentationsConfig[K], undefined> }>;
  beforeSend?: BeforeSend;
  transport: 'auto' | 'beacon' | 'fetch' | TransportFunction;
  debug: boolean;
  registerGlobals: boolean;
  limits: Limits;
  batch: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number; exportTimeoutMillis: number; maxQueueBytes: number; persistMaxChars: number };
  metrics: { temporality: Temporality; exportIntervalMillis: number; histogramAggregation: 'explicit' | 'exponential' };
  encoder: 'auto' | 'wasm' | 'js';
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  session: { inactivityTimeoutMillis: number; maxDurationMillis: number };
  gzip: boolean;
}

// The schema, compactly: for each option its kind; a number is its [min, max] range (its
// default is in defaults()); a list of strings is the allowed values; a nested section is an
// object of its own options. Kinds: s string, b boolean, f function, o object, m URL
// matchers, h headers, r query redaction, i instrumentation switch, t transport, w wasm.
type Kind = 's' | 'b' | 'f' | 'o' | 'm' | 'h' | 'w' | 't' | 'r' | 'i' | readonly string[] | readonly [number, number];
type Spec = { [key: string]: Kind | Spec };
const COUNT: [number, number] = [0, 1024];
const SCHEMA: Spec = {
  endpoint: 's', headers: 'h', serviceName: 's', serviceVersion: 's', environment: 's', resource: 'o',
  sampleRate: [0, 1], propagateTraceHeaderCorsUrls: 'm', ignoreUrls: 'm', redactQueryParams: 'r',
  instrumentations: { fetch: 'i', xhr: 'i', navigation: 'b', errors: 'i', webVitals: 'b' },
  beforeSend: 'f', transport: 't', debug: 'b', registerGlobals: 'b', gzip: 'b', encoder: ['auto', 'wasm', 'js'], wasm: 'w',
  limits: { attributeCount: COUNT, attributeValueLength: [16, 1 << 20], eventCount: COUNT, linkCount: COUNT },
  batch: {
    maxQueueSize: [1, 100_000], maxExportBatchSize: [1, 10_000], scheduledDelayMillis: [0, 600_000],
    exportTimeoutMillis: [100, 600_000], maxQueueBytes: [65536, 256 << 20], persistMaxChars: [0, 4_000_000],
  },
  metrics: { temporality: ['delta', 'cumulative'], exportIntervalMillis: [1000, 3_600_000], histogramAggregation: ['explicit', 'exponential'] },
  session: { inactivityTimeoutMillis: [1000, 24 * 3_600_000], maxDurationMillis: [60_000, 7 * 24 * 3_600_000] },
};
// What an instrumentation switch ('i') takes when it is an options object instead of a boolean.
const INSTRUMENTATION_OPTIONS: Spec = { fetch: { ignoreUrls: 'm' }, xhr: { ignoreUrls: 'm' }, errors: { maxPerMinute: [0, 100_000] } };

const defaults = (): Omit<ResolvedConfig, 'endpoint' | 'transport'> => ({
  headers: {}, serviceName: 'unknown_service', serviceVersion: '', environment: '', resource: {}, sampleRate: 1,
  propagateTraceHeaderCorsUrls: [], ignoreUrls: [], redactQueryParams: [],
  instrumentations: { fetch: true, xhr: true, navigation: true, errors: true, webVitals: true },
  debug: false, registerGlobals: true, gzip: false, encoder: 'auto',
  limits: { ...DEFAULT_LIMITS },
  batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueBytes: 4 << 20, persistMaxChars: 2_000_000 },
  metrics: { temporality: 'delta', histogramAggregation: 'explicit', exportIntervalMillis: 60_000 },
  session: { inactivityTimeoutMillis: 15 * 60_000, maxDurationMillis: 4 * 3_600_000 },
});

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const CHECKS: Record<string, [(v: unknown) => boolean, string]> = {
  s: [(v) => typeof v === 'string', 'a string'],
  b: [(v) => typeof v === 'boolean', 'a boolean'],
  f: [(v) => typeof v === 'function', 'a function'],
  o: [isObject, 'an object'],
  m: [(v) => Array.isArray(v) && v.every((x) => typeof x === 'string' || x instanceof RegExp), 'an array of strings or RegExps'],
  h: [(v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string'), 'an object of string header values'],
  r: [(v) => v === 'all' || (Array.isArray(v) && v.every((x) => typeof x === 'string')), "'all' or an array of parameter names"],
  i: [(v) => typeof v === 'boolean' || isObject(v), 'a boolean or an options object'],
  t: [(v) => typeof v === 'function' || v === 'auto' || v === 'beacon' || v === 'fetch', "'auto', 'beacon', 'fetch' or a function"],
  w: [(v) => typeof v === 'string' || v instanceof URL || v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
    (typeof WebAssembly === 'object' && v instanceof WebAssembly.Module), 'a URL, bytes or a WebAssembly.Module'],
};

/**
 * Copies the valid options of one level into `out`, which holds the defaults. Only the keys
 * given are looked at: a typical config has three of them, and init() runs during page start-up.
 */
function validate(given: Record<string, unknown>, spec: Spec, out: Record<string, unknown>, prefix: string): void {
  for (const key in given) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const path = `config.${prefix}${key}`;
    // Own keys only: 'constructor' or 'toString' are no options.
    const kind = Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined;
    const v = read(given, key);
    if (!kind) warn(W_UNKNOWN_KEY, `${path} is not a Plume option; ignored`);
    else if (v === UNREADABLE) warn(W_WRONG_TYPE, `${path} could not be read (its getter threw); ignored`);
    else if (v === undefined) continue;
    else if (kind === 'i' && isObject(v)) {
      const options: Record<string, unknown> = {};
      validate(v, INSTRUMENTATION_OPTIONS[key] as Spec, options, `${prefix}${key}.`);
      out[key] = options;
    } else if (typeof kind === 'string') {
      if (CHECKS[kind][0](v)) out[key] = v;
      else warn(W_WRONG_TYPE, `${path}: expected ${CHECKS[kind][1]}; ignored`);
    } else if (!Array.isArray(kind)) {
      if (isObject(v)) validate(v, kind as Spec, out[key] as Record<string, unknown>, `${prefix}${key}.`);
      else warn(W_WRONG_TYPE, `${path}: expected an object; ignored`);
    } else if (typeof kind[0] === 'number') {
      const [min, max] = kind as unknown as [number, number];
      if (typeof v !== 'number' || Number.isNaN(v)) {
        warn(W_WRONG_TYPE, `${path}: expected a number, got ${typeof v}; using ${out[key] ?? 'the default'}`);
        continue;
      }
      // Durations are whole milliseconds: AbortSignal.timeout() throws for a fraction.
      const c = Math.min(max, Math.max(min, key.endsWith('Millis') ? Math.round(v) : v));
      if (c !== v) warn(W_CLAMPED, `${path}: ${v} is outside [${min}, ${max}]; clamped to ${c}`);
      out[key] = c;
    } else if (kind.includes(v as string)) out[key] = v;
    else warn(W_WRONG_TYPE, `${path}: expected ${kind.map((k) => `'${k}'`).join(' or ')}; ignored`);
  }
}

/** Validates a config object; `baseUrl` resolves a relative endpoint (the page URL in browsers). */
export function resolveConfig(input: unknown, baseUrl: string | undefined, defaultsFor: Partial<PlumeConfig> = {}): ResolvedConfig {
  const out = defaults() as Record<string, unknown>;
  if (defaultsFor.serviceName) out.serviceName = defaultsFor.serviceName;
  if (isObject(input)) {
    // A config whose keys or values cannot be read (a Proxy's traps): what was read stands.
    try {
      validate(input, SCHEMA, out, '');
    } catch {
      warn(W_WRONG_TYPE, 'config could not be read to the end (a getter or Proxy trap threw); the rest is ignored');
    }
  } else if (input !== undefined) warn(W_WRONG_TYPE, 'config: expected an object; using defaults');
  const transport = (out.transport ?? defaultsFor.transport ?? 'auto') as ResolvedConfig['transport'];
  if (transport === 'beacon' && Object.keys(out.headers as object).length) {
    warn(W_WRONG_TYPE, "config.headers: transport 'beacon' cannot send headers, so they are not sent; use 'auto' or 'fetch' (or relay() on the edge)");
  }
  let endpoint = '';
  const ep = (out.endpoint ?? defaultsFor.endpoint) as string | undefined;
  if (ep !== undefined) {
    let url: URL | undefined;
    try { url = new URL(ep, baseUrl); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new TypeError(`plume: config.endpoint ${JSON.stringify(ep)} is not an http(s) URL`);
    }
    // Trailing slashes off the path (without a regex: compiling one costs a cold page
    // 0.2 ms); a query stays, for otlpUrl() to put after /v1/<signal>; a fragment goes.
    const query = url.search;
    url.hash = url.search = '';
    endpoint = url.href;
    while (endpoint.endsWith('/')) endpoint = endpoint.slice(0, -1);
    endpoint += query;
  } else if (typeof transport !== 'function') {
    throw new TypeError('plume: config.endpoint is required (the OTLP/HTTP base URL, e.g. "https://collector.example.com:4318"), unless config.transport is a function');
  }
  return { ...out, endpoint, transport } as ResolvedConfig;
}

/** Whether url matches any of the matchers (strings match as substrings, RegExps test). */
export function matchesAny(url: string, matchers: UrlMatcher[]): boolean {
  for (const m of matchers) {
    // A RegExp is tested with its source and flags, never its lastIndex: a g or y flag would
    // make every other test fail, and the caller's object may be frozen (or not ours to move).
    if (typeof m === 'string' ? url.includes(m) : RegExp.prototype.test.call(m.global || m.sticky ? new RegExp(m.source, m.flags.replace(/[gy]/g, '')) : m, url)) return true;
  }
  return false;
}
