// Checks that a body is an OTLP export of its signal before the relay forwards it, without
// decoding it into objects. One schema (SCHEMA, from the official .proto files) and two walks.
//
// Protobuf, the wire format walked in one pass (no objects, no strings):
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
//
// OTLP/JSON, over the parsed value: see checkOtlpJson. The collector's answers (partial
// success) are checked by the same walks before the relay passes them to the browser.
//
// The protobuf walk also finds, in the same pass, chosen attributes of log records and span
// events (findRecordAttributes: the relay's symbolication reads exception.stacktrace), and
// setRecordAttributes writes new ones into the bytes, re-encoding the lengths of every
// message around them. The walk reports what it sees to the finder (enter/leave a message, a
// field inside a record); there is no second protobuf reader.

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

// Field kinds of the wire format. Message kinds are MSG + index into NAMES.
const VARINT = 1, FIXED64 = 2, FIXED32 = 3, STRING = 4, BYTES = 5, ID16 = 6, ID8 = 7, PACKED64 = 8, PACKED_VARINT = 9;
const MSG = 16;
const MAX_DEPTH = 128;

// The schema, from the official .proto files: per message, field number → "proto_name type",
// "[]" marking a repeated field. Types are the proto scalar types, a message name, or id16 and
// id8 (bytes that must be 16 or 8 long; hex in OTLP/JSON). Both walkers read it.
type Spec = Record<number, string>;
const SCHEMA: Record<string, Spec> = {
  AnyValue: {
    1: 'string_value string', 2: 'bool_value bool', 3: 'int_value int64', 4: 'double_value double', 5: 'array_value ArrayValue',
    6: 'kvlist_value KeyValueList', 7: 'bytes_value bytes', 8: 'string_value_strindex int32',
  },
  ArrayValue: { 1: 'values AnyValue[]' },
  KeyValueList: { 1: 'values KeyValue[]' },
  KeyValue: { 1: 'key string', 2: 'value AnyValue', 3: 'key_strindex int32' },
  InstrumentationScope: { 1: 'name string', 2: 'version string', 3: 'attributes KeyValue[]', 4: 'dropped_attributes_count uint32' },
  EntityRef: { 1: 'schema_url string', 2: 'type string', 3: 'id_keys string[]', 4: 'description_keys string[]' },
  Resource: { 1: 'attributes KeyValue[]', 2: 'dropped_attributes_count uint32', 3: 'entity_refs EntityRef[]' },

  ExportTraceServiceRequest: { 1: 'resource_spans ResourceSpans[]' },
  ResourceSpans: { 1: 'resource Resource', 2: 'scope_spans ScopeSpans[]', 3: 'schema_url string' },
  ScopeSpans: { 1: 'scope InstrumentationScope', 2: 'spans Span[]', 3: 'schema_url string' },
  Span: {
    1: 'trace_id id16', 2: 'span_id id8', 3: 'trace_state string', 4: 'parent_span_id id8', 5: 'name string', 6: 'kind enum',
    7: 'start_time_unix_nano fixed64', 8: 'end_time_unix_nano fixed64', 9: 'attributes KeyValue[]', 10: 'dropped_attributes_count uint32',
    11: 'events Event[]', 12: 'dropped_events_count uint32', 13: 'links Link[]', 14: 'dropped_links_count uint32', 15: 'status Status',
    16: 'flags fixed32',
  },
  Event: { 1: 'time_unix_nano fixed64', 2: 'name string', 3: 'attributes KeyValue[]', 4: 'dropped_attributes_count uint32' },
  Link: {
    1: 'trace_id id16', 2: 'span_id id8', 3: 'trace_state string', 4: 'attributes KeyValue[]', 5: 'dropped_attributes_count uint32',
    6: 'flags fixed32',
  },
  Status: { 2: 'message string', 3: 'code enum' },

  ExportMetricsServiceRequest: { 1: 'resource_metrics ResourceMetrics[]' },
  ResourceMetrics: { 1: 'resource Resource', 2: 'scope_metrics ScopeMetrics[]', 3: 'schema_url string' },
  ScopeMetrics: { 1: 'scope InstrumentationScope', 2: 'metrics Metric[]', 3: 'schema_url string' },
  Metric: {
    1: 'name string', 2: 'description string', 3: 'unit string', 5: 'gauge Gauge', 7: 'sum Sum', 9: 'histogram Histogram',
    10: 'exponential_histogram ExponentialHistogram', 11: 'summary Summary', 12: 'metadata KeyValue[]',
  },
  Gauge: { 1: 'data_points NumberDataPoint[]' },
  Sum: { 1: 'data_points NumberDataPoint[]', 2: 'aggregation_temporality enum', 3: 'is_monotonic bool' },
  Histogram: { 1: 'data_points HistogramDataPoint[]', 2: 'aggregation_temporality enum' },
  ExponentialHistogram: { 1: 'data_points ExponentialHistogramDataPoint[]', 2: 'aggregation_temporality enum' },
  Summary: { 1: 'data_points SummaryDataPoint[]' },
  NumberDataPoint: {
    2: 'start_time_unix_nano fixed64', 3: 'time_unix_nano fixed64', 4: 'as_double double', 5: 'exemplars Exemplar[]',
    6: 'as_int sfixed64', 7: 'attributes KeyValue[]', 8: 'flags uint32',
  },
  HistogramDataPoint: {
    2: 'start_time_unix_nano fixed64', 3: 'time_unix_nano fixed64', 4: 'count fixed64', 5: 'sum double', 6: 'bucket_counts fixed64[]',
    7: 'explicit_bounds double[]', 8: 'exemplars Exemplar[]', 9: 'attributes KeyValue[]', 10: 'flags uint32', 11: 'min double',
    12: 'max double',
  },
  ExponentialHistogramDataPoint: {
    1: 'attributes KeyValue[]', 2: 'start_time_unix_nano fixed64', 3: 'time_unix_nano fixed64', 4: 'count fixed64', 5: 'sum double',
    6: 'scale sint32', 7: 'zero_count fixed64', 8: 'positive Buckets', 9: 'negative Buckets', 10: 'flags uint32',
    11: 'exemplars Exemplar[]', 12: 'min double', 13: 'max double', 14: 'zero_threshold double',
  },
  Buckets: { 1: 'offset sint32', 2: 'bucket_counts uint64[]' },
  SummaryDataPoint: {
    2: 'start_time_unix_nano fixed64', 3: 'time_unix_nano fixed64', 4: 'count fixed64', 5: 'sum double',
    6: 'quantile_values ValueAtQuantile[]', 7: 'attributes KeyValue[]', 8: 'flags uint32',
  },
  ValueAtQuantile: { 1: 'quantile double', 2: 'value double' },
  Exemplar: {
    2: 'time_unix_nano fixed64', 3: 'as_double double', 4: 'span_id id8', 5: 'trace_id id16', 6: 'as_int sfixed64',
    7: 'filtered_attributes KeyValue[]',
  },

  ExportLogsServiceRequest: { 1: 'resource_logs ResourceLogs[]' },
  ResourceLogs: { 1: 'resource Resource', 2: 'scope_logs ScopeLogs[]', 3: 'schema_url string' },
  ScopeLogs: { 1: 'scope InstrumentationScope', 2: 'log_records LogRecord[]', 3: 'schema_url string' },
  LogRecord: {
    1: 'time_unix_nano fixed64', 2: 'severity_number enum', 3: 'severity_text string', 5: 'body AnyValue', 6: 'attributes KeyValue[]',
    7: 'dropped_attributes_count uint32', 8: 'flags fixed32', 9: 'trace_id id16', 10: 'span_id id8', 11: 'observed_time_unix_nano fixed64',
    12: 'event_name string',
  },

  // The collector's answers: partial success is what the browser needs of them.
  ExportTraceServiceResponse: { 1: 'partial_success ExportTracePartialSuccess' },
  ExportTracePartialSuccess: { 1: 'rejected_spans int64', 2: 'error_message string' },
  ExportMetricsServiceResponse: { 1: 'partial_success ExportMetricsPartialSuccess' },
  ExportMetricsPartialSuccess: { 1: 'rejected_data_points int64', 2: 'error_message string' },
  ExportLogsServiceResponse: { 1: 'partial_success ExportLogsPartialSuccess' },
  ExportLogsPartialSuccess: { 1: 'rejected_log_records int64', 2: 'error_message string' },
};

