// OTLP/protobuf encoder over the compact records of src/encode/layout.ts.
//
// No allocation, no imports: the host copies the batch into linear memory, calls size()
// (which walks every record once and pushes the byte size of each nested message, in
// pre-order, on a stack), grows memory for exactly that many bytes, and calls write().
// src/encode/twin.ts is the same algorithm in TypeScript; keep the two in step: the
// conformance tests demand byte-identical output.
//
// Both walks run the same code: every helper returns the bytes it stands for and, while
// write() runs (WR), also writes them. Records are described by tables of two-byte ops that
// fields() interprets (see "records" below); only attributes and AnyValues, most of the
// work, are code of their own. Measured against a sizer and a writer per message (8.4 KB):
// 3 KB, spans encoded about 30% faster (the scalar-attribute path more than pays for the
// interpreter), logs 10% faster, metrics, whose points are many small fields, 10% slower.
//
// Fields are written in field-number order, as protobuf's reference C++ serializer does;
// proto3 defaults (0, "", empty bytes) are omitted except inside oneofs and for optional
// fields, which are written whenever they are present.

import {
  SIGNAL_TRACES, SIGNAL_METRICS, SIGNAL_LOGS,
  SLOT_WORDS, SLOT_KEY, SLOT_KIND, SLOT_LO, SLOT_HI,
  VALUE_NONE, VALUE_STRING, VALUE_BOOL, VALUE_INT, VALUE_DOUBLE, VALUE_ARRAY, VALUE_KVLIST, VALUE_BYTES,
  REQ_LIST,
  RES_BITS, RES_ATTRS, RES_DROPPED, RES_SCHEMA_URL, RES_SCOPES, RES_ENTITY_REFS, RES_HAS_RESOURCE,
  ENT_SCHEMA_URL, ENT_TYPE, ENT_ID_KEYS, ENT_DESC_KEYS,
  SCOPE_BITS, SCOPE_NAME, SCOPE_VERSION, SCOPE_ATTRS, SCOPE_DROPPED, SCOPE_SCHEMA_URL, SCOPE_ITEMS, SCOPE_HAS_SCOPE,
  SPAN_TRACE_ID, SPAN_SPAN_ID, SPAN_PARENT_ID, SPAN_TRACE_STATE, SPAN_FLAGS, SPAN_NAME, SPAN_KIND, SPAN_START, SPAN_END,
  SPAN_ATTRS, SPAN_DROPPED_ATTRS, SPAN_EVENTS, SPAN_DROPPED_EVENTS, SPAN_LINKS, SPAN_DROPPED_LINKS,
  SPAN_STATUS_MESSAGE, SPAN_STATUS_CODE, SPAN_BITS, SPAN_HAS_TRACE_ID, SPAN_HAS_SPAN_ID, SPAN_HAS_PARENT, SPAN_HAS_STATUS,
  EVENT_TIME, EVENT_NAME, EVENT_ATTRS, EVENT_DROPPED,
  LINK_TRACE_ID, LINK_SPAN_ID, LINK_TRACE_STATE, LINK_ATTRS, LINK_DROPPED, LINK_FLAGS, LINK_BITS, ID_HAS_TRACE, ID_HAS_SPAN,
  METRIC_NAME, METRIC_DESCRIPTION, METRIC_UNIT, METRIC_DATA, METRIC_TEMPORALITY, METRIC_MONOTONIC, METRIC_POINTS, METRIC_METADATA,
  DATA_GAUGE, DATA_SUM, DATA_HISTOGRAM, DATA_EXP_HISTOGRAM, DATA_SUMMARY,
  NUM_DOUBLE, NUM_INT, PT_ATTRS, PT_START, PT_TIME,
  NPT_VALUE_KIND, NPT_VALUE, NPT_EXEMPLARS, NPT_FLAGS,
  HPT_COUNT, HPT_SUM, HPT_MIN, HPT_MAX, HPT_BITS, HPT_BUCKETS, HPT_BOUNDS, HPT_EXEMPLARS, HPT_FLAGS,
  HAS_SUM, HAS_MIN, HAS_MAX, HAS_POSITIVE, HAS_NEGATIVE,
  XPT_SCALE, XPT_ZERO_COUNT, XPT_ZERO_THRESHOLD, XPT_POS_OFFSET, XPT_POS_BUCKETS, XPT_NEG_OFFSET, XPT_NEG_BUCKETS,
  XPT_EXEMPLARS, XPT_FLAGS,
  SPT_COUNT, SPT_SUM, SPT_QUANTILES, SPT_FLAGS,
  EX_ATTRS, EX_TIME, EX_VALUE_KIND, EX_VALUE, EX_SPAN_ID, EX_TRACE_ID, EX_BITS,
  LOG_TIME, LOG_OBSERVED, LOG_SEVERITY, LOG_SEVERITY_TEXT, LOG_BODY, LOG_ATTRS, LOG_DROPPED, LOG_FLAGS,
  LOG_TRACE_ID, LOG_SPAN_ID, LOG_EVENT_NAME, LOG_BITS,
} from '../../src/encode/layout';

