// init() configuration: defaults, and validation with stable warning codes. An unknown key or
// a value of the wrong type warns and is ignored; a number out of range is clamped; a
// missing or unparsable endpoint (without a custom transport) is a TypeError.
import { warn, W_CLAMPED, W_UNKNOWN_KEY, W_WRONG_TYPE } from '../lib/diag.js';
import { DEFAULT_LIMITS, type Limits } from './attributes.js';
import type { Temporality } from './meter.js';

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
  beforeSend?: (span: unknown) => unknown;
  transport?: 'auto' | 'beacon' | 'fetch' | TransportFunction;
  debug?: boolean;
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
  beforeSend?: (span: unknown) => unknown;
  transport: 'auto' | 'beacon' | 'fetch' | TransportFunction;
  debug: boolean;
  limits: Limits;
  batch: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number; exportTimeoutMillis: number; maxQueueBytes: number; persistMaxChars: number };
  metrics: { temporality: Temporality; exportIntervalMillis: number; histogramAggregation: 'explicit' | 'exponential' };
  encoder: 'auto' | 'wasm' | 'js';
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  session: { inactivityTimeoutMillis: number; maxDurationMillis: number };
  gzip: boolean;
}

// The schema, compactly: for each option its kind, and for numbers [min, max, default].
// Kinds: s string, b boolean, f function, o object, m URL matchers, n number, or a list of the
// allowed values; a nested section is an object of its own options.
type Kind = 's' | 'b' | 'f' | 'o' | 'm' | 'n' | 'h' | 'w' | 't' | 'r' | 'i' | readonly string[];
type Spec = { [key: string]: Kind | Spec };
const SCHEMA: Spec = {
  endpoint: 's', headers: 'h', serviceName: 's', serviceVersion: 's', environment: 's', resource: 'o',
  sampleRate: 'n', propagateTraceHeaderCorsUrls: 'm', ignoreUrls: 'm', redactQueryParams: 'r',
  instrumentations: { fetch: 'i', xhr: 'i', navigation: 'b', errors: 'i', webVitals: 'b' },
  beforeSend: 'f', transport: 't', debug: 'b', gzip: 'b', encoder: ['auto', 'wasm', 'js'], wasm: 'w',
  limits: { attributeCount: 'n', attributeValueLength: 'n', eventCount: 'n', linkCount: 'n' },
  batch: {
    maxQueueSize: 'n', maxExportBatchSize: 'n', scheduledDelayMillis: 'n', exportTimeoutMillis: 'n',
    maxQueueBytes: 'n', persistMaxChars: 'n',
  },
  metrics: { temporality: ['delta', 'cumulative'], exportIntervalMillis: 'n', histogramAggregation: ['explicit', 'exponential'] },
  session: { inactivityTimeoutMillis: 'n', maxDurationMillis: 'n' },
};

const NUMBERS: Record<string, [number, number, number]> = {
  sampleRate: [0, 1, 1],
  'limits.attributeCount': [0, 1024, DEFAULT_LIMITS.attributeCount],
  'limits.attributeValueLength': [16, 1 << 20, DEFAULT_LIMITS.attributeValueLength],
  'limits.eventCount': [0, 1024, DEFAULT_LIMITS.eventCount],
  'limits.linkCount': [0, 1024, DEFAULT_LIMITS.linkCount],
  'batch.maxQueueSize': [1, 100_000, 2048],
  'batch.maxExportBatchSize': [1, 10_000, 512],
  'batch.scheduledDelayMillis': [0, 600_000, 5000],
  'batch.exportTimeoutMillis': [100, 600_000, 30_000],
  'batch.maxQueueBytes': [65536, 256 << 20, 4 << 20],
  'batch.persistMaxChars': [0, 4_000_000, 2_000_000],
  'metrics.exportIntervalMillis': [1000, 3_600_000, 60_000],
  'session.inactivityTimeoutMillis': [1000, 24 * 3_600_000, 15 * 60_000],
  'session.maxDurationMillis': [60_000, 7 * 24 * 3_600_000, 4 * 3_600_000],
};

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