const VARINTS = ['bool', 'int32', 'sint32', 'uint32', 'int64', 'uint64', 'enum'];
const WIRE: Record<string, number> = {
  string: STRING, bytes: BYTES, id16: ID16, id8: ID8, fixed32: FIXED32, fixed64: FIXED64, sfixed64: FIXED64, double: FIXED64,
};
const ROOT_NAMES = {
  request: { traces: 'ExportTraceServiceRequest', metrics: 'ExportMetricsServiceRequest', logs: 'ExportLogsServiceRequest' },
  response: { traces: 'ExportTraceServiceResponse', metrics: 'ExportMetricsServiceResponse', logs: 'ExportLogsServiceResponse' },
};

interface Field { name: string; type: string; repeated: boolean; msg: number }

/** Which message of a signal: what the browser posts, or what the collector answers. */
export type OtlpMessage = keyof typeof ROOT_NAMES;

// Compiled at the first check, not at import, so that a bundle which imports plume/edge but
// never checks (instrument() alone) drops the schema: per message, an array from field number
// to wire kind (0: unknown field), and its fields by JSON name (lowerCamelCase, and the proto
// name, which proto3 JSON also accepts).
let NAMES: string[] = [];
let FIELDS: Field[][] = [];
let TABLE: Uint8Array[] = [];
let JSON_FIELDS: Map<string, Field>[] = [];
// What the finder needs of the schema: message indexes and field numbers, from SCHEMA.
let LOG_RECORD = -1, EVENT = -1, KEY_VALUE = -1, ANY_VALUE = -1, ARRAY_VALUE = -1;
let KEY = 0, VALUE = 0, STRING_VALUE = 0, ARRAY_VALUE_FIELD = 0, INT_VALUE = 0;
const ATTRIBUTES_OF: Record<number, number> = {};