export const HEAP_BASE: usize = __heap_base;

let W: usize = 0; // words
let SI: usize = 0; // string index
let SB: usize = 0; // string bytes
let ST: usize = 0; // size stack
let sp: u32 = 0; // next push in size(), next pop in write()
let O: usize = 0; // output cursor
let WR = false; // in write() rather than size()
let SIGNAL: u32 = 0;
let ROOT: u32 = 0;

// ---- reading records: a record is passed as its byte address

@inline function rec(off: u32): usize { return W + (<usize>off << 2); }
// Item k of the list whose [offset, count] words are at `a`.
@inline function item(a: usize, k: u32): usize { return rec(load<u32>(rec(load<u32>(a)) + (<usize>k << 2))); }
// Slot k of the contiguous slots (attributes, array or kvlist values) starting at `first`.
@inline function slot(first: usize, k: u32): usize { return first + <usize>k * (SLOT_WORDS << 2); }
@inline function strLen(id: u32): u32 { return load<u32>(SI + (<usize>id << 3), 4); }

// ---- sizes

// Bytes of a varint: ceil(bits / 7) without a loop (the protobuf C++ formula).
@inline function vsize(v: u64): u32 { return ((63 - <u32>clz<u64>(v | 1)) * 9 + 73) >> 6; }
@inline function vsize32(v: u32): u32 { return ((31 - clz<u32>(v | 1)) * 9 + 73) >> 6; }
// A length and the n bytes it counts.
@inline function lenSize(n: u32): u32 { return vsize32(n) + n; }
@inline function tagSize(field: u32): u32 { return field < 16 ? 1 : 2; }
// Enums are int32: negative values are sign-extended to 10-byte varints.
@inline function enumVal(v: u32): u64 { return <u64><i64><i32>v; }
@inline function zigzag(v: u32): u32 { return (v << 1) ^ <u32>(<i32>v >> 31); }

// ---- writing (only while write() runs)

function putVarint(v: u64): void {
  let o = O;
  while (v >= 0x80) { store<u8>(o++, <u32>v | 0x80); v >>= 7; }
  store<u8>(o, <u32>v);
  O = o + 1;
}
function putBytes(src: usize, n: u32): void {
  const o = O;
  // memory.copy is an out-of-line call in V8: for ids and most attribute keys two
  // overlapping 8-byte moves are several times faster (a tenth of the span benchmark).
  if (n - 8 <= 8) {
    store<u64>(o, load<u64>(src));
    store<u64>(o + n - 8, load<u64>(src + n - 8));
  } else memory.copy(o, src, n);
  O = o + n;
}
@inline function putTag(field: u32, wire: u32): void { putVarint((field << 3) | wire); }
// Inline one-byte paths where most tags and lengths are written (strings, attributes,
// nested message heads, fixed64s) save a call each: 5-12% of the encode time of spans,
// metrics and logs. Elsewhere the bytes matter more.
@inline function putTagFast(field: u32, wire: u32): void {
  const t = (field << 3) | wire;
  if (t < 0x80) { store<u8>(O, t); O++; } else putVarint(t);
}
@inline function putLenFast(n: u32): void {
  if (n < 0x80) { store<u8>(O, n); O++; } else putVarint(n);
}

// ---- fields: each returns its byte size and, in write(), also writes itself

