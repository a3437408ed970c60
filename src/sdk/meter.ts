// Meter: OTel API instruments, aggregated in memory per attribute set, written into records
// at each collection. Delta temporality by default (each collection reports what happened
// since the last; a page view is not a long-lived process), cumulative on request.
import { DATA_EXP_HISTOGRAM, DATA_GAUGE, DATA_HISTOGRAM, DATA_SUM } from '../encode/layout.js';
import { now } from '../lib/clock.js';
import { guard, warn, warnOnce, W_CALLBACK, W_WRONG_TYPE } from '../lib/diag.js';
import { cleanAttributes, type Attributes, type Limits } from './attributes.js';
import { context, type Context } from './context.js';
import type { ExponentialHistogram } from './exponential-histogram.js';
import { loadExponentialHistogram } from '../lib/chunks.js';
import type { Scope } from './span.js';
import { getSpan, TRACE_FLAG_SAMPLED } from './span-context.js';
import type { Exemplar, ExpHistogramPoint, HistogramPoint, MetricData, NumberPoint } from '../record/metric.js';

export type Temporality = 'delta' | 'cumulative';

/** OTel's default explicit bucket boundaries. */
export const DEFAULT_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

export interface InstrumentOptions {
  description?: string;
  unit?: string;
  /** OTel's ValueType: 0 | 'int' for integers, anything else double. */
  valueType?: number | string;
  advice?: { explicitBucketBoundaries?: number[] };
  /** Plume: aggregate this histogram as a base-2 exponential histogram. */
  aggregation?: 'explicit' | 'exponential';
}

export interface MeterCore {
  limits: Limits;
  temporality: Temporality;
  histogramAggregation: 'explicit' | 'exponential';
  enabled(): boolean;
}

type Kind = 'counter' | 'updown' | 'histogram' | 'gauge' | 'ocounter' | 'oupdown' | 'ogauge';

interface Cell {
  attributes: Attributes;
  start: number;
  value: number;
  time: number;
  hist?: { counts: number[]; sum: number; count: number; min: number; max: number; exemplars: (Exemplar | undefined)[] };
  exp?: ExponentialHistogram;
  /** Values recorded before the exponential aggregation's code arrived (it is loaded on demand). */
  early?: number[];
  exemplar?: Exemplar;
  lastObserved?: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
const MAX_EARLY = 10_000;

let Exp: (new () => ExponentialHistogram) | undefined;
let expLoading: Promise<unknown> | undefined;
const loadExp = () => (expLoading ??= loadExponentialHistogram().then((m) => { Exp = m.ExponentialHistogram; }, () => {}));

/** Stable key of an attribute set: same attributes in any order, same cell. */
function keyOf(attrs: Attributes): string {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return '';
  keys.sort();
  let s = '';
  for (const k of keys) s += `${k}\u0000${typeof attrs[k]}\u0000${String(attrs[k])}\u0001`;
  return s;
}

/** The exemplar for a measurement made inside a sampled span (OTel's trace_based filter). */
function exemplarFor(value: number, isInt: boolean, ctx: Context): Exemplar | undefined {
  const span = getSpan(ctx);
  if (!span || !span.isRecording()) return undefined;
  const sc = span.spanContext();
  if (!(sc.traceFlags & TRACE_FLAG_SAMPLED)) return undefined;
  return { time: now(), value, isInt, traceId: sc.traceId, spanId: sc.spanId };
}

export class MetricStorage {
  private cells = new Map<string, Cell>();
  private callbacks: ((r: { observe(value: number, attributes?: Record<string, unknown>): void }) => void)[] = [];
  readonly isInt: boolean;
  readonly boundaries: number[];
  readonly exponential: boolean;

  constructor(
    readonly name: string,
    readonly kind: Kind,
    readonly options: InstrumentOptions,
    readonly scope: Scope,
    private readonly core: MeterCore,
  ) {
    this.isInt = options.valueType === 0 || options.valueType === 'int';
    const b = options.advice?.explicitBucketBoundaries;
    this.boundaries = Array.isArray(b) && b.every((x, k) => typeof x === 'number' && (k === 0 || x > b[k - 1])) ? b.slice() : DEFAULT_BOUNDARIES;
    this.exponential = kind === 'histogram' && (options.aggregation ?? core.histogramAggregation) === 'exponential';
    if (this.exponential) void loadExp();
  }

