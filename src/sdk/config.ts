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

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';
const isFn: Check = (v) => typeof v === 'function';
const isObject: Check = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
const isMatchers: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' || x instanceof RegExp);
const oneOf = (...values: unknown[]): Check => (v) => values.includes(v);

/** [check, description] per top-level key; numbers are checked with ranges separately. */
const KEYS: Record<string, [Check, string] | 'number' | 'object'> = {
  endpoint: [isString, 'a URL string'],
  headers: [(v) => isObject(v) && Object.values(v as object).every(isString), 'an object of string header values'],
  serviceName: [isString, 'a string'],
  serviceVersion: [isString, 'a string'],
  environment: [isString, 'a string'],
  resource: [isObject, 'an object of attributes'],
  sampleRate: 'number',
  propagateTraceHeaderCorsUrls: [isMatchers, 'an array of strings or RegExps'],
  ignoreUrls: [isMatchers, 'an array of strings or RegExps'],
  redactQueryParams: [(v) => v === 'all' || (Array.isArray(v) && v.every(isString)), "'all' or an array of parameter names"],
  instrumentations: 'object',
  beforeSend: [isFn, 'a function'],
  transport: [(v) => isFn(v) || v === 'auto' || v === 'beacon' || v === 'fetch', "'auto', 'beacon', 'fetch' or a function"],
  debug: [isBool, 'a boolean'],
  limits: 'object',
  batch: 'object',
  metrics: 'object',
  encoder: [oneOf('auto', 'wasm', 'js'), "'auto', 'wasm' or 'js'"],
  wasm: [(v) => isString(v) || v instanceof URL || v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
    (typeof WebAssembly === 'object' && v instanceof WebAssembly.Module), 'a URL, bytes or a WebAssembly.Module'],
  session: 'object',
  gzip: [isBool, 'a boolean'],
};

/** Number ranges: [min, max, default]. */
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

const NESTED: Record<string, Record<string, [Check, string] | 'number'>> = {
  limits: { attributeCount: 'number', attributeValueLength: 'number', eventCount: 'number', linkCount: 'number' },
  batch: {
    maxQueueSize: 'number', maxExportBatchSize: 'number', scheduledDelayMillis: 'number', exportTimeoutMillis: 'number',
    maxQueueBytes: 'number', persistMaxChars: 'number',
  },
  metrics: {
    temporality: [oneOf('delta', 'cumulative'), "'delta' or 'cumulative'"],
    exportIntervalMillis: 'number',
    histogramAggregation: [oneOf('explicit', 'exponential'), "'explicit' or 'exponential'"],
  },
  session: { inactivityTimeoutMillis: 'number', maxDurationMillis: 'number' },
  instrumentations: {
    fetch: [(v) => isBool(v) || isObject(v), 'a boolean or an options object'],
    xhr: [(v) => isBool(v) || isObject(v), 'a boolean or an options object'],
    navigation: [isBool, 'a boolean'],
    errors: [(v) => isBool(v) || isObject(v), 'a boolean or an options object'],
    webVitals: [isBool, 'a boolean'],
  },
};

function number(path: string, v: unknown): number {
  const [min, max, def] = NUMBERS[path];
  if (v === undefined) return def;
  if (typeof v !== 'number' || Number.isNaN(v)) {
    warn(W_WRONG_TYPE, `config.${path}: expected a number, got ${typeof v}; using ${def}`);
    return def;
  }
  if (v < min || v > max) {
    const c = Math.min(max, Math.max(min, v));
    warn(W_CLAMPED, `config.${path}: ${v} is outside [${min}, ${max}]; clamped to ${c}`);
    return c;
  }
  return v;
}