function number(path: string, v: unknown): number {
  const [min, max, def] = NUMBERS[path];
  if (v === undefined) return def;
  if (typeof v !== 'number' || Number.isNaN(v)) {
    warn(W_WRONG_TYPE, `config.${path}: expected a number, got ${typeof v}; using ${def}`);
    return def;
  }
  const c = Math.min(max, Math.max(min, v));
  if (c !== v) warn(W_CLAMPED, `config.${path}: ${v} is outside [${min}, ${max}]; clamped to ${c}`);
  return c;
}

/** Validates one level of options against the schema; numbers get their defaults. */
function validate(input: unknown, spec: Spec, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input !== undefined && !isObject(input)) {
    warn(W_WRONG_TYPE, `${prefix || 'config'}: expected an object; ${prefix ? 'ignored' : 'using defaults'}`);
    input = undefined;
  }
  const given = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    const path = `${prefix}${key}`;
    const kind = spec[key];
    const v = given[key];
    if (!kind) warn(W_UNKNOWN_KEY, `config.${path} is not a Plume option; ignored`);
    else if (v === undefined || kind === 'n') continue;
    else if (Array.isArray(kind)) {
      if (kind.includes(v as string)) out[key] = v;
      else warn(W_WRONG_TYPE, `config.${path}: expected ${kind.map((k) => `'${k}'`).join(' or ')}; ignored`);
    } else if (typeof kind === 'object') {
      if (isObject(v)) out[key] = validate(v, kind as Spec, `${path}.`);
      else warn(W_WRONG_TYPE, `config.${path}: expected an object; ignored`);
    } else if (CHECKS[kind as string][0](v)) out[key] = v;
    else warn(W_WRONG_TYPE, `config.${path}: expected ${CHECKS[kind as string][1]}; ignored`);
  }
  for (const key of Object.keys(spec)) {
    if (spec[key] === 'n') out[key] = number(`${prefix}${key}`, given[key]);
    else if (typeof spec[key] === 'object' && !Array.isArray(spec[key]) && !out[key]) out[key] = validate(undefined, spec[key] as Spec, `${prefix}${key}.`);
  }
  return out;
}

/** Validates a config object; `baseUrl` resolves a relative endpoint (the page URL in browsers). */
export function resolveConfig(input: unknown, baseUrl: string | undefined, defaults: Partial<PlumeConfig> = {}): ResolvedConfig {
  const raw = validate(input, SCHEMA, '') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const transport = (raw.transport ?? defaults.transport ?? 'auto') as ResolvedConfig['transport'];
  let endpoint = '';
  const ep = (raw.endpoint ?? defaults.endpoint) as string | undefined;
  if (ep !== undefined) {
    let url: URL | undefined;
    try { url = new URL(ep, baseUrl); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new TypeError(`plume: config.endpoint ${JSON.stringify(ep)} is not an http(s) URL`);
    }
    endpoint = url.href.replace(/\/+$/, '');
  } else if (typeof transport !== 'function') {
    throw new TypeError('plume: config.endpoint is required (the OTLP/HTTP base URL, e.g. "https://collector.example.com:4318"), unless config.transport is a function');
  }
  const ins = raw.instrumentations;
  return {
    ...raw,
    endpoint,
    headers: raw.headers ?? {},
    serviceName: raw.serviceName ?? defaults.serviceName ?? 'unknown_service',
    serviceVersion: raw.serviceVersion ?? '',
    environment: raw.environment ?? '',
    resource: raw.resource ?? {},
    propagateTraceHeaderCorsUrls: raw.propagateTraceHeaderCorsUrls ?? [],
    ignoreUrls: raw.ignoreUrls ?? [],
    redactQueryParams: raw.redactQueryParams ?? [],
    instrumentations: {
      fetch: ins.fetch ?? true, xhr: ins.xhr ?? true, navigation: ins.navigation ?? true,
      errors: ins.errors ?? true, webVitals: ins.webVitals ?? true,
    },
    transport,
    debug: raw.debug ?? false,
    metrics: { temporality: 'delta', histogramAggregation: 'explicit', ...raw.metrics },
    encoder: raw.encoder ?? 'auto',
    gzip: raw.gzip ?? false,
  } as ResolvedConfig;
}

/** Whether url matches any of the matchers (strings match as substrings, RegExps test). */
export function matchesAny(url: string, matchers: UrlMatcher[]): boolean {
  for (const m of matchers) {
    if (typeof m === 'string' ? url.includes(m) : (m.lastIndex = 0, m.test(url))) return true;
  }
  return false;
}