  private cell(attributes: unknown): Cell {
    const { values } = cleanAttributes(attributes, this.core.limits);
    const key = keyOf(values);
    let c = this.cells.get(key);
    if (!c) {
      const t = now();
      c = { attributes: values, start: t, value: 0, time: t };
      if (this.kind === 'histogram') {
        if (this.exponential) { if (Exp) c.exp = new Exp(); else c.early = []; }
        else c.hist = { counts: new Array(this.boundaries.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity, exemplars: [] };
      }
      this.cells.set(key, c);
    }
    return c;
  }

  record(value: unknown, attributes: unknown, ctx: Context): void {
    if (!this.core.enabled()) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      warnOnce(W_WRONG_TYPE, `${this.name}: measurement ${String(value)} is not a finite number; ignored`);
      return;
    }
    if ((this.kind === 'counter' || this.kind === 'histogram') && value < 0) {
      warnOnce(W_WRONG_TYPE, `${this.name}: negative value ${value} for a ${this.kind}; ignored`);
      return;
    }
    const c = this.cell(attributes);
    c.time = now();
    const ex = exemplarFor(value, this.isInt, ctx);
    if (this.kind === 'gauge') c.value = value;
    else if (c.early) { if (c.early.length < MAX_EARLY) c.early.push(value); }
    else if (c.exp) c.exp.record(value);
    else if (c.hist) {
      const h = c.hist;
      let i = 0;
      // (b[i-1], b[i]] buckets: the first boundary >= value.
      while (i < this.boundaries.length && value > this.boundaries[i]) i++;
      h.counts[i]++;
      h.count++;
      h.sum += value;
      if (value < h.min) h.min = value;
      if (value > h.max) h.max = value;
      if (ex) h.exemplars[i] = ex;
      return;
    } else c.value += value;
    if (ex) c.exemplar = ex;
  }

  addCallback(cb: (r: { observe(value: number, attributes?: Record<string, unknown>): void }) => void): void {
    if (typeof cb === 'function') this.callbacks.push(cb);
  }
  removeCallback(cb: unknown): void {
    this.callbacks = this.callbacks.filter((c) => c !== cb);
  }

  private observe(): void {
    const delta = this.core.temporality === 'delta';
    for (const cb of this.callbacks) {
      try {
        cb({
          observe: (value, attributes) => {
            if (typeof value !== 'number' || !Number.isFinite(value)) return;
            const c = this.cell(attributes);
            c.time = now();
            if (this.kind === 'ogauge' || !delta) c.value = value;
            else {
              // Observable counters report totals; delta is the change since the last collection.
              c.value = value - (c.lastObserved ?? 0);
              c.lastObserved = value;
            }
          },
        });
      } catch (e) {
        warn(W_CALLBACK, `observable callback for ${this.name} threw: ${(e as Error)?.message ?? e}`);
      }
    }
  }