function vint(field: u32, v: u64): u32 {
  if (WR) { putTag(field, 0); putVarint(v); }
  return tagSize(field) + vsize(v);
}
function fixed(field: u32, wire: u32, src: usize, n: u32): u32 {
  if (WR) { putTag(field, wire); putBytes(src, n); }
  return tagSize(field) + n;
}
function bits64(field: u32, src: usize): u32 {
  if (WR) { putTagFast(field, 1); store<u64>(O, load<u64>(src)); O += 8; }
  return tagSize(field) + 8;
}
function blob(field: u32, src: usize, n: u32): u32 {
  if (WR) { putTag(field, 2); putVarint(n); putBytes(src, n); }
  return tagSize(field) + lenSize(n);
}
function str(field: u32, id: u32): u32 {
  const e = SI + (<usize>id << 3), n = load<u32>(e, 4);
  if (WR) { putTagFast(field, 2); putLenFast(n); putBytes(SB + <usize>load<u32>(e), n); }
  return tagSize(field) + lenSize(n);
}

// A nested message: open() before its fields, close() after. size() pushes a slot for its
// size and fills it in; write() pops that size to write the head.
function open(field: u32): u32 {
  if (WR) { putTagFast(field, 2); putLenFast(load<u32>(ST + (<usize>(sp++) << 2))); return 0; }
  return sp++;
}
function close(field: u32, i: u32, n: u32): u32 {
  if (WR) return 0;
  store<u32>(ST + (<usize>i << 2), n);
  return tagSize(field) + lenSize(n);
}

// ---- attributes and AnyValues

function valueContent(s: usize): u32 {
  const kind = load<u32>(s, SLOT_KIND << 2);
  if (kind == VALUE_STRING || kind == VALUE_BYTES) return str(kind, load<u32>(s, SLOT_LO << 2));
  if (kind == VALUE_BOOL) return fixed(2, 0, s + (SLOT_LO << 2), 1);
  if (kind == VALUE_INT) return vint(3, load<u64>(s, SLOT_LO << 2));
  if (kind == VALUE_DOUBLE) return bits64(4, s + (SLOT_LO << 2));
  if (kind == VALUE_ARRAY || kind == VALUE_KVLIST) {
    const i = open(kind);
    const first = rec(load<u32>(s, SLOT_LO << 2)), count = load<u32>(s, SLOT_HI << 2);
    let n: u32 = 0;
    for (let k: u32 = 0; k < count; k++) {
      n += kind == VALUE_ARRAY ? value(1, slot(first, k)) : keyValue(1, slot(first, k));
    }
    return close(kind, i, n);
  }
  return 0; // VALUE_EMPTY
}

function value(field: u32, s: usize): u32 {
  if (load<u32>(s, SLOT_KIND << 2) == VALUE_NONE) return 0;
  const i = open(field);
  return close(field, i, valueContent(s));
}

// Nearly every attribute is a scalar, whose KeyValue and AnyValue sizes take a few
// instructions: both walks work them out here instead of going through open(), close()
// and the stack, which made spans 30% slower to encode.
function keyValue(field: u32, s: usize): u32 {
  const kind = load<u32>(s, SLOT_KIND << 2), k = load<u32>(s, SLOT_KEY << 2);
  if (kind == VALUE_ARRAY || kind == VALUE_KVLIST) {
    const i = open(field);
    return close(field, i, (k == 0 ? 0 : str(1, k)) + value(2, s));
  }
  let c: u32 = kind == VALUE_BOOL ? 2 : kind == VALUE_DOUBLE ? 9 : 0; // as valueContent() writes
  if (kind == VALUE_STRING || kind == VALUE_BYTES) c = 1 + lenSize(strLen(load<u32>(s, SLOT_LO << 2)));
  else if (kind == VALUE_INT) c = 1 + vsize(load<u64>(s, SLOT_LO << 2));
  const n = (k == 0 ? 0 : 1 + lenSize(strLen(k))) + (kind == VALUE_NONE ? 0 : 1 + lenSize(c));
  if (!WR) return tagSize(field) + lenSize(n);
  putTagFast(field, 2);
  putLenFast(n);
  if (k != 0) str(1, k);
  if (kind != VALUE_NONE) {
    putTagFast(2, 2);
    putLenFast(c);
    valueContent(s);
  }
  return 0;
}

function attrs(field: u32, a: usize): u32 {
  const first = rec(load<u32>(a)), count = load<u32>(a, 4);
  let n: u32 = 0;
  for (let k: u32 = 0; k < count; k++) n += keyValue(field, slot(first, k));
  return n;
}