function compile(): void {
  if (NAMES.length) return;
  const names = Object.keys(SCHEMA);
  FIELDS = names.map((name) => Object.values(SCHEMA[name]).map((f) => {
    const [fieldName, decl] = f.split(' ');
    const repeated = decl.endsWith('[]');
    const type = repeated ? decl.slice(0, -2) : decl;
    return { name: fieldName, type, repeated, msg: names.indexOf(type) };
  }));
  TABLE = names.map((name, m) => {
    const numbers = Object.keys(SCHEMA[name]).map(Number);
    const t = new Uint8Array(Math.max(0, ...numbers) + 1);
    numbers.forEach((n, k) => {
      const { type, repeated, msg } = FIELDS[m][k];
      if (msg >= 0) t[n] = MSG + msg;
      else if (VARINTS.includes(type)) t[n] = repeated ? PACKED_VARINT : VARINT;
      else t[n] = repeated && WIRE[type] === FIXED64 ? PACKED64 : WIRE[type];
    });
    return t;
  });
  JSON_FIELDS = FIELDS.map((fields) => {
    const byName = new Map<string, Field>();
    for (const f of fields) {
      byName.set(f.name, f);
      byName.set(f.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), f);
    }
    return byName;
  });
  NAMES = names;
  LOG_RECORD = names.indexOf('LogRecord');
  EVENT = names.indexOf('Event');
  KEY_VALUE = names.indexOf('KeyValue');
  ANY_VALUE = names.indexOf('AnyValue');
  ARRAY_VALUE = names.indexOf('ArrayValue');
  ATTRIBUTES_OF[LOG_RECORD] = fieldNumber('LogRecord', 'attributes');
  ATTRIBUTES_OF[EVENT] = fieldNumber('Event', 'attributes');
  KEY = fieldNumber('KeyValue', 'key');
  VALUE = fieldNumber('KeyValue', 'value');
  STRING_VALUE = fieldNumber('AnyValue', 'string_value');
  ARRAY_VALUE_FIELD = fieldNumber('AnyValue', 'array_value');
  INT_VALUE = fieldNumber('AnyValue', 'int_value');
}

