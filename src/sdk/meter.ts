// Meter: OTel API instruments, aggregated in memory per attribute set, written into records
// at each collection. Delta temporality by default (each collection reports what happened
// since the last; a page view is not a long-lived process), cumulative on request. Observable
// instruments report through their callbacks and the meter's batch callbacks, each run once
// per collection, batch callbacks first.
import { DATA_EXP_HISTOGRAM, DATA_GAUGE, DATA_HISTOGRAM, DATA_SUM } from '../encode/layout.js';
import { now } from '../lib/clock.js';
import { guard, warn, warnOnce, W_CALLBACK, W_WRONG_TYPE } from '../lib/diag.js';
import { errorText, readOr, str } from '../lib/safe.js';
import { cleanAttributes, type Attributes, type Limits } from './attributes.js';
import { context, type Context } from './context.js';
import type {
  BatchObservableCallback, Histogram, Meter as ApiMeter, MetricAttributes, MetricOptions, Observable, ObservableCallback, ObservableResult,
} from './otel-api.js';
import type { ExponentialHistogram } from './exponential-histogram.js';
import { loadExponentialHistogram } from '../lib/chunks.js';
import { RecordingSpan, type Scope } from './span.js';
import { getSpan, spanContextOf, TRACE_FLAG_SAMPLED } from './span-context.js';
import type { Exemplar, MetricData } from '../record/metric.js';

export type Temporality = 'delta' | 'cumulative';

/** OTel's default explicit bucket boundaries. */
export const DEFAULT_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/** The API's ValueType: INT 0, DOUBLE 1. */
export const ValueType = { INT: 0, DOUBLE: 1 } as const;

/** The API's MetricOptions, and Plume's one more. */
export interface InstrumentOptions extends MetricOptions {
  /** Plume: aggregate this histogram as a base-2 exponential histogram. */
  aggregation?: 'explicit' | 'exponential';
}

export interface MeterCore {
  limits: Limits;
  temporality: Temporality;
  histogramAggregation: 'explicit' | 'exponential';
  enabled(): boolean;
}


// An instrument's kind: its OTLP data kind (DATA_SUM, DATA_GAUGE or DATA_HISTOGRAM) plus these.
const MONOTONIC = 8;
const OBSERVABLE = 16;
const dataKindOf = (kind: number): number => kind & 7;