// ---- records
//
// Each kind of record has a table of 16-bit ops, op | field << 5 | word offset << 10, in
// field order. An op takes two bytes where the same field as a call took eight to ten.

// Kinds, numbered in the order of the tables. Those that lists hold come first, as a LIST
// op has room for kinds up to 10; then the signals' items; then the messages that sit
// inside a record (SUB ops).
const K_RESOURCE = 1, K_SCOPE = 2, K_ENTITY_REF = 3, K_EVENT = 4, K_LINK = 5, K_EXEMPLAR = 6;
const K_NUMBER_POINT = 7, K_HISTOGRAM_POINT = 8, K_EXP_POINT = 9, K_SUMMARY_POINT = 10;
const K_ITEM = 10; // + SIGNAL_*
const K_SPAN = K_ITEM + SIGNAL_TRACES, K_METRIC = K_ITEM + SIGNAL_METRICS, K_LOG = K_ITEM + SIGNAL_LOGS;
const T_STATUS = 14, T_RESOURCE = 15, T_SCOPE = 16, T_QUANTILE = 17;
const T_GAUGE = 18, T_SUM = 19, T_HISTOGRAM = 20, T_EXP_HISTOGRAM = 21, T_SUMMARY = 22;
const KINDS: u32 = 22;

const STR = 0, U32 = 1, ENUM = 2, SINT32 = 3, FIXED64 = 4, FIXED32 = 5, BITS64 = 6, ID8 = 7, ID16 = 8;
const ATTRS = 9, VALUE = 10, PACKED8 = 11;
const BOOL = 12; // true when the word is not 0
// IF skips the next op unless the word at `offset` has a bit of the mask in `field`; IFEQ
// unless it equals `field`.
const IF = 13, IFEQ = 14;
const SUB = 15; // a nested message at `field` whose fields are table `offset`, over the same record
const BUCKETS = 16; // ExponentialHistogramDataPoint.Buckets: the offset word, then the counts list
const QUANTILES = 17, KEYS = 18;
const ITEMS = 19; // the scope's spans, metrics or log records
const END: u16 = 20;
const LIST = 21; // + kind: a list of records

// Compile-time checks of what the ops assume.
if (LIST + K_SUMMARY_POINT > 31 || KINDS > 63) ERROR('record tables: an op field overflows');
if (XPT_POS_BUCKETS != XPT_POS_OFFSET + 1 || XPT_NEG_BUCKETS != XPT_NEG_OFFSET + 1) ERROR('BUCKETS: counts must follow the offset');