/** The number of a field in SCHEMA, by message and proto name. */
function fieldNumber(message: string, name: string): number {
  const found = Object.entries(SCHEMA[message]).find(([, f]) => f.split(' ')[0] === name);
  if (!found) throw new Error(`no field ${name} in ${message}`);
  return Number(found[0]);
}

function root(message: OtlpMessage, signal: OtlpSignal): number {
  compile();
  return NAMES.indexOf(ROOT_NAMES[message][signal]);
}

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
        if (IN_RECORD) seen(msg, field, depth, 0, 0);
        break;
      case 1:
        if (kind && kind !== FIXED64 && kind !== PACKED64) fail(`field ${field}: fixed64 where ${kindName(kind)} belongs`, at, msg);
        if (P + 8 > end) fail('truncated fixed64', at, msg);
        P += 8;
        if (IN_RECORD) seen(msg, field, depth, 0, 0);
        break;
      case 5:
        if (kind && kind !== FIXED32) fail(`field ${field}: fixed32 where ${kindName(kind)} belongs`, at, msg);
        if (P + 4 > end) fail('truncated fixed32', at, msg);
        P += 4;
        if (IN_RECORD) seen(msg, field, depth, 0, 0);
        break;
      case 2: {
        const lenAt = P;
        const len = varint(end, msg);
        const start = P;
        const stop = start + len;
        if (stop > end) fail(`field ${field}: length ${len} runs past the end of the message`, at, msg);
        if (kind >= MSG) {
          if (FINDING) {
            enter(field, kind - MSG, depth + 1, at, lenAt, start, stop);
            walk(kind - MSG, stop, depth + 1);
            leave(kind - MSG, depth + 1);
          } else {
            walk(kind - MSG, stop, depth + 1);
          }
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
        if (IN_RECORD && kind < MSG) seen(msg, field, depth, start, stop);
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

/** Why the body is not a well-formed Export*Service{Request,Response} of the signal, or undefined when it is. */
export function checkOtlpProtobuf(signal: OtlpSignal, body: Uint8Array, message: OtlpMessage = 'request'): string | undefined {
  B = body;
  P = 0;
  try {
    walk(root(message, signal), body.length, 0);
    return undefined;
  } catch (e) {
    if (e instanceof Malformed) return e.message;
    // A stack overflow (or anything else) on hostile input is still a refusal.
    return `unreadable protobuf (${(e as Error)?.message ?? e})`;
  } finally {
    B = EMPTY;
  }
}

// ---- Attributes of log records and span events: found during the walk, and rewritten

/** An attribute found on a record: its KeyValue field in the body, and its value. */
export interface FoundAttribute {
  /** The KeyValue field, from its tag to its end. */
  at: number;
  end: number;
  /**
   * A string_value as a string; an array_value as its elements (strings, undefined for
   * any other kind); null for any other value, no value, or one a decoder could read two ways
   * (two value fields, two kinds of value: protobuf would merge them).
   */
  value: string | (string | undefined)[] | null;
}

/** A log record or span event with at least one of the attributes asked for. */
export interface FoundRecord {
  /** By key, the first attribute of that key on the record (as OTLP/JSON readers take it). */
  attributes: Map<string, FoundAttribute>;
  /** The record's attributes field number, and where its content ends (new attributes go there). */
  field: number;
  end: number;
  /** The length-prefixed messages around the record, outermost first, the record last. */
  frames: { lenAt: number; start: number; stop: number }[];
}

// The finder's state, set while findRecordAttributes walks. The walk calls enter/leave for
// every nested message and, inside a record, seen for every other field; depths are the walk's.
let FINDING = false;
let IN_RECORD = false;
let WANTED: Uint8Array[] = [];
let KEYS: readonly string[] = [];
let FOUND: FoundRecord[] = [];
const F_MSG: number[] = [];
const F_LEN_AT: number[] = [];
const F_START: number[] = [];
const F_STOP: number[] = [];
let REC_DEPTH = -1;
let REC: FoundRecord | undefined;
// The record's KeyValue being walked: its field, which wanted key it has (-1: none), how many
// value fields and kinds of value it had, the last kind, the string's bytes, array elements.
let KV_AT = 0, KV_END = 0, KV_KEY = -1, KV_VALUES = 0, KV_KINDS = 0, KV_LAST = 0, KV_S = 0, KV_E = 0;
let KV_ELEMENTS: number[] = [];
const UTF8_OUT = new TextEncoder();
let UTF8_IN: TextDecoder | undefined;
const text = (start: number, stop: number): string => (UTF8_IN ??= new TextDecoder()).decode(B.subarray(start, stop));

function enter(field: number, child: number, depth: number, at: number, lenAt: number, start: number, stop: number): void {
  F_MSG[depth] = child;
  F_LEN_AT[depth] = lenAt;
  F_START[depth] = start;
  F_STOP[depth] = stop;
  if (!IN_RECORD) {
    if (child === LOG_RECORD || child === EVENT) {
      IN_RECORD = true;
      REC_DEPTH = depth;
      REC = undefined;
    }
    return;
  }
  // Below a record, by depth: 1 its KeyValues (only attributes are KeyValues there), 2 their
  // AnyValue, 3 a message kind of that value (array_value, kvlist_value), 4 the array's elements.
  const d = depth - REC_DEPTH;
  if (d === 1 && child === KEY_VALUE) {
    KV_AT = at; KV_END = stop; KV_KEY = -1; KV_VALUES = 0; KV_KINDS = 0; KV_LAST = 0;
    KV_ELEMENTS = [];
  } else if (d === 2 && child === ANY_VALUE) {
    KV_VALUES++;
  } else if (d === 3 && F_MSG[depth - 1] === ANY_VALUE) {
    KV_KINDS++;
    KV_LAST = field;
  } else if (d === 4 && child === ANY_VALUE && F_MSG[depth - 1] === ARRAY_VALUE) {
    KV_ELEMENTS.push(-1, -1);
  }
}

function seen(msg: number, field: number, depth: number, start: number, stop: number): void {
  const d = depth - REC_DEPTH;
  if (d === 1 && msg === KEY_VALUE) {
    // The last key field wins, as in any protobuf decoder.
    if (field === KEY) KV_KEY = wantedKey(start, stop);
  } else if (d === 2 && msg === ANY_VALUE) {
    KV_KINDS++;
    KV_LAST = field;
    if (field === STRING_VALUE) { KV_S = start; KV_E = stop; }
  } else if (d === 4 && msg === ANY_VALUE && F_MSG[depth - 1] === ARRAY_VALUE && KV_ELEMENTS.length) {
    const n = KV_ELEMENTS.length;
    KV_ELEMENTS[n - 2] = field === STRING_VALUE ? start : -1;
    KV_ELEMENTS[n - 1] = stop;
  }
}

function leave(child: number, depth: number): void {
  if (!IN_RECORD) return;
  if (depth === REC_DEPTH) {
    if (REC) {
      REC.field = ATTRIBUTES_OF[child];
      REC.end = F_STOP[depth];
      for (let k = 1; k <= depth; k++) REC.frames.push({ lenAt: F_LEN_AT[k], start: F_START[k], stop: F_STOP[k] });
      FOUND.push(REC);
    }
    IN_RECORD = false;
    REC_DEPTH = -1;
    REC = undefined;
  } else if (depth === REC_DEPTH + 1 && child === KEY_VALUE && KV_KEY >= 0) {
    let value: FoundAttribute['value'] = null;
    if (KV_VALUES === 1 && KV_KINDS === 1) {
      if (KV_LAST === STRING_VALUE) value = text(KV_S, KV_E);
      else if (KV_LAST === ARRAY_VALUE_FIELD) {
        value = [];
        for (let i = 0; i < KV_ELEMENTS.length; i += 2) {
          value.push(KV_ELEMENTS[i] >= 0 ? text(KV_ELEMENTS[i], KV_ELEMENTS[i + 1]) : undefined);
        }
      }
    }
    REC ??= { attributes: new Map(), field: 0, end: 0, frames: [] };
    const key = KEYS[KV_KEY];
    if (!REC.attributes.has(key)) REC.attributes.set(key, { at: KV_AT, end: KV_END, value });
  }
}

/** Which of the wanted keys the bytes are (-1: none). */
function wantedKey(start: number, stop: number): number {
  const n = stop - start;
  outer: for (let k = 0; k < WANTED.length; k++) {
    const w = WANTED[k];
    if (w.length !== n) continue;
    for (let i = 0; i < n; i++) if (B[start + i] !== w[i]) continue outer;
    return k;
  }
  return -1;
}

/**
 * checkOtlpProtobuf for a request, and in the same walk the log records (logs) or span events
 * (traces) that carry any of `keys` as attributes, with where those attributes are. Metrics
 * have neither: nothing is found.
 */
export function findRecordAttributes(
  signal: OtlpSignal, body: Uint8Array, keys: readonly string[],
): { problem: string; records?: undefined } | { problem?: undefined; records: FoundRecord[] } {
  compile();
  FINDING = true;
  KEYS = keys;
  WANTED = keys.map((k) => UTF8_OUT.encode(k));
  FOUND = [];
  try {
    const problem = checkOtlpProtobuf(signal, body);
    return problem === undefined ? { records: FOUND } : { problem };
  } finally {
    FINDING = IN_RECORD = false;
    REC_DEPTH = -1;
    REC = undefined;
    FOUND = [];
    KV_ELEMENTS = [];
  }
}

/** A value setRecordAttributes writes: a string_value, or an int_value (a whole number, 0 to 2^53). */
export type AttributeValue = string | number;

/**
 * The body with these attributes set on found records (an attribute of the same key replaced
 * where it is, the others appended to the record) and the length of every message around
 * them re-encoded. `records` must come from findRecordAttributes on this very body.
 */
export function setRecordAttributes(
  body: Uint8Array, edits: { record: FoundRecord; attributes: Record<string, AttributeValue> }[],
): Uint8Array {
  compile();
  const splices: { from: number; to: number; bytes: Uint8Array }[] = [];
  // Messages around the edits, by where their length is (one entry however many records they
  // hold), each with its parent's: a length that needs more bytes grows its parent in turn.
  type Grown = { lenAt: number; start: number; stop: number; delta: number; parent: number };
  const grown = new Map<number, Grown>();
  for (const { record, attributes } of edits) {
    let delta = 0;
    for (const [key, value] of Object.entries(attributes)) {
      const bytes = keyValueField(record.field, key, value);
      const old = record.attributes.get(key);
      const from = old ? old.at : record.end;
      const to = old ? old.end : record.end;
      splices.push({ from, to, bytes });
      delta += bytes.length - (to - from);
    }
    record.frames.forEach((f, k) => {
      if (!grown.has(f.lenAt)) grown.set(f.lenAt, { ...f, delta: 0, parent: k ? record.frames[k - 1].lenAt : -1 });
    });
    grown.get(record.frames[record.frames.length - 1].lenAt)!.delta += delta;
  }
  // Innermost first: a message lies inside its parent, so its length comes after the parent's.
  for (const g of [...grown.values()].sort((a, b) => b.lenAt - a.lenAt)) {
    if (!g.delta) continue;
    const bytes = varintBytes(g.stop - g.start + g.delta);
    splices.push({ from: g.lenAt, to: g.start, bytes });
    if (g.parent >= 0) grown.get(g.parent)!.delta += g.delta + bytes.length - (g.start - g.lenAt);
  }
  // Stable: insertions at one place keep their order.
  splices.sort((a, b) => a.from - b.from || a.to - b.to);
  let size = body.length;
  let last = 0;
  for (const s of splices) {
    if (s.from < last || s.to < s.from || s.to > body.length) {
      throw new RangeError('setRecordAttributes: edits overlap or lie outside the body');
    }
    last = s.to;
    size += s.bytes.length - (s.to - s.from);
  }
  const out = new Uint8Array(size);
  let from = 0;
  let o = 0;
  for (const s of splices) {
    out.set(body.subarray(from, s.from), o);
    o += s.from - from;
    out.set(s.bytes, o);
    o += s.bytes.length;
    from = s.to;
  }
  out.set(body.subarray(from), o);
  return out;
}

/** Bytes of n as a varint (n a whole number below 2^53). */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) { n = Math.floor(n / 128); size++; }
  return size;
}

