// What the viewer shows beyond raw rows: percentiles estimated from histogram buckets, Web
// Vitals per route, grouped errors, request durations. Pure functions over stored rows.
import type { Attributes, JsValue, LogRow, MetricRow, SpanRow } from './types.js';

export interface Bucket { lo: number; hi: number; count: number }

export interface Distribution {
  count: number;
  min: number | null;
  max: number | null;
  /** Non-empty buckets in ascending order, infinite edges replaced by min / max (or the nearest bound). */
  buckets: Bucket[];
}

/**
 * Cumulative points repeat everything since their start time, so summing them would count
 * each measurement once per export. Per series (resource, attributes, start time) only the
 * newest cumulative point counts; delta points are all independent and all count.
 */
export function effectivePoints(points: MetricRow[]): MetricRow[] {
  const independent: MetricRow[] = [];
  const latest = new Map<string, MetricRow>();
  for (const p of points) {
    if (p.temporality !== 2) {
      independent.push(p);
      continue;
    }
    const key = JSON.stringify([p.name, p.resource, p.attributes, p.startTimeUnixNano]);
    const previous = latest.get(key);
    if (!previous || BigInt(p.timeUnixNano) >= BigInt(previous.timeUnixNano)) latest.set(key, p);
  }
  return independent.concat([...latest.values()]);
}