  /** The points since the last collection (delta) or since the start (cumulative), or undefined if none. */
  collect(): MetricData | undefined {
    if (this.callbacks.length) this.observe();
    if (this.cells.size === 0) return undefined;
    const delta = this.core.temporality === 'delta';
    const t = now();
    const points: (NumberPoint | HistogramPoint | ExpHistogramPoint)[] = [];
    let dataKind = DATA_SUM;
    for (const c of this.cells.values()) {
      if (c.early) {
        // Until the aggregation's code is here the values wait (not reported yet, not lost).
        if (!Exp) continue;
        c.exp = new Exp();
        for (const v of c.early) c.exp.record(v);
        c.early = undefined;
      }
      const base = { attributes: c.attributes, start: c.start, time: c.time };
      if (c.hist) {
        dataKind = DATA_HISTOGRAM;
        const h = c.hist;
        points.push({ ...base, count: h.count, sum: h.sum, min: h.min, max: h.max, bounds: this.boundaries, counts: h.counts.slice(),
          exemplars: h.exemplars.filter((e): e is Exemplar => !!e) });
      } else if (c.exp) {
        dataKind = DATA_EXP_HISTOGRAM;
        const x = c.exp;
        points.push({ ...base, count: x.count, sum: x.sum, min: x.min, max: x.max, scale: x.scale, zeroCount: x.zeroCount,
          positive: { offset: x.positive.offset, counts: x.positive.counts.slice() },
          negative: { offset: x.negative.offset, counts: x.negative.counts.slice() }, exemplars: [] });
      } else {
        if (this.kind === 'gauge' || this.kind === 'ogauge') dataKind = DATA_GAUGE;
        points.push({ ...base, value: c.value, isInt: this.isInt, exemplars: c.exemplar ? [c.exemplar] : [] });
      }
    }
    if (delta) {
      // Observable cells keep their last total to diff against; the rest start over.
      for (const [k, c] of this.cells) {
        if (c.early) continue;
        if (c.lastObserved !== undefined) { c.start = t; c.value = 0; } else this.cells.delete(k);
      }
    }
    if (!points.length) return undefined;
    const gauge = dataKind === DATA_GAUGE;
    return {
      name: this.name,
      description: String(this.options.description ?? ''),
      unit: String(this.options.unit ?? ''),
      dataKind,
      temporality: gauge ? 0 : delta ? 1 : 2,
      monotonic: this.kind === 'counter' || this.kind === 'ocounter',
      points,
      scope: this.scope,
    };
  }
}

const noop = { add() {}, record() {}, addCallback() {}, removeCallback() {} };

export class Meter {
  readonly storages: MetricStorage[] = [];
  constructor(readonly scope: Scope, private readonly core: MeterCore) {}

  private create(name: string, kind: Kind, options?: InstrumentOptions): MetricStorage | undefined {
    if (typeof name !== 'string' || !NAME.test(name)) {
      warn(W_WRONG_TYPE, `invalid instrument name ${JSON.stringify(name)}: a no-op instrument is returned`);
      return undefined;
    }
    const existing = this.storages.find((s) => s.name === name && s.kind === kind);
    if (existing) return existing;
    const s = new MetricStorage(name, kind, options && typeof options === 'object' ? options : {}, this.scope, this.core);
    this.storages.push(s);
    return s;
  }

  private sync(name: string, kind: Kind, options?: InstrumentOptions) {
    const s = this.create(name, kind, options);
    if (!s) return noop;
    const fn = (value: number, attributes?: Record<string, unknown>, ctx?: Context) =>
      guard(() => s.record(value, attributes, ctx ?? context.active()));
    return kind === 'counter' || kind === 'updown' ? { add: fn } : { record: fn };
  }

  private observable(name: string, kind: Kind, options?: InstrumentOptions) {
    const s = this.create(name, kind, options);
    if (!s) return noop;
    return { addCallback: (cb: Parameters<MetricStorage['addCallback']>[0]) => s.addCallback(cb), removeCallback: (cb: unknown) => s.removeCallback(cb) };
  }

  createCounter(name: string, options?: InstrumentOptions) { return this.sync(name, 'counter', options) as { add(v: number, a?: Record<string, unknown>, c?: Context): void }; }
  createUpDownCounter(name: string, options?: InstrumentOptions) { return this.sync(name, 'updown', options) as { add(v: number, a?: Record<string, unknown>, c?: Context): void }; }
  createHistogram(name: string, options?: InstrumentOptions) { return this.sync(name, 'histogram', options) as { record(v: number, a?: Record<string, unknown>, c?: Context): void }; }
  createGauge(name: string, options?: InstrumentOptions) { return this.sync(name, 'gauge', options) as { record(v: number, a?: Record<string, unknown>, c?: Context): void }; }
  createObservableCounter(name: string, options?: InstrumentOptions) { return this.observable(name, 'ocounter', options); }
  createObservableUpDownCounter(name: string, options?: InstrumentOptions) { return this.observable(name, 'oupdown', options); }
  createObservableGauge(name: string, options?: InstrumentOptions) { return this.observable(name, 'ogauge', options); }

  /** Resolves once on-demand aggregation code this meter needs has arrived. */
  ready(): Promise<unknown> {
    return this.storages.some((s) => s.exponential) ? loadExp() : Promise.resolve();
  }

  collect(): MetricData[] {
    const out: MetricData[] = [];
    for (const s of this.storages) {
      const m = guard(() => s.collect());
      if (m) out.push(m);
    }
    return out;
  }
}