/** Writes n as a varint at `at`; returns where it ends. */
function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 128) { out[at++] = (n % 128) | 0x80; n = Math.floor(n / 128); }
  out[at++] = n;
  return at;
}

function varintBytes(n: number): Uint8Array {
  const out = new Uint8Array(varintSize(n));
  putVarint(out, 0, n);
  return out;
}

const KEY_BYTES = new Map<string, Uint8Array>();

/**
 * The KeyValue field of a record's attributes, `field { key: 1, value: 2 { string_value | int_value } }`,
 * sized first and written into one buffer (a relay writes tens of them per request).
 */
function keyValueField(field: number, key: string, value: AttributeValue): Uint8Array {
  let k = KEY_BYTES.get(key);
  if (!k) { k = UTF8_OUT.encode(key); if (KEY_BYTES.size < 64) KEY_BYTES.set(key, k); }
  let v: Uint8Array | undefined;
  let anyLen: number;
  if (typeof value === 'string') {
    v = UTF8_OUT.encode(value);
    anyLen = varintSize(STRING_VALUE * 8 + 2) + varintSize(v.length) + v.length;
  } else {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`setRecordAttributes: ${key} = ${value} is not a whole number from 0 to 2^53`);
    }
    anyLen = varintSize(INT_VALUE * 8) + varintSize(value);
  }
  const kvLen = varintSize(KEY * 8 + 2) + varintSize(k.length) + k.length + varintSize(VALUE * 8 + 2) + varintSize(anyLen) + anyLen;
  const out = new Uint8Array(varintSize(field * 8 + 2) + varintSize(kvLen) + kvLen);
  let at = putVarint(out, 0, field * 8 + 2);
  at = putVarint(out, at, kvLen);
  at = putVarint(out, at, KEY * 8 + 2);
  at = putVarint(out, at, k.length);
  out.set(k, at);
  at = putVarint(out, at + k.length, VALUE * 8 + 2);
  at = putVarint(out, at, anyLen);
  if (v) {
    at = putVarint(out, at, STRING_VALUE * 8 + 2);
    at = putVarint(out, at, v.length);
    out.set(v, at);
  } else {
    at = putVarint(out, at, INT_VALUE * 8);
    putVarint(out, at, value as number);
  }
  return out;
}