const TABLES = memory.data<u16>([
  // K_RESOURCE: ResourceSpans / ResourceMetrics / ResourceLogs
  <u16>(IF | RES_HAS_RESOURCE << 5 | RES_BITS << 10), <u16>(SUB | 1 << 5 | T_RESOURCE << 10),
  <u16>((LIST + K_SCOPE) | 2 << 5 | RES_SCOPES << 10), <u16>(STR | 3 << 5 | RES_SCHEMA_URL << 10), END,
  // K_SCOPE: ScopeSpans / ScopeMetrics / ScopeLogs
  <u16>(IF | SCOPE_HAS_SCOPE << 5 | SCOPE_BITS << 10), <u16>(SUB | 1 << 5 | T_SCOPE << 10),
  <u16>(ITEMS | 2 << 5 | SCOPE_ITEMS << 10), <u16>(STR | 3 << 5 | SCOPE_SCHEMA_URL << 10), END,
  // K_ENTITY_REF: EntityRef
  <u16>(STR | 1 << 5 | ENT_SCHEMA_URL << 10), <u16>(STR | 2 << 5 | ENT_TYPE << 10),
  <u16>(KEYS | 3 << 5 | ENT_ID_KEYS << 10), <u16>(KEYS | 4 << 5 | ENT_DESC_KEYS << 10), END,
  // K_EVENT: Span.Event
  <u16>(FIXED64 | 1 << 5 | EVENT_TIME << 10), <u16>(STR | 2 << 5 | EVENT_NAME << 10),
  <u16>(ATTRS | 3 << 5 | EVENT_ATTRS << 10), <u16>(U32 | 4 << 5 | EVENT_DROPPED << 10), END,
  // K_LINK: Span.Link
  <u16>(IF | ID_HAS_TRACE << 5 | LINK_BITS << 10), <u16>(ID16 | 1 << 5 | LINK_TRACE_ID << 10),
  <u16>(IF | ID_HAS_SPAN << 5 | LINK_BITS << 10), <u16>(ID8 | 2 << 5 | LINK_SPAN_ID << 10),
  <u16>(STR | 3 << 5 | LINK_TRACE_STATE << 10), <u16>(ATTRS | 4 << 5 | LINK_ATTRS << 10),
  <u16>(U32 | 5 << 5 | LINK_DROPPED << 10), <u16>(FIXED32 | 6 << 5 | LINK_FLAGS << 10), END,
  // K_EXEMPLAR: Exemplar (a value kind is NUM_NONE, NUM_DOUBLE = 1 or NUM_INT = 2, so IF can test it)
  <u16>(FIXED64 | 2 << 5 | EX_TIME << 10), <u16>(IF | NUM_DOUBLE << 5 | EX_VALUE_KIND << 10),
  <u16>(BITS64 | 3 << 5 | EX_VALUE << 10), <u16>(IF | ID_HAS_SPAN << 5 | EX_BITS << 10),
  <u16>(ID8 | 4 << 5 | EX_SPAN_ID << 10), <u16>(IF | ID_HAS_TRACE << 5 | EX_BITS << 10),
  <u16>(ID16 | 5 << 5 | EX_TRACE_ID << 10), <u16>(IF | NUM_INT << 5 | EX_VALUE_KIND << 10),
  <u16>(BITS64 | 6 << 5 | EX_VALUE << 10), <u16>(ATTRS | 7 << 5 | EX_ATTRS << 10), END,
  // K_NUMBER_POINT: NumberDataPoint
  <u16>(FIXED64 | 2 << 5 | PT_START << 10), <u16>(FIXED64 | 3 << 5 | PT_TIME << 10),
  <u16>(IF | NUM_DOUBLE << 5 | NPT_VALUE_KIND << 10), <u16>(BITS64 | 4 << 5 | NPT_VALUE << 10),
  <u16>((LIST + K_EXEMPLAR) | 5 << 5 | NPT_EXEMPLARS << 10), <u16>(IF | NUM_INT << 5 | NPT_VALUE_KIND << 10),
  <u16>(BITS64 | 6 << 5 | NPT_VALUE << 10), <u16>(ATTRS | 7 << 5 | PT_ATTRS << 10),
  <u16>(U32 | 8 << 5 | NPT_FLAGS << 10), END,
  // K_HISTOGRAM_POINT: HistogramDataPoint
  <u16>(FIXED64 | 2 << 5 | PT_START << 10), <u16>(FIXED64 | 3 << 5 | PT_TIME << 10),
  <u16>(FIXED64 | 4 << 5 | HPT_COUNT << 10), <u16>(IF | HAS_SUM << 5 | HPT_BITS << 10),
  <u16>(BITS64 | 5 << 5 | HPT_SUM << 10), <u16>(PACKED8 | 6 << 5 | HPT_BUCKETS << 10),
  <u16>(PACKED8 | 7 << 5 | HPT_BOUNDS << 10), <u16>((LIST + K_EXEMPLAR) | 8 << 5 | HPT_EXEMPLARS << 10),
  <u16>(ATTRS | 9 << 5 | PT_ATTRS << 10), <u16>(U32 | 10 << 5 | HPT_FLAGS << 10),
  <u16>(IF | HAS_MIN << 5 | HPT_BITS << 10), <u16>(BITS64 | 11 << 5 | HPT_MIN << 10),
  <u16>(IF | HAS_MAX << 5 | HPT_BITS << 10), <u16>(BITS64 | 12 << 5 | HPT_MAX << 10), END,
  // K_EXP_POINT: ExponentialHistogramDataPoint
  <u16>(ATTRS | 1 << 5 | PT_ATTRS << 10), <u16>(FIXED64 | 2 << 5 | PT_START << 10),
  <u16>(FIXED64 | 3 << 5 | PT_TIME << 10), <u16>(FIXED64 | 4 << 5 | HPT_COUNT << 10),
  <u16>(IF | HAS_SUM << 5 | HPT_BITS << 10), <u16>(BITS64 | 5 << 5 | HPT_SUM << 10),
  <u16>(SINT32 | 6 << 5 | XPT_SCALE << 10), <u16>(FIXED64 | 7 << 5 | XPT_ZERO_COUNT << 10),
  <u16>(IF | HAS_POSITIVE << 5 | HPT_BITS << 10), <u16>(BUCKETS | 8 << 5 | XPT_POS_OFFSET << 10),
  <u16>(IF | HAS_NEGATIVE << 5 | HPT_BITS << 10), <u16>(BUCKETS | 9 << 5 | XPT_NEG_OFFSET << 10),
  <u16>(U32 | 10 << 5 | XPT_FLAGS << 10), <u16>((LIST + K_EXEMPLAR) | 11 << 5 | XPT_EXEMPLARS << 10),
  <u16>(IF | HAS_MIN << 5 | HPT_BITS << 10), <u16>(BITS64 | 12 << 5 | HPT_MIN << 10),
  <u16>(IF | HAS_MAX << 5 | HPT_BITS << 10), <u16>(BITS64 | 13 << 5 | HPT_MAX << 10),
  <u16>(FIXED64 | 14 << 5 | XPT_ZERO_THRESHOLD << 10), END,
  // K_SUMMARY_POINT: SummaryDataPoint
  <u16>(FIXED64 | 2 << 5 | PT_START << 10), <u16>(FIXED64 | 3 << 5 | PT_TIME << 10),
  <u16>(FIXED64 | 4 << 5 | SPT_COUNT << 10), <u16>(FIXED64 | 5 << 5 | SPT_SUM << 10),
  <u16>(QUANTILES | 6 << 5 | SPT_QUANTILES << 10), <u16>(ATTRS | 7 << 5 | PT_ATTRS << 10),
  <u16>(U32 | 8 << 5 | SPT_FLAGS << 10), END,
  // K_SPAN: Span
  <u16>(IF | SPAN_HAS_TRACE_ID << 5 | SPAN_BITS << 10), <u16>(ID16 | 1 << 5 | SPAN_TRACE_ID << 10),
  <u16>(IF | SPAN_HAS_SPAN_ID << 5 | SPAN_BITS << 10), <u16>(ID8 | 2 << 5 | SPAN_SPAN_ID << 10),
  <u16>(STR | 3 << 5 | SPAN_TRACE_STATE << 10), <u16>(IF | SPAN_HAS_PARENT << 5 | SPAN_BITS << 10),
  <u16>(ID8 | 4 << 5 | SPAN_PARENT_ID << 10), <u16>(STR | 5 << 5 | SPAN_NAME << 10),
  <u16>(ENUM | 6 << 5 | SPAN_KIND << 10), <u16>(FIXED64 | 7 << 5 | SPAN_START << 10),
  <u16>(FIXED64 | 8 << 5 | SPAN_END << 10), <u16>(ATTRS | 9 << 5 | SPAN_ATTRS << 10),
  <u16>(U32 | 10 << 5 | SPAN_DROPPED_ATTRS << 10), <u16>((LIST + K_EVENT) | 11 << 5 | SPAN_EVENTS << 10),
  <u16>(U32 | 12 << 5 | SPAN_DROPPED_EVENTS << 10), <u16>((LIST + K_LINK) | 13 << 5 | SPAN_LINKS << 10),
  <u16>(U32 | 14 << 5 | SPAN_DROPPED_LINKS << 10), <u16>(IF | SPAN_HAS_STATUS << 5 | SPAN_BITS << 10),
  <u16>(SUB | 15 << 5 | T_STATUS << 10), <u16>(FIXED32 | 16 << 5 | SPAN_FLAGS << 10), END,
  // K_METRIC: Metric (data is a oneof: at most one IFEQ matches)
  <u16>(STR | 1 << 5 | METRIC_NAME << 10), <u16>(STR | 2 << 5 | METRIC_DESCRIPTION << 10),
  <u16>(STR | 3 << 5 | METRIC_UNIT << 10), <u16>(IFEQ | DATA_GAUGE << 5 | METRIC_DATA << 10),
  <u16>(SUB | 5 << 5 | T_GAUGE << 10), <u16>(IFEQ | DATA_SUM << 5 | METRIC_DATA << 10),
  <u16>(SUB | 7 << 5 | T_SUM << 10), <u16>(IFEQ | DATA_HISTOGRAM << 5 | METRIC_DATA << 10),
  <u16>(SUB | 9 << 5 | T_HISTOGRAM << 10), <u16>(IFEQ | DATA_EXP_HISTOGRAM << 5 | METRIC_DATA << 10),
  <u16>(SUB | 10 << 5 | T_EXP_HISTOGRAM << 10), <u16>(IFEQ | DATA_SUMMARY << 5 | METRIC_DATA << 10),
  <u16>(SUB | 11 << 5 | T_SUMMARY << 10), <u16>(ATTRS | 12 << 5 | METRIC_METADATA << 10), END,
  // K_LOG: LogRecord
  <u16>(FIXED64 | 1 << 5 | LOG_TIME << 10), <u16>(ENUM | 2 << 5 | LOG_SEVERITY << 10),
  <u16>(STR | 3 << 5 | LOG_SEVERITY_TEXT << 10), <u16>(VALUE | 5 << 5 | LOG_BODY << 10),
  <u16>(ATTRS | 6 << 5 | LOG_ATTRS << 10), <u16>(U32 | 7 << 5 | LOG_DROPPED << 10),
  <u16>(FIXED32 | 8 << 5 | LOG_FLAGS << 10), <u16>(IF | ID_HAS_TRACE << 5 | LOG_BITS << 10),
  <u16>(ID16 | 9 << 5 | LOG_TRACE_ID << 10), <u16>(IF | ID_HAS_SPAN << 5 | LOG_BITS << 10),
  <u16>(ID8 | 10 << 5 | LOG_SPAN_ID << 10), <u16>(FIXED64 | 11 << 5 | LOG_OBSERVED << 10),
  <u16>(STR | 12 << 5 | LOG_EVENT_NAME << 10), END,
  // T_STATUS: Status
  <u16>(STR | 2 << 5 | SPAN_STATUS_MESSAGE << 10), <u16>(ENUM | 3 << 5 | SPAN_STATUS_CODE << 10), END,
  // T_RESOURCE: Resource
  <u16>(ATTRS | 1 << 5 | RES_ATTRS << 10), <u16>(U32 | 2 << 5 | RES_DROPPED << 10),
  <u16>((LIST + K_ENTITY_REF) | 3 << 5 | RES_ENTITY_REFS << 10), END,
  // T_SCOPE: InstrumentationScope
  <u16>(STR | 1 << 5 | SCOPE_NAME << 10), <u16>(STR | 2 << 5 | SCOPE_VERSION << 10),
  <u16>(ATTRS | 3 << 5 | SCOPE_ATTRS << 10), <u16>(U32 | 4 << 5 | SCOPE_DROPPED << 10), END,
  // T_QUANTILE: SummaryDataPoint.ValueAtQuantile: a 4-word (quantile, value) entry
  <u16>(FIXED64 | 1 << 5 | 0 << 10), <u16>(FIXED64 | 2 << 5 | 2 << 10), END,
  // T_GAUGE: Gauge
  <u16>((LIST + K_NUMBER_POINT) | 1 << 5 | METRIC_POINTS << 10), END,
  // T_SUM: Sum
  <u16>((LIST + K_NUMBER_POINT) | 1 << 5 | METRIC_POINTS << 10), <u16>(ENUM | 2 << 5 | METRIC_TEMPORALITY << 10),
  <u16>(BOOL | 3 << 5 | METRIC_MONOTONIC << 10), END,
  // T_HISTOGRAM: Histogram
  <u16>((LIST + K_HISTOGRAM_POINT) | 1 << 5 | METRIC_POINTS << 10), <u16>(ENUM | 2 << 5 | METRIC_TEMPORALITY << 10),
  END,
  // T_EXP_HISTOGRAM: ExponentialHistogram
  <u16>((LIST + K_EXP_POINT) | 1 << 5 | METRIC_POINTS << 10), <u16>(ENUM | 2 << 5 | METRIC_TEMPORALITY << 10), END,
  // T_SUMMARY: Summary
  <u16>((LIST + K_SUMMARY_POINT) | 1 << 5 | METRIC_POINTS << 10), END,
]);