function section(name: string, v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const spec = NESTED[name];
  for (const key of Object.keys((v ?? {}) as object)) {
    const value = (v as Record<string, unknown>)[key];
    const rule = spec[key];
    if (!rule) { warn(W_UNKNOWN_KEY, `config.${name}.${key} is not a Plume option; ignored`); continue; }
    if (value === undefined) continue;
    if (rule === 'number') { out[key] = number(`${name}.${key}`, value); continue; }
    if (!rule[0](value)) { warn(W_WRONG_TYPE, `config.${name}.${key}: expected ${rule[1]}; ignored`); continue; }
    out[key] = value;
  }
  for (const key of Object.keys(spec)) if (spec[key] === 'number' && out[key] === undefined) out[key] = number(`${name}.${key}`, undefined);
  return out;
}

/** Validates a config object; `baseUrl` resolves a relative endpoint (the page URL in browsers). */
export function resolveConfig(input: unknown, baseUrl: string | undefined, defaults: Partial<PlumeConfig> = {}): ResolvedConfig {
  const raw: Record<string, unknown> = {};
  if (input !== undefined && !isObject(input)) {
    warn(W_WRONG_TYPE, 'config: expected an object; using defaults');
  } else if (input) {
    for (const key of Object.keys(input)) {
      const value = (input as Record<string, unknown>)[key];
      const rule = KEYS[key];
      if (!rule) { warn(W_UNKNOWN_KEY, `config.${key} is not a Plume option; ignored`); continue; }
      if (value === undefined) continue;
      if (rule === 'number' || rule === 'object') {
        if (rule === 'object' && !isObject(value)) { warn(W_WRONG_TYPE, `config.${key}: expected an object; ignored`); continue; }
        raw[key] = value;
        continue;
      }
      if (!rule[0](value)) { warn(W_WRONG_TYPE, `config.${key}: expected ${rule[1]}; ignored`); continue; }
      raw[key] = value;
    }
  }
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
  const ins = section('instrumentations', raw.instrumentations) as Partial<ResolvedConfig['instrumentations']>;
  return {
    endpoint,
    headers: (raw.headers as Record<string, string>) ?? {},
    serviceName: (raw.serviceName as string) ?? defaults.serviceName ?? 'unknown_service',
    serviceVersion: (raw.serviceVersion as string) ?? '',
    environment: (raw.environment as string) ?? '',
    resource: (raw.resource as Record<string, unknown>) ?? {},
    sampleRate: number('sampleRate', raw.sampleRate),
    propagateTraceHeaderCorsUrls: (raw.propagateTraceHeaderCorsUrls as UrlMatcher[]) ?? [],
    ignoreUrls: (raw.ignoreUrls as UrlMatcher[]) ?? [],
    redactQueryParams: (raw.redactQueryParams as string[] | 'all') ?? [],
    instrumentations: {
      fetch: ins.fetch ?? true, xhr: ins.xhr ?? true, navigation: ins.navigation ?? true,
      errors: ins.errors ?? true, webVitals: ins.webVitals ?? true,
    },
    beforeSend: raw.beforeSend as ResolvedConfig['beforeSend'],
    transport,
    debug: (raw.debug as boolean) ?? false,
    limits: section('limits', raw.limits) as unknown as Limits,
    batch: section('batch', raw.batch) as unknown as ResolvedConfig['batch'],
    metrics: {
      temporality: 'delta', histogramAggregation: 'explicit',
      ...(section('metrics', raw.metrics) as Partial<ResolvedConfig['metrics']>),
    } as ResolvedConfig['metrics'],
    encoder: (raw.encoder as ResolvedConfig['encoder']) ?? 'auto',
    wasm: raw.wasm as ResolvedConfig['wasm'],
    session: section('session', raw.session) as unknown as ResolvedConfig['session'],
    gzip: (raw.gzip as boolean) ?? false,
  };
}

/** Whether url matches any of the matchers (strings match as substrings, RegExps test). */
export function matchesAny(url: string, matchers: UrlMatcher[]): boolean {
  for (const m of matchers) {
    if (typeof m === 'string' ? url.includes(m) : (m.lastIndex = 0, m.test(url))) return true;
  }
  return false;
}