// ---- OTLP/JSON: the same schema over the parsed value

const INT = /^-?\d+$/;
const UINT = /^\d+$/;
const DOUBLE = /^(-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|NaN|-?Infinity)$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const HEX = /^[0-9a-fA-F]*$/;
const ENUM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT32 = 2 ** 31;

function jsonFail(msg: number, field: string, what: string): never {
  throw new Malformed(`"${field}" (in ${NAMES[msg]}): ${what}`);
}

/** Whether v is what proto3 JSON allows for a scalar of this type (null is handled before). */
function scalarOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'bytes': return typeof v === 'string' && BASE64.test(v);
    // OTLP/JSON's one departure from proto3 JSON: trace and span ids are hex.
    case 'id16': return typeof v === 'string' && (v.length === 0 || v.length === 32) && HEX.test(v);
    case 'id8': return typeof v === 'string' && (v.length === 0 || v.length === 16) && HEX.test(v);
    case 'double': return typeof v === 'number' || (typeof v === 'string' && DOUBLE.test(v));
    case 'enum': return typeof v === 'string' ? ENUM_NAME.test(v) : intOk(v, -INT32, INT32, INT);
    case 'int32': case 'sint32': return intOk(v, -INT32, INT32, INT);
    case 'uint32': case 'fixed32': return intOk(v, 0, 2 * INT32, UINT);
    case 'int64': case 'sfixed64': return intOk(v, -(2 ** 63), 2 ** 63, INT);
    default: return intOk(v, 0, 2 ** 64, UINT); // uint64, fixed64
  }
}

