// Collected metric points into the compact records.
import type { Records } from '../encode/records.js';
import {
  DATA_EXP_HISTOGRAM, DATA_HISTOGRAM, EX_ATTRS, EX_BITS, EX_SPAN_ID, EX_TIME, EX_TRACE_ID, EX_VALUE, EX_VALUE_KIND, EX_WORDS,
  HAS_MAX, HAS_MIN, HAS_NEGATIVE, HAS_POSITIVE, HAS_SUM, HPT_BITS, HPT_BOUNDS, HPT_BUCKETS, HPT_COUNT, HPT_EXEMPLARS,
  HPT_MAX, HPT_MIN, HPT_SUM, HPT_WORDS, ID_HAS_SPAN, ID_HAS_TRACE,
  METRIC_DATA, METRIC_DESCRIPTION, METRIC_MONOTONIC, METRIC_NAME, METRIC_POINTS, METRIC_TEMPORALITY, METRIC_UNIT, METRIC_WORDS,
  NPT_EXEMPLARS, NPT_VALUE, NPT_VALUE_KIND, NPT_WORDS, NUM_DOUBLE, NUM_INT, PT_ATTRS, PT_START, PT_TIME,
  XPT_EXEMPLARS, XPT_NEG_BUCKETS, XPT_NEG_OFFSET, XPT_POS_BUCKETS, XPT_POS_OFFSET, XPT_SCALE, XPT_WORDS, XPT_ZERO_COUNT,
} from '../encode/layout.js';
import { hexInto } from '../lib/ids.js';
import type { Attributes } from '../sdk/attributes.js';
import type { Scope } from '../sdk/span.js';
import { writeAttributes } from './attributes.js';
import { PRIORITY_METRIC, type RecordBatch } from './batch.js';

export interface Exemplar { time: number; value: number; isInt: boolean; traceId: string; spanId: string }

interface PointBase { attributes: Attributes; start: number; time: number; exemplars: Exemplar[] }
export interface NumberPoint extends PointBase { value: number; isInt: boolean }
export interface HistogramPoint extends PointBase { count: number; sum: number; min: number; max: number; bounds: number[]; counts: number[] }
export interface ExpHistogramPoint extends PointBase {
  count: number; sum: number; min: number; max: number; scale: number; zeroCount: number;
  positive: { offset: number; counts: number[] }; negative: { offset: number; counts: number[] };
}

export interface MetricData {
  name: string; description: string; unit: string;
  dataKind: number; // DATA_*
  temporality: number; // 1 delta, 2 cumulative (0 for gauges)
  monotonic: boolean;
  points: (NumberPoint | HistogramPoint | ExpHistogramPoint)[];
  scope: Scope;
}

const TWO32 = 4294967296;
function setU64(rec: Records, off: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  rec.words[off] = v - hi * TWO32;
  rec.words[off + 1] = hi >>> 0;
}
/** A number value as NUM_INT (int64 words) or NUM_DOUBLE (IEEE bits). */
function setNumber(rec: Records, off: number, v: number, isInt: boolean): number {
  if (isInt && Number.isSafeInteger(v)) { setU64(rec, off, v); return NUM_INT; }
  rec.setDouble(off, v);
  return NUM_DOUBLE;
}

function writeExemplars(rec: Records, at: number, list: Exemplar[]): void {
  if (!list.length) return;
  const offs = rec.alloc(list.length);
  rec.words[at] = offs;
  rec.words[at + 1] = list.length;
  for (let k = 0; k < list.length; k++) {
    const x = list[k];
    const e = rec.alloc(EX_WORDS);
    rec.words[offs + k] = e;
    hexInto(x.traceId, rec.wordBytes, (e + EX_TRACE_ID) << 2);
    hexInto(x.spanId, rec.wordBytes, (e + EX_SPAN_ID) << 2);
    rec.words[e + EX_BITS] = ID_HAS_TRACE | ID_HAS_SPAN;
    rec.setTimeMs(e + EX_TIME, x.time);
    rec.words[e + EX_VALUE_KIND] = setNumber(rec, e + EX_VALUE, x.value, x.isInt);
    writeAttributes(rec, e + EX_ATTRS, {});
  }
}

