// A protobuf wire-format walker for Export{Trace,Metrics,Logs}ServiceRequest: it checks that a
// body is a well-formed message tree of the signal's request type without decoding it (no
// objects, no strings, one pass). What it checks, per the official .proto files:
// - every tag is a valid varint with a field number > 0 and a wire type of 0, 1, 2 or 5
//   (groups are not in OTLP and are refused);
// - every length stays inside its enclosing message, every varint ends within 10 bytes;
// - the known fields of the OTLP messages have their declared wire type and nested known
//   messages are walked in turn (to a depth of 128); unknown fields are skipped, as a
//   receiver does for newer schema versions;
// - string fields are valid UTF-8 (Go's protobuf, hence the Collector, refuses them otherwise);
//   trace and span ids are empty or 16 and 8 bytes (the Collector refuses other lengths).
// One deliberate difference: the Collector's decoder treats a known field with the wrong wire
// type as unknown; no encoder writes one and garbage almost always does, so here it is refused.

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

// Field kinds. Message kinds are MSG + index into MESSAGES.
const VARINT = 1, FIXED64 = 2, FIXED32 = 3, STRING = 4, BYTES = 5, ID16 = 6, ID8 = 7, PACKED64 = 8, PACKED_VARINT = 9;
const MSG = 16;
const MAX_DEPTH = 128;

type Spec = Record<number, number | string>;
const SPECS: Record<string, Spec> = {
  AnyValue: { 1: STRING, 2: VARINT, 3: VARINT, 4: FIXED64, 5: 'ArrayValue', 6: 'KeyValueList', 7: BYTES, 8: VARINT },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
  KeyValue: { 1: STRING, 2: 'AnyValue', 3: VARINT },
  InstrumentationScope: { 1: STRING, 2: STRING, 3: 'KeyValue', 4: VARINT },
  EntityRef: { 1: STRING, 2: STRING, 3: STRING, 4: STRING },
  Resource: { 1: 'KeyValue', 2: VARINT, 3: 'EntityRef' },

  ExportTraceServiceRequest: { 1: 'ResourceSpans' },
  ResourceSpans: { 1: 'Resource', 2: 'ScopeSpans', 3: STRING },
  ScopeSpans: { 1: 'InstrumentationScope', 2: 'Span', 3: STRING },
  Span: {
    1: ID16, 2: ID8, 3: STRING, 4: ID8, 5: STRING, 6: VARINT, 7: FIXED64, 8: FIXED64, 9: 'KeyValue', 10: VARINT,
    11: 'Event', 12: VARINT, 13: 'Link', 14: VARINT, 15: 'Status', 16: FIXED32,
  },
  Event: { 1: FIXED64, 2: STRING, 3: 'KeyValue', 4: VARINT },
  Link: { 1: ID16, 2: ID8, 3: STRING, 4: 'KeyValue', 5: VARINT, 6: FIXED32 },
  Status: { 2: STRING, 3: VARINT },

  ExportMetricsServiceRequest: { 1: 'ResourceMetrics' },
  ResourceMetrics: { 1: 'Resource', 2: 'ScopeMetrics', 3: STRING },
  ScopeMetrics: { 1: 'InstrumentationScope', 2: 'Metric', 3: STRING },
  Metric: { 1: STRING, 2: STRING, 3: STRING, 5: 'Gauge', 7: 'Sum', 9: 'Histogram', 10: 'ExponentialHistogram', 11: 'Summary', 12: 'KeyValue' },
  Gauge: { 1: 'NumberDataPoint' },
  Sum: { 1: 'NumberDataPoint', 2: VARINT, 3: VARINT },
  Histogram: { 1: 'HistogramDataPoint', 2: VARINT },
  ExponentialHistogram: { 1: 'ExponentialHistogramDataPoint', 2: VARINT },
  Summary: { 1: 'SummaryDataPoint' },
  NumberDataPoint: { 2: FIXED64, 3: FIXED64, 4: FIXED64, 5: 'Exemplar', 6: FIXED64, 7: 'KeyValue', 8: VARINT },
  HistogramDataPoint: {
    2: FIXED64, 3: FIXED64, 4: FIXED64, 5: FIXED64, 6: PACKED64, 7: PACKED64, 8: 'Exemplar', 9: 'KeyValue', 10: VARINT,
    11: FIXED64, 12: FIXED64,
  },
  ExponentialHistogramDataPoint: {
    1: 'KeyValue', 2: FIXED64, 3: FIXED64, 4: FIXED64, 5: FIXED64, 6: VARINT, 7: FIXED64, 8: 'Buckets', 9: 'Buckets',
    10: VARINT, 11: 'Exemplar', 12: FIXED64, 13: FIXED64, 14: FIXED64,
  },
  Buckets: { 1: VARINT, 2: PACKED_VARINT },
  SummaryDataPoint: { 2: FIXED64, 3: FIXED64, 4: FIXED64, 5: FIXED64, 6: 'ValueAtQuantile', 7: 'KeyValue', 8: VARINT },
  ValueAtQuantile: { 1: FIXED64, 2: FIXED64 },
  Exemplar: { 2: FIXED64, 3: FIXED64, 4: ID8, 5: ID16, 6: FIXED64, 7: 'KeyValue' },

  ExportLogsServiceRequest: { 1: 'ResourceLogs' },
  ResourceLogs: { 1: 'Resource', 2: 'ScopeLogs', 3: STRING },
  ScopeLogs: { 1: 'InstrumentationScope', 2: 'LogRecord', 3: STRING },
  LogRecord: { 1: FIXED64, 2: VARINT, 3: STRING, 5: 'AnyValue', 6: 'KeyValue', 7: VARINT, 8: FIXED32, 9: ID16, 10: ID8, 11: FIXED64, 12: STRING },
};