/** An integer as a JSON number or a decimal string, within [lo, hi) (strings: as far as a double tells). */
function intOk(v: unknown, lo: number, hi: number, digits: RegExp): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && v >= lo && v < hi;
  if (typeof v !== 'string' || !digits.test(v)) return false;
  const n = Number(v);
  return n >= lo && n <= hi;
}

/** Anything under a field this schema does not know: ignored, as the spec says, but nested no deeper than a message may be. */
function unknownDepth(v: unknown, depth: number, msg: number, field: string): void {
  if (!v || typeof v !== 'object') return;
  if (depth > MAX_DEPTH) jsonFail(msg, field, `values nested deeper than ${MAX_DEPTH}`);
  for (const x of Object.values(v)) unknownDepth(x, depth + 1, msg, field);
}

function walkJson(msg: number, v: unknown, depth: number, field: string): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) jsonFail(msg, field, 'not a JSON object');
  if (depth > MAX_DEPTH) jsonFail(msg, field, `messages nested deeper than ${MAX_DEPTH}`);
  const fields = JSON_FIELDS[msg];
  // for…in: a parsed JSON object has only own, enumerable keys, and no array is made.
  for (const key in v) {
    const x = (v as Record<string, unknown>)[key];
    const f = fields.get(key);
    if (!f) { unknownDepth(x, depth + 1, msg, key); continue; }
    // proto3 JSON: null is the field's default, for every kind of field.
    if (x === null) continue;
    if (f.repeated) {
      if (!Array.isArray(x)) jsonFail(msg, key, `not an array (a repeated ${f.type})`);
      for (const e of x) element(msg, f, key, e, depth);
    } else {
      element(msg, f, key, x, depth);
    }
  }
}