function writePairs(rec: Records, at: number, values: number[], doubles: boolean): void {
  const first = rec.alloc(values.length * 2);
  rec.words[at] = first;
  rec.words[at + 1] = values.length;
  for (let k = 0; k < values.length; k++) {
    if (doubles) rec.setDouble(first + 2 * k, values[k]);
    else setU64(rec, first + 2 * k, values[k]);
  }
}

function writeHead(rec: Records, p: PointBase, at: number): void {
  rec.setTimeMs(at + PT_START, p.start);
  rec.setTimeMs(at + PT_TIME, p.time);
  writeAttributes(rec, at + PT_ATTRS, p.attributes);
}

export function writeMetric(batch: RecordBatch, m: MetricData): void {
  const rec = batch.rec;
  const at = rec.alloc(METRIC_WORDS);
  let w = rec.words;
  w[at + METRIC_NAME] = rec.str(m.name);
  w[at + METRIC_DESCRIPTION] = rec.str(m.description);
  w[at + METRIC_UNIT] = rec.str(m.unit);
  w[at + METRIC_DATA] = m.dataKind;
  w[at + METRIC_TEMPORALITY] = m.temporality;
  w[at + METRIC_MONOTONIC] = m.monotonic ? 1 : 0;
  const list = rec.alloc(m.points.length);
  rec.words[at + METRIC_POINTS] = list;
  rec.words[at + METRIC_POINTS + 1] = m.points.length;
  for (let k = 0; k < m.points.length; k++) {
    const p = m.points[k];
    if (m.dataKind === DATA_HISTOGRAM) {
      const h = p as HistogramPoint;
      const pt = rec.alloc(HPT_WORDS);
      rec.words[list + k] = pt;
      writeHead(rec, h, pt);
      setU64(rec, pt + HPT_COUNT, h.count);
      rec.setDouble(pt + HPT_SUM, h.sum);
      let bits = HAS_SUM;
      if (h.count) { rec.setDouble(pt + HPT_MIN, h.min); rec.setDouble(pt + HPT_MAX, h.max); bits |= HAS_MIN | HAS_MAX; }
      rec.words[pt + HPT_BITS] = bits;
      writePairs(rec, pt + HPT_BUCKETS, h.counts, false);
      writePairs(rec, pt + HPT_BOUNDS, h.bounds, true);
      writeExemplars(rec, pt + HPT_EXEMPLARS, h.exemplars);
    } else if (m.dataKind === DATA_EXP_HISTOGRAM) {
      const x = p as ExpHistogramPoint;
      const pt = rec.alloc(XPT_WORDS);
      rec.words[list + k] = pt;
      writeHead(rec, x, pt);
      setU64(rec, pt + HPT_COUNT, x.count);
      rec.setDouble(pt + HPT_SUM, x.sum);
      let bits = HAS_SUM | HAS_POSITIVE | HAS_NEGATIVE;
      if (x.count) { rec.setDouble(pt + HPT_MIN, x.min); rec.setDouble(pt + HPT_MAX, x.max); bits |= HAS_MIN | HAS_MAX; }
      w = rec.words;
      w[pt + HPT_BITS] = bits;
      w[pt + XPT_SCALE] = x.scale >>> 0;
      setU64(rec, pt + XPT_ZERO_COUNT, x.zeroCount);
      rec.words[pt + XPT_POS_OFFSET] = x.positive.offset >>> 0;
      rec.words[pt + XPT_NEG_OFFSET] = x.negative.offset >>> 0;
      writePairs(rec, pt + XPT_POS_BUCKETS, x.positive.counts, false);
      writePairs(rec, pt + XPT_NEG_BUCKETS, x.negative.counts, false);
      writeExemplars(rec, pt + XPT_EXEMPLARS, x.exemplars);
    } else {
      const n = p as NumberPoint;
      const pt = rec.alloc(NPT_WORDS);
      rec.words[list + k] = pt;
      writeHead(rec, n, pt);
      rec.words[pt + NPT_VALUE_KIND] = setNumber(rec, pt + NPT_VALUE, n.value, n.isInt);
      writeExemplars(rec, pt + NPT_EXEMPLARS, n.exemplars);
    }
  }
  batch.add(m.scope, at, PRIORITY_METRIC);
}