// Where each table starts, by kind: found once, at instantiation.
const INDEX = memory.data((KINDS + 1) << 2);
function index(): void {
  let t = TABLES;
  for (let k: u32 = 1; k <= KINDS; k++) {
    store<usize>(INDEX + (<usize>k << 2), t);
    while (load<u16>(t) != END) t += 2;
    t += 2;
  }
}
index();

// The fields of a record of `kind` at `p`.
function fields(kind: u32, p: usize): u32 {
  let t = load<usize>(INDEX + (<usize>kind << 2));
  let n: u32 = 0;
  while (true) {
    const x = <u32>load<u16>(t), op = x & 31, f = (x >> 5) & 31, a = p + ((x >> 8) & ~3);
    t += 2;
    // U32, ENUM and SINT32 as one case read better but made metrics 10% slower.
    switch (op) {
      case STR: { const v = load<u32>(a); if (v != 0) n += str(f, v); break; }
      case U32: { const v = load<u32>(a); if (v != 0) n += vint(f, v); break; }
      case ENUM: { const v = load<u32>(a); if (v != 0) n += vint(f, enumVal(v)); break; }
      case SINT32: { const v = load<u32>(a); if (v != 0) n += vint(f, zigzag(v)); break; }
      case FIXED64: if (load<u64>(a) != 0) n += bits64(f, a); break;
      case BITS64: n += bits64(f, a); break;
      case FIXED32: if (load<u32>(a) != 0) n += fixed(f, 5, a, 4); break;
      case ID8: case ID16: n += blob(f, a, op == ID8 ? 8 : 16); break;
      case ATTRS: n += attrs(f, a); break;
      case VALUE: n += value(f, a); break;
      case PACKED8: { const count = load<u32>(a, 4); if (count != 0) n += blob(f, rec(load<u32>(a)), count << 3); break; }
      case BOOL: if (load<u32>(a) != 0) n += vint(f, 1); break;
      case IF: if ((load<u32>(a) & f) == 0) t += 2; break;
      case IFEQ: if (load<u32>(a) != f) t += 2; break;
      case SUB: { const i = open(f); n += close(f, i, fields(x >> 10, p)); break; }
      case BUCKETS: n += buckets(f, a); break;
      case QUANTILES: {
        const q = rec(load<u32>(a)), count = load<u32>(a, 4);
        for (let k: u32 = 0; k < count; k++) {
          const i = open(f);
          n += close(f, i, fields(T_QUANTILE, q + (<usize>k << 4)));
        }
        break;
      }
      case KEYS: {
        const ids = rec(load<u32>(a)), count = load<u32>(a, 4);
        for (let k: u32 = 0; k < count; k++) n += str(f, load<u32>(ids + (<usize>k << 2)));
        break;
      }
      case ITEMS: n += list(f, a, K_ITEM + SIGNAL); break;
      case END: return n;
      default: n += list(f, a, op - LIST);
    }
  }
}