function element(msg: number, f: Field, key: string, v: unknown, depth: number): void {
  if (f.msg >= 0) walkJson(f.msg, v, depth + 1, key);
  else if (!scalarOk(f.type, v)) jsonFail(msg, key, `${JSON.stringify(v)?.slice(0, 40)} is not a valid ${f.type}`);
}

/**
 * Why the body is not an OTLP/JSON Export*Service{Request,Response} of the signal, or
 * undefined when it is. As strict as the protobuf walk where OTLP/JSON allows it: UTF-8 (a
 * byte-order mark refused, as JSON parsers in Go do), every known field of the right JSON
 * type (objects for messages, arrays for repeated fields, numbers or decimal strings for
 * integers in range, hex ids of 32 and 16 characters, base64 bytes, null for a default),
 * nesting to 128, and a request's top-level list present. Unknown fields are ignored, as the
 * OTLP spec asks of receivers, but their contents count towards the depth limit.
 */
export function checkOtlpJson(signal: OtlpSignal, body: Uint8Array, message: OtlpMessage = 'request'): string | undefined {
  return parseOtlpJson(signal, body, message).problem;
}

/** checkOtlpJson, with the parsed value when the body passes (the relay's symbolication works on it). */
export function parseOtlpJson(
  signal: OtlpSignal, body: Uint8Array, message: OtlpMessage = 'request',
): { problem: string; value?: undefined } | { problem?: undefined; value: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body));
  } catch (e) {
    return { problem: `invalid JSON (${(e as Error)?.message ?? e})` };
  }
  const top = root(message, signal);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: 'the body is not a JSON object' };
  const own = value as Record<string, unknown>;
  if (message === 'request') {
    // A request names its signal's list: {} or another signal's body is not this signal's export.
    const list = FIELDS[top][0];
    const camel = list.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!Array.isArray(own[camel]) && !Array.isArray(own[list.name])) return { problem: `the top-level "${camel}" array is missing` };
  }
  try {
    walkJson(top, value, 0, '(top level)');
    return { value: own };
  } catch (e) {
    if (e instanceof Malformed) return { problem: e.message };
    return { problem: `unreadable JSON (${(e as Error)?.message ?? e})` };
  }
}