interface Cell {
  attributes: Attributes;
  start: number;
  value: number;
  time: number;
  /** Explicit buckets: counts per bucket, and the last exemplar of each. */
  counts?: number[];
  exemplars?: (Exemplar | undefined)[];
  sum: number;
  count: number;
  min: number;
  max: number;
  exp?: ExponentialHistogram;
  /** Values recorded before the exponential aggregation's code arrived (it is loaded on demand). */
  early?: number[];
  exemplar?: Exemplar;
  /** Observable instruments: the value observed in this collection (the last one wins). */
  observed?: number;
  /** Delta observable counters: the total reported last time, to diff against. */
  lastObserved?: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
const MAX_EARLY = 10_000;
// OTel's default cardinality limit: attribute sets past it are aggregated in one overflow
// set (its own included), so memory stays bounded and the totals stay right.
const CARDINALITY_LIMIT = 2000;
const OVERFLOW: Attributes = { 'otel.metric.overflow': true };

let Exp: (new () => ExponentialHistogram) | undefined;
let expLoading: Promise<unknown> | undefined;
const loadExp = () => (expLoading ??= loadExponentialHistogram().then((m) => { Exp = m.ExponentialHistogram; }, () => {}));

/** Stable key of an attribute set: same attributes in any order, same cell. */
function keyOf(attrs: Attributes): string {
  let s = '';
  for (const k of Object.keys(attrs).sort()) {
    const v = attrs[k];
    // Arrays by their elements: ['a,b'] and ['a', 'b'] are different sets.
    s += `${k}\u0000${typeof v}\u0000${Array.isArray(v) ? v.map((x) => `${typeof x}:${x}`).join('\u0002') : String(v)}\u0001`;
  }
  return s;
}
const OVERFLOW_KEY = /* @__PURE__ */ keyOf(OVERFLOW);

/** The exemplar for a measurement made inside a sampled span (OTel's trace_based filter). */
function exemplarFor(value: number, isInt: boolean, ctx: Context): Exemplar | undefined {
  const span = getSpan(ctx);
  // Ours while it records; anyone else's (another SDK's, a remote parent) by its sampled flag.
  const sc = span instanceof RecordingSpan ? span.isRecording() && span.spanContext() : spanContextOf(span);
  return sc && sc.traceFlags & TRACE_FLAG_SAMPLED ? { time: now(), value, isInt, traceId: sc.traceId, spanId: sc.spanId } : undefined;
}

interface InstrumentStorage {
  key: string;
  exponential: boolean;
  record(value: unknown, attributes: unknown, ctx: Context): void;
  callbacks: ObservableCallback[];
  /** Observable instruments: a value observed in this collection (by a callback or a batch callback). */
  observe(value: unknown, attributes: unknown): void;
  collect(): MetricData | undefined;
}

function instrumentStorage(name: string, kind: number, options: InstrumentOptions, scope: Scope, core: MeterCore): InstrumentStorage {
  const cells = new Map<string, Cell>();
  const data = dataKindOf(kind);
  const isInt = options.valueType === 0 /* ValueType.INT */ || (options.valueType as unknown) === 'int';
  const b = options.advice?.explicitBucketBoundaries;
  let bounds = DEFAULT_BOUNDARIES;
  // The caller's array, copied once (its elements may be getters that throw: then the default).
  try {
    if (Array.isArray(b) && b.every((x, k) => typeof x === 'number' && (k === 0 || x > b[k - 1]))) bounds = b.slice();
  } catch { /* the default */ }
  const exponential = data === DATA_HISTOGRAM && (options.aggregation ?? core.histogramAggregation) === 'exponential';
  if (exponential) void loadExp();
  // OTel's delta preference: counters and histograms as deltas, up-down counters cumulative
  // (a non-monotonic delta sum is what Prometheus-style back ends cannot take).
  const delta = core.temporality === 'delta' && (!!(kind & MONOTONIC) || data === DATA_HISTOGRAM);
  const observable = !!(kind & OBSERVABLE);

  const cell = (attributes: unknown): Cell => {
    let values = cleanAttributes(attributes, core.limits).values;
    let key = keyOf(values);
    let c = cells.get(key);
    if (!c && cells.size >= CARDINALITY_LIMIT - 1) {
      values = OVERFLOW;
      key = OVERFLOW_KEY;
      c = cells.get(key);
    }
    if (!c) {
      const t = now();
      c = { attributes: values, start: t, value: 0, time: t, sum: 0, count: 0, min: Infinity, max: -Infinity };
      if (data === DATA_HISTOGRAM) {
        if (!exponential) { c.counts = new Array(bounds.length + 1).fill(0); c.exemplars = []; }
        else if (Exp) c.exp = new Exp();
        else c.early = [];
      }
      cells.set(key, c);
    }
    c.time = now();
    return c;
  };

  const s: InstrumentStorage = {
    key: `${name}/${kind}`,
    exponential,
    callbacks: [],
    observe(value, attributes) {
      if (core.enabled() && typeof value === 'number' && Number.isFinite(value)) cell(attributes).observed = value;
    },
    record(value, attributes, ctx) {
      if (!core.enabled()) return;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        warnOnce(W_WRONG_TYPE, `${name}: measurement ${str(value) ?? typeof value} is not a finite number; ignored`);
        return;
      }
      if (value < 0 && (kind & MONOTONIC || data === DATA_HISTOGRAM)) {
        warnOnce(W_WRONG_TYPE, `${name}: negative value ${value} for a ${data === DATA_HISTOGRAM ? 'histogram' : 'counter'}; ignored`);
        return;
      }
      const c = cell(attributes);
      const ex = exemplarFor(value, isInt, ctx);
      if (c.counts) {
        let i = 0;
        // (b[i-1], b[i]] buckets: the first boundary >= value.
        while (i < bounds.length && value > bounds[i]) i++;
        c.counts[i]++;
        c.count++;
        c.sum += value;
        if (value < c.min) c.min = value;
        if (value > c.max) c.max = value;
        if (ex) c.exemplars![i] = ex;
        return;
      }
      if (c.early) { if (c.early.length < MAX_EARLY) c.early.push(value); }
      else if (c.exp) c.exp.record(value);
      else c.value = data === DATA_GAUGE ? value : c.value + value;
      if (ex) c.exemplar = ex;
    },
    collect() {
      const result: ObservableResult = { observe: (value, attributes) => s.observe(value, attributes) };
      for (const cb of s.callbacks) runCallback(name, () => cb(result));
      const t = now();
      const points: MetricData['points'] = [];
      let dataKind = data;
      for (const [k, c] of cells) {
        if (observable) {
          // Only what was observed this time is reported (as OTel does): a set no callback
          // reports any more is gone.
          if (c.observed === undefined) { cells.delete(k); continue; }
          // Observable counters report totals; delta is the change since the last collection.
          c.value = delta ? c.observed - (c.lastObserved ?? 0) : c.observed;
          if (delta) c.lastObserved = c.observed;
          c.observed = undefined;
        }
        if (c.early) {
          // Until the aggregation's code is here the values wait (not reported yet, not lost).
          if (!Exp) continue;
          c.exp = new Exp();
          for (const v of c.early) c.exp.record(v);
          c.early = undefined;
        }
        const base = { attributes: c.attributes, start: c.start, time: c.time };
        const x = c.exp;
        if (c.counts) {
          points.push({ ...base, count: c.count, sum: c.sum, min: c.min, max: c.max, bounds, counts: c.counts.slice(),
            exemplars: c.exemplars!.filter((e): e is Exemplar => !!e) });
        } else if (x) {
          dataKind = DATA_EXP_HISTOGRAM;
          points.push({ ...base, count: x.count, sum: x.sum, min: x.min, max: x.max, scale: x.scale, zeroCount: x.zeroCount,
            positive: { offset: x.positive.offset, counts: x.positive.counts.slice() },
            negative: { offset: x.negative.offset, counts: x.negative.counts.slice() }, exemplars: [] });
        } else {
          points.push({ ...base, value: c.value, isInt, exemplars: c.exemplar ? [c.exemplar] : [] });
        }
        // Delta: observable cells keep their last total to diff against; the rest start over.
        if (delta) {
          if (!observable) cells.delete(k);
          else c.start = t;
        }
      }
      return points.length ? {
        name,
        description: options.description ?? '',
        unit: options.unit ?? '',
        dataKind,
        temporality: data === DATA_GAUGE ? 0 : delta ? 1 : 2,
        monotonic: !!(kind & MONOTONIC),
        points,
        scope,
      } : undefined;
    },
  };
  return s;
}