const num = (v: number | string | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Merges histogram and exponential-histogram points into one set of buckets. */
export function distribution(points: MetricRow[]): Distribution {
  const counts = new Map<string, Bucket>();
  let min: number | null = null;
  let max: number | null = null;
  let count = 0;
  const add = (lo: number, hi: number, n: number) => {
    if (!(n > 0)) return;
    const key = `${lo}|${hi}`;
    const bucket = counts.get(key);
    if (bucket) bucket.count += n;
    else counts.set(key, { lo, hi, count: n });
    count += n;
  };

  const exponential = points.filter((p) => p.type === 'exponentialHistogram');
  for (const p of points) {
    if (p.type !== 'histogram' && p.type !== 'exponentialHistogram') continue;
    if (finite(p.min)) min = min === null ? p.min : Math.min(min, p.min);
    if (finite(p.max)) max = max === null ? p.max : Math.max(max, p.max);
    if (p.type !== 'histogram') continue;
    const bounds = p.explicitBounds ?? [];
    (p.bucketCounts ?? []).forEach((c, i) => {
      add(i === 0 ? -Infinity : bounds[i - 1] ?? Infinity, i < bounds.length ? bounds[i] : Infinity, num(c));
    });
  }

  if (exponential.length) {
    // Buckets of different scales only line up after bringing every point to the coarsest one.
    const scale = Math.min(...exponential.map((p) => p.scale ?? 0));
    const positive = new Map<number, number>();
    const negative = new Map<number, number>();
    let zero = 0;
    let zeroThreshold = 0;
    for (const p of exponential) {
      const factor = 2 ** ((p.scale ?? 0) - scale);
      const fold = (target: Map<number, number>, b: MetricRow['positive']) => {
        b?.bucketCounts.forEach((c, i) => {
          const index = Math.floor((b.offset + i) / factor);
          target.set(index, (target.get(index) ?? 0) + num(c));
        });
      };
      fold(positive, p.positive);
      fold(negative, p.negative);
      zero += num(p.zeroCount);
      zeroThreshold = Math.max(zeroThreshold, p.zeroThreshold ?? 0);
    }
    const edge = (index: number) => 2 ** (index * 2 ** -scale);
    for (const [index, c] of positive) add(edge(index), edge(index + 1), c);
    for (const [index, c] of negative) add(-edge(index + 1), -edge(index), c);
    add(-zeroThreshold, zeroThreshold, zero);
  }

  const buckets = [...counts.values()].map((b) => ({ ...b }));
  for (const b of buckets) {
    if (b.lo === -Infinity) b.lo = min !== null && min <= b.hi ? min : b.hi > 0 ? 0 : b.hi;
    if (b.hi === Infinity) b.hi = max !== null && max >= b.lo ? max : b.lo;
  }
  buckets.sort((a, b) => a.hi - b.hi || a.lo - b.lo);
  return { count, min, max, buckets };
}

/** The q-quantile (0..1), interpolating linearly inside the bucket that holds it. */
export function quantile(d: Distribution, q: number): number | null {
  if (d.count === 0) return null;
  const target = q * d.count;
  let seen = 0;
  for (const b of d.buckets) {
    if (seen + b.count >= target) {
      const value = b.lo + (b.hi - b.lo) * Math.max(0, (target - seen) / b.count);
      return clamp(value, d.min, d.max);
    }
    seen += b.count;
  }
  return clamp(d.buckets[d.buckets.length - 1].hi, d.min, d.max);
}

function clamp(v: number, min: number | null, max: number | null): number {
  if (min !== null && v < min) return min;
  if (max !== null && v > max) return max;
  return v;
}

function histogramPoints(points: MetricRow[]): MetricRow[] {
  return effectivePoints(points.filter((p) => p.type === 'histogram' || p.type === 'exponentialHistogram'));
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const text = (v: JsValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

// ---------------------------------------------------------------------------------------
// Web Vitals

/** web.dev thresholds: good up to the first value, poor above the second (ms; CLS unitless). Core vitals first. */
export const VITAL_THRESHOLDS: Record<string, [number, number]> = {
  lcp: [2500, 4000],
  inp: [200, 500],
  cls: [0.1, 0.25],
  fcp: [1800, 3000],
  ttfb: [800, 1800],
};
export const VITAL_METRICS = Object.keys(VITAL_THRESHOLDS).map((v) => `browser.web_vital.${v}`);

export interface VitalRow {
  vital: string;
  metric: string;
  unit: string;
  route: string;
  count: number;
  p75: number | null;
  rating: 'good' | 'needs-improvement' | 'poor' | '';
  ratings: Record<string, number>;
  histogram: Bucket[];
}

export function routeOf(attributes: Attributes): string {
  return text(attributes['url.path'] ?? attributes['route']) || '(no route)';
}

function rate(vital: string, unit: string, value: number | null): VitalRow['rating'] {
  if (value === null) return '';
  const [good, poor] = VITAL_THRESHOLDS[vital];
  const scale = vital !== 'cls' && unit === 's' ? 1 / 1000 : 1;
  return value <= good * scale ? 'good' : value <= poor * scale ? 'needs-improvement' : 'poor';
}

function vitalRow(vital: string, route: string, points: MetricRow[]): VitalRow {
  const d = distribution(points);
  const ratings: Record<string, number> = {};
  for (const p of points) {
    const r = text(p.attributes['rating']) || 'unrated';
    ratings[r] = (ratings[r] ?? 0) + num(p.count);
  }
  const unit = points[0]?.unit ?? '';
  const p75 = quantile(d, 0.75);
  return { vital, metric: `browser.web_vital.${vital}`, unit, route, count: d.count, p75, rating: rate(vital, unit, p75), ratings, histogram: d.buckets };
}

export function webVitals(rows: MetricRow[]): { vitals: VitalRow[]; overall: VitalRow[] } {
  const vitals: VitalRow[] = [];
  const overall: VitalRow[] = [];
  for (const [metric, points] of groupBy(histogramPoints(rows), (p) => p.name)) {
    const vital = metric.slice('browser.web_vital.'.length);
    if (!VITAL_THRESHOLDS[vital]) continue;
    overall.push(vitalRow(vital, '(all routes)', points));
    for (const [route, routePoints] of groupBy(points, (p) => routeOf(p.attributes))) {
      vitals.push(vitalRow(vital, route, routePoints));
    }
  }
  const order = (r: VitalRow) => Object.keys(VITAL_THRESHOLDS).indexOf(r.vital);
  vitals.sort((a, b) => order(a) - order(b) || a.route.localeCompare(b.route));
  overall.sort((a, b) => order(a) - order(b));
  return { vitals, overall };
}

// ---------------------------------------------------------------------------------------
// Request durations

export const DURATION_METRICS = ['http.client.request.duration', 'http.server.request.duration'];

export interface DurationRow {
  metric: string;
  kind: 'client' | 'server';
  service: string;
  method: string;
  target: string;
  unit: string;
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

export function requestDurations(rows: MetricRow[]): DurationRow[] {
  const out: DurationRow[] = [];
  const points = histogramPoints(rows.filter((p) => DURATION_METRICS.includes(p.name)));
  const targetOf = (p: MetricRow) => text(p.name === 'http.server.request.duration'
    ? p.attributes['http.route'] ?? p.attributes['url.path']
    : p.attributes['server.address']);
  const groups = groupBy(points, (p) => JSON.stringify([p.name, p.service, text(p.attributes['http.request.method']), targetOf(p)]));
  for (const [key, group] of groups) {
    const [metric, service, method, target] = JSON.parse(key) as string[];
    const d = distribution(group);
    out.push({
      metric, kind: metric === 'http.server.request.duration' ? 'server' : 'client', service, method, target,
      unit: group[0].unit, count: d.count, p50: quantile(d, 0.5), p75: quantile(d, 0.75), p95: quantile(d, 0.95),
    });
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || b.count - a.count || a.target.localeCompare(b.target));
}

// ---------------------------------------------------------------------------------------
// Errors

export interface ErrorGroup {
  type: string;
  message: string;
  count: number;
  firstSeenUnixNano: string;
  lastSeenUnixNano: string;
  lastSeenMs: number;
  /** The latest occurrence that belongs to a trace, for the link to its waterfall. */
  traceId: string;
  spanId: string;
  spanName: string;
  stacktrace: string;
  /** The stack as it arrived, when it was symbolicated (--source-maps). */
  minifiedStacktrace: string;
  /** The top original frame the group is keyed by (`fn (file:line)`), '' for groups by type and message. */
  topFrame: string;
  services: string[];
  sources: { spanEvent: number; log: number };
  /** The attributes of the latest occurrence with a stack (for the API to add original frames). */
  attributes: Attributes;
}

interface Occurrence {
  type: string; message: string; stacktrace: string; time: bigint; traceId: string; spanId: string;
  spanName: string; service: string; source: 'spanEvent' | 'log'; attributes: Attributes;
}

/**
 * What an error is grouped by: its top original frame when the stack was symbolicated (the
 * symbolicator kept the minified one beside it and set code.*), so messages with ids in them
 * still make one group and two throws with one message make two; else type and message.
 */
function topFrameOf(attrs: Attributes): string {
  if (typeof attrs['plume.exception.minified_stacktrace'] !== 'string' || attrs['code.file.path'] === undefined) return '';
  const fn = text(attrs['code.function.name']);
  return `${fn || '<anonymous>'} (${text(attrs['code.file.path'])}:${text(attrs['code.line.number'])})`;
}

function isException(attrs: Attributes): boolean {
  return attrs['exception.type'] !== undefined || attrs['exception.message'] !== undefined;
}

const toBigInt = (ns: string): bigint => {
  try { return BigInt(ns); } catch { return 0n; }
};

export function errorGroups(spans: SpanRow[], logs: LogRow[]): ErrorGroup[] {
  const occurrences: Occurrence[] = [];
  for (const span of spans) {
    for (const event of span.events) {
      if (event.name !== 'exception' && !isException(event.attributes)) continue;
      const time = toBigInt(event.timeUnixNano);
      occurrences.push({
        type: text(event.attributes['exception.type']), message: text(event.attributes['exception.message']),
        stacktrace: text(event.attributes['exception.stacktrace']),
        time: time || toBigInt(span.startTimeUnixNano), traceId: span.traceId, spanId: span.spanId,
        spanName: span.name, service: span.service, source: 'spanEvent', attributes: event.attributes,
      });
    }
  }
  for (const log of logs) {
    if (!isException(log.attributes)) continue;
    const time = toBigInt(log.timeUnixNano);
    occurrences.push({
      type: text(log.attributes['exception.type']),
      message: text(log.attributes['exception.message']) || text(log.body),
      stacktrace: text(log.attributes['exception.stacktrace']),
      time: time || toBigInt(log.observedTimeUnixNano), traceId: log.traceId, spanId: log.spanId,
      spanName: '', service: log.service, source: 'log', attributes: log.attributes,
    });
  }

  const groups: ErrorGroup[] = [];
  for (const list of groupBy(occurrences, (o) => `${o.type}\n${topFrameOf(o.attributes) || `\n${o.message}`}`).values()) {
    list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const last = list[list.length - 1];
    const linked = [...list].reverse().find((o) => o.traceId) ?? last;
    const withStack = [...list].reverse().find((o) => o.stacktrace);
    groups.push({
      type: last.type,
      message: last.message,
      count: list.length,
      firstSeenUnixNano: list[0].time.toString(),
      lastSeenUnixNano: last.time.toString(),
      lastSeenMs: Number(last.time / 1000n) / 1000,
      traceId: linked.traceId,
      spanId: linked.spanId,
      spanName: linked.spanName,
      stacktrace: withStack?.stacktrace ?? '',
      minifiedStacktrace: text(withStack?.attributes['plume.exception.minified_stacktrace']),
      topFrame: topFrameOf(last.attributes),
      attributes: withStack?.attributes ?? {},
      services: [...new Set(list.map((o) => o.service))].sort(),
      sources: {
        spanEvent: list.filter((o) => o.source === 'spanEvent').length,
        log: list.filter((o) => o.source === 'log').length,
      },
    });
  }
  const newestFirst = (a: ErrorGroup, b: ErrorGroup) => {
    const d = BigInt(b.lastSeenUnixNano) - BigInt(a.lastSeenUnixNano);
    return d > 0n ? 1 : d < 0n ? -1 : b.count - a.count;
  };
  return groups.sort(newestFirst);
}