// Compiled once: per message, an array from field number to kind (0: unknown field).
const NAMES = Object.keys(SPECS);
const TABLE: Uint8Array[] = NAMES.map((name) => {
  const spec = SPECS[name];
  const max = Math.max(0, ...Object.keys(spec).map(Number));
  const t = new Uint8Array(max + 1);
  for (const [k, v] of Object.entries(spec)) t[Number(k)] = typeof v === 'string' ? MSG + NAMES.indexOf(v) : v;
  return t;
});
const ROOT: Record<OtlpSignal, number> = {
  traces: NAMES.indexOf('ExportTraceServiceRequest'),
  metrics: NAMES.indexOf('ExportMetricsServiceRequest'),
  logs: NAMES.indexOf('ExportLogsServiceRequest'),
};

class Malformed extends Error {}

const EMPTY = new Uint8Array(0);
let B: Uint8Array = EMPTY;
let P = 0;

function fail(what: string, at: number, msg: number): never {
  throw new Malformed(`${what} at byte ${at} (in ${NAMES[msg]})`);
}

/** A varint as a number (exact below 2^53, which is all a length or tag can be). */
function varint(end: number, msg: number): number {
  const at = P;
  let v = 0;
  let m = 1;
  for (let i = 0; i < 10; i++) {
    if (P >= end) fail('truncated varint', at, msg);
    const b = B[P++];
    // The 10th byte of a 64-bit varint holds only the top bit.
    if (i === 9 && b > 1) fail('varint longer than 64 bits', at, msg);
    v += (b & 0x7f) * m;
    if (!(b & 0x80)) return v;
    m *= 128;
  }
  return fail('varint longer than 10 bytes', at, msg);
}

function utf8(start: number, end: number, msg: number): void {
  let i = start;
  while (i < end) {
    const c = B[i];
    if (c < 0x80) { i++; continue; }
    let n: number;
    let lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; }
    else return fail('invalid UTF-8 in a string field', i, msg);
    if (i + n >= end) fail('truncated UTF-8 in a string field', i, msg);
    const b1 = B[i + 1];
    if (b1 < lo || b1 > hi) fail('invalid UTF-8 in a string field', i, msg);
    for (let k = 2; k <= n; k++) {
      const b = B[i + k];
      if (b < 0x80 || b > 0xbf) fail('invalid UTF-8 in a string field', i, msg);
    }
    i += n + 1;
  }
}

function walk(msg: number, end: number, depth: number): void {
  if (depth > MAX_DEPTH) fail(`messages nested deeper than ${MAX_DEPTH}`, P, msg);
  const table = TABLE[msg];
  while (P < end) {
    const at = P;
    const tag = varint(end, msg);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0 || field > 0x1fffffff) fail(`invalid field number ${field}`, at, msg);
    const kind = field < table.length ? table[field] : 0;
    switch (wire) {
      case 0:
        if (kind && kind !== VARINT && kind !== PACKED_VARINT) fail(`field ${field}: varint where ${kindName(kind)} belongs`, at, msg);
        varint(end, msg);
        break;
      case 1:
        if (kind && kind !== FIXED64 && kind !== PACKED64) fail(`field ${field}: fixed64 where ${kindName(kind)} belongs`, at, msg);
        if (P + 8 > end) fail('truncated fixed64', at, msg);
        P += 8;
        break;
      case 5:
        if (kind && kind !== FIXED32) fail(`field ${field}: fixed32 where ${kindName(kind)} belongs`, at, msg);
        if (P + 4 > end) fail('truncated fixed32', at, msg);
        P += 4;
        break;
      case 2: {
        const len = varint(end, msg);
        const start = P;
        const stop = start + len;
        if (stop > end) fail(`field ${field}: length ${len} runs past the end of the message`, at, msg);
        if (kind >= MSG) {
          walk(kind - MSG, stop, depth + 1);
        } else if (kind === STRING) {
          utf8(start, stop, msg);
        } else if (kind === ID16 || kind === ID8) {
          const want = kind === ID16 ? 16 : 8;
          if (len !== 0 && len !== want) fail(`field ${field}: an id of ${len} bytes (expected ${want})`, at, msg);
        } else if (kind === PACKED64) {
          if (len % 8) fail(`field ${field}: packed fixed64 of ${len} bytes`, at, msg);
        } else if (kind === PACKED_VARINT) {
          while (P < stop) varint(stop, msg);
        } else if (kind && kind !== BYTES) {
          fail(`field ${field}: length-delimited where ${kindName(kind)} belongs`, at, msg);
        }
        P = stop;
        break;
      }
      default:
        fail(`wire type ${wire} (field ${field}) is not used by OTLP`, at, msg);
    }
  }
  if (P !== end) fail('message overruns its length', P, msg);
}

function kindName(kind: number): string {
  if (kind >= MSG) return `a ${NAMES[kind - MSG]}`;
  return ['', 'a varint', 'a fixed64', 'a fixed32', 'a string', 'bytes', 'a trace id', 'a span id', 'packed fixed64', 'packed varints'][kind];
}

/** Why the body is not a well-formed Export*ServiceRequest of the signal, or undefined when it is. */
export function checkOtlpProtobuf(signal: OtlpSignal, body: Uint8Array): string | undefined {
  B = body;
  P = 0;
  try {
    walk(ROOT[signal], body.length, 0);
    return undefined;
  } catch (e) {
    if (e instanceof Malformed) return e.message;
    // A stack overflow (or anything else) on hostile input is still a refusal.
    return `unreadable protobuf (${(e as Error)?.message ?? e})`;
  } finally {
    B = EMPTY;
  }
}