/**
 * The caller's options, read once (a getter or Proxy trap that throws leaves that option
 * out); description and unit are kept only as strings.
 */
function instrumentOptions(given: unknown): InstrumentOptions {
  if (!given || typeof given !== 'object') return {};
  const [description, unit, valueType, advice, aggregation] =
    ['description', 'unit', 'valueType', 'advice', 'aggregation'].map((k) => readOr(given, k));
  return {
    description: typeof description === 'string' ? description : undefined,
    unit: typeof unit === 'string' ? unit : undefined,
    valueType: valueType as InstrumentOptions['valueType'],
    advice: advice && typeof advice === 'object'
      ? { explicitBucketBoundaries: readOr(advice, 'explicitBucketBoundaries') as number[] } : undefined,
    aggregation: aggregation as InstrumentOptions['aggregation'],
  };
}

/**
 * Runs an observable callback of the caller's. An async one (the OTel API allows it):
 * collection is synchronous here, as a page going away needs it, so what it observes counts
 * in the next collection; its rejection is ours to handle, not the page's.
 */
function runCallback(name: string, cb: () => unknown): void {
  const failed = (e: unknown) => warnOnce(W_CALLBACK, `observable callback for ${name} threw: ${errorText(e)}`);
  try {
    const r = cb();
    if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, failed);
  } catch (e) {
    failed(e);
  }
}

const noop = { add() {}, record() {}, addCallback() {}, removeCallback() {} };

/** The API's Meter, with Plume's histogram option (aggregation). */
export interface Meter extends ApiMeter {
  createHistogram<A extends MetricAttributes = MetricAttributes>(name: string, options?: InstrumentOptions): Histogram<A>;
}