// Every list of records (its [offset, count] words at `a`): each item a nested message.
function list(field: u32, a: usize, kind: u32): u32 {
  const count = load<u32>(a, 4);
  let n: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const r = item(a, k);
    const i = open(field);
    n += close(field, i, fields(kind, r));
  }
  return n;
}

function buckets(field: u32, a: usize): u32 {
  const i = open(field);
  const offset = load<u32>(a);
  let n = offset == 0 ? 0 : vint(1, zigzag(offset));
  const counts = rec(load<u32>(a, 4)), count = load<u32>(a, 8);
  if (count != 0) {
    const j = open(2);
    let m: u32 = 0;
    for (let k: u32 = 0; k < count; k++) {
      const v = load<u64>(counts + (<usize>k << 3));
      if (WR) putVarint(v);
      m += vsize(v);
    }
    n += close(2, j, m);
  }
  return close(field, i, n);
}

// ---- entry points

// The request's resources (field 1 of every Export*ServiceRequest).
function request(): u32 { return list(1, rec(ROOT + REQ_LIST), K_RESOURCE); }

/** Sizes the request rooted at `root`; returns its byte length. Sizes go on the stack at `stack`. */
export function size(signal: u32, root: u32, words: usize, strIndex: usize, strBytes: usize, stack: usize): u32 {
  W = words; SI = strIndex; SB = strBytes; ST = stack; sp = 0;
  SIGNAL = signal; ROOT = root; WR = false;
  return request();
}

/** How many sizes the last size() pushed (the host checks it against the stack it gave). */
export function stackUsed(): u32 { return sp; }

/** Writes the request sized by the last size() at `out`; returns the end of what it wrote. */
export function write(out: usize): usize {
  O = out; sp = 0; WR = true;
  request();
  return O;
}