/** A meter, and what the core needs of it. */
export interface SdkMeter extends Meter {
  /** Resolves once on-demand aggregation code this meter needs has arrived. */
  ready(): Promise<unknown>;
  collect(): MetricData[];
}

export function createMeter(scope: Scope, core: MeterCore): SdkMeter {
  const storages: InstrumentStorage[] = [];
  // Which storage an observable handed out is, for batch callbacks' observe(instrument, ...).
  const observables = new WeakMap<object, InstrumentStorage>();
  const batches: { cb: BatchObservableCallback; of: Set<InstrumentStorage> }[] = [];
  const create = (name: string, kind: number, options?: InstrumentOptions): InstrumentStorage | undefined => {
    if (typeof name !== 'string' || !NAME.test(name)) {
      const shown = typeof name === 'string' ? JSON.stringify(name) : `(a ${typeof name})`;
      warn(W_WRONG_TYPE, `invalid instrument name ${shown}: a no-op instrument is returned`);
      return undefined;
    }
    let s = storages.find((x) => x.key === `${name}/${kind}`);
    if (!s) storages.push((s = instrumentStorage(name, kind, instrumentOptions(options), scope, core)));
    return s;
  };
  const sync = (kind: number) => (name: string, options?: InstrumentOptions) => {
    const s = create(name, kind, options);
    if (!s) return noop;
    const fn = (value: number, attributes?: object, ctx?: Context) =>
      guard(() => s.record(value, attributes, ctx ?? context.active()));
    return dataKindOf(kind) === DATA_SUM ? { add: fn } : { record: fn };
  };
  const observable = (kind: number) => (name: string, options?: InstrumentOptions): Observable => {
    const s = create(name, kind | OBSERVABLE, options);
    if (!s) return noop;
    const o: Observable = {
      addCallback: (cb) => { if (typeof cb === 'function' && !s.callbacks.includes(cb)) s.callbacks.push(cb); },
      removeCallback: (cb) => { s.callbacks = s.callbacks.filter((c) => c !== cb); },
    };
    observables.set(o, s);
    return o;
  };
  // The API's batch callbacks, as OTel's SDK keeps them: one registration per callback and
  // set of (this meter's observable) instruments; an observation for any other is ignored.
  const storagesOf = (list: unknown): Set<InstrumentStorage> => {
    const out = new Set<InstrumentStorage>();
    if (!Array.isArray(list)) return out;
    for (const o of list) {
      const s = o && typeof o === 'object' ? observables.get(o) : undefined;
      if (s) out.add(s);
    }
    return out;
  };
  const same = (a: Set<InstrumentStorage>, b: Set<InstrumentStorage>) => a.size === b.size && [...a].every((x) => b.has(x));
  return {
    createCounter: sync(DATA_SUM | MONOTONIC) as Meter['createCounter'],
    createUpDownCounter: sync(DATA_SUM) as Meter['createUpDownCounter'],
    createHistogram: sync(DATA_HISTOGRAM) as Meter['createHistogram'],
    createGauge: sync(DATA_GAUGE) as Meter['createGauge'],
    createObservableCounter: observable(DATA_SUM | MONOTONIC),
    createObservableUpDownCounter: observable(DATA_SUM),
    createObservableGauge: observable(DATA_GAUGE),
    addBatchObservableCallback(cb, list) {
      const of = storagesOf(list);
      if (typeof cb !== 'function' || !of.size || batches.some((b) => b.cb === cb && same(b.of, of))) return;
      batches.push({ cb: cb as BatchObservableCallback, of });
    },
    removeBatchObservableCallback(cb, list) {
      const of = storagesOf(list);
      const k = batches.findIndex((b) => b.cb === cb && same(b.of, of));
      if (k >= 0) batches.splice(k, 1);
    },
    ready: () => (storages.some((s) => s.exponential) ? loadExp() : Promise.resolve()),
    collect: () => {
      for (const { cb, of } of batches) {
        runCallback('a batch callback', () => cb({
          observe: (o, value, attributes) => {
            const s = o && typeof o === 'object' ? observables.get(o) : undefined;
            if (s && of.has(s)) s.observe(value, attributes);
          },
        }));
      }
      const out: MetricData[] = [];
      for (const s of storages) {
        const m = guard(() => s.collect());
        if (m) out.push(m);
      }
      return out;
    },
  };
}
