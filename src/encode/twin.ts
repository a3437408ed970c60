// The JS twin of wasm/assembly/index.ts: the same two walks over the same records (size
// every nested message first, then write into an exact-size buffer), in TypeScript, for
// pages and runtimes that refuse WebAssembly. The wasm runs both walks through one
// table-driven walker to stay small; here each message keeps its own sizer and writer, which
// V8 runs faster. Any change to the output must be made in both: the conformance tests
// demand byte-identical bytes.
//
// 64-bit fields stay as (lo, hi) word pairs: JS numbers cannot hold them, and copying the
// words keeps doubles' bits exact.

import {
  SIGNAL_TRACES, SIGNAL_METRICS,
  SLOT_WORDS, SLOT_KEY, SLOT_KIND, SLOT_LO, SLOT_HI,
  VALUE_NONE, VALUE_STRING, VALUE_BOOL, VALUE_INT, VALUE_DOUBLE, VALUE_ARRAY, VALUE_KVLIST, VALUE_BYTES,
  REQ_LIST, REQ_COUNT,
  RES_BITS, RES_ATTRS, RES_DROPPED, RES_SCHEMA_URL, RES_SCOPES, RES_ENTITY_REFS, RES_HAS_RESOURCE,
  ENT_SCHEMA_URL, ENT_TYPE, ENT_ID_KEYS, ENT_DESC_KEYS,
  SCOPE_BITS, SCOPE_NAME, SCOPE_VERSION, SCOPE_ATTRS, SCOPE_DROPPED, SCOPE_SCHEMA_URL, SCOPE_ITEMS, SCOPE_HAS_SCOPE,
  SPAN_TRACE_ID, SPAN_SPAN_ID, SPAN_PARENT_ID, SPAN_TRACE_STATE, SPAN_FLAGS, SPAN_NAME, SPAN_KIND, SPAN_START, SPAN_END,
  SPAN_ATTRS, SPAN_DROPPED_ATTRS, SPAN_EVENTS, SPAN_DROPPED_EVENTS, SPAN_LINKS, SPAN_DROPPED_LINKS,
  SPAN_STATUS_MESSAGE, SPAN_STATUS_CODE, SPAN_BITS, SPAN_HAS_TRACE_ID, SPAN_HAS_SPAN_ID, SPAN_HAS_PARENT, SPAN_HAS_STATUS,
  EVENT_TIME, EVENT_NAME, EVENT_ATTRS, EVENT_DROPPED,
  LINK_TRACE_ID, LINK_SPAN_ID, LINK_TRACE_STATE, LINK_ATTRS, LINK_DROPPED, LINK_FLAGS, LINK_BITS, ID_HAS_TRACE, ID_HAS_SPAN,
  METRIC_NAME, METRIC_DESCRIPTION, METRIC_UNIT, METRIC_DATA, METRIC_TEMPORALITY, METRIC_MONOTONIC, METRIC_POINTS, METRIC_METADATA,
  DATA_NONE, DATA_GAUGE, DATA_SUM, DATA_HISTOGRAM, DATA_EXP_HISTOGRAM,
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
} from './layout.js';
import type { Records } from './records.js';

const NO_WORDS: Uint32Array = new Uint32Array(0);
const NO_BYTES: Uint8Array = new Uint8Array(0);
let W = NO_WORDS; // words
let WB = NO_BYTES; // the same words as bytes (ids, fixed64 copies)
let SI = NO_WORDS; // string index
let SB = NO_BYTES; // string bytes
let ST = new Uint32Array(1024); // size stack
let sp = 0;
let rp = 0;
let OUT = NO_BYTES;
let O = 0;
let SIGNAL = 0;

// ---- reading records

const w = (off: number): number => W[off];
const isZero64 = (off: number): boolean => (W[off] | W[off + 1]) === 0;
const strLen = (id: number): number => SI[(id << 1) + 1];
const push = (): number => sp++;
const setSize = (i: number, n: number): void => { ST[i] = n; };
const pop = (): number => ST[rp++];

// ---- sizes

const vsize32 = (v: number): number => (((31 - Math.clz32(v | 1)) * 9 + 73) >> 6);
const vsize64 = (lo: number, hi: number): number => (hi === 0 ? vsize32(lo) : (((63 - Math.clz32(hi)) * 9 + 73) >> 6));
const tagSize = (field: number): number => (field < 16 ? 1 : 2);
const lenField = (field: number, n: number): number => tagSize(field) + vsize32(n) + n;
// Enums are int32: negative values are sign-extended to 10-byte varints.
const enumHi = (v: number): number => ((v | 0) < 0 ? 0xffffffff : 0);
const zigzag = (v: number): number => ((v << 1) ^ ((v | 0) >> 31)) >>> 0;

const sStr = (field: number, id: number): number => (id === 0 ? 0 : lenField(field, strLen(id)));
const sU32 = (field: number, v: number): number => (v === 0 ? 0 : tagSize(field) + vsize32(v));
const sEnum = (field: number, v: number): number => (v === 0 ? 0 : tagSize(field) + vsize64(v, enumHi(v)));
const sSint32 = (field: number, v: number): number => (v === 0 ? 0 : tagSize(field) + vsize32(zigzag(v)));
const sFixed64 = (field: number, off: number): number => (isZero64(off) ? 0 : tagSize(field) + 8);
const sFixed32 = (field: number, v: number): number => (v === 0 ? 0 : tagSize(field) + 4);
const sId = (field: number, present: boolean, n: number): number => (present ? tagSize(field) + 1 + n : 0);
const sPacked8 = (field: number, count: number): number => (count === 0 ? 0 : lenField(field, count << 3));

function sValueContent(slot: number): number {
  const kind = w(slot + SLOT_KIND);
  if (kind === VALUE_STRING || kind === VALUE_BYTES) return lenField(kind, strLen(w(slot + SLOT_LO)));
  if (kind === VALUE_BOOL) return 2;
  if (kind === VALUE_INT) return 1 + vsize64(w(slot + SLOT_LO), w(slot + SLOT_HI));
  if (kind === VALUE_DOUBLE) return 9;
  if (kind === VALUE_ARRAY || kind === VALUE_KVLIST) {
    const i = push();
    const first = w(slot + SLOT_LO), count = w(slot + SLOT_HI);
    let n = 0;
    for (let k = 0; k < count; k++) {
      n += kind === VALUE_ARRAY ? sValue(1, first + k * SLOT_WORDS) : sKeyValue(1, first + k * SLOT_WORDS);
    }
    setSize(i, n);
    return lenField(kind, n);
  }
  return 0; // VALUE_EMPTY
}

function sValue(field: number, slot: number): number {
  if (w(slot + SLOT_KIND) === VALUE_NONE) return 0;
  const i = push();
  const n = sValueContent(slot);
  setSize(i, n);
  return lenField(field, n);
}

function sKeyValue(field: number, slot: number): number {
  const i = push();
  const n = sStr(1, w(slot + SLOT_KEY)) + sValue(2, slot);
  setSize(i, n);
  return lenField(field, n);
}

function sAttrs(field: number, at: number): number {
  const first = w(at), count = w(at + 1);
  let n = 0;
  for (let k = 0; k < count; k++) n += sKeyValue(field, first + k * SLOT_WORDS);
  return n;
}

function sEntityRef(e: number): number {
  const i = push();
  let n = sStr(1, w(e + ENT_SCHEMA_URL)) + sStr(2, w(e + ENT_TYPE));
  for (let f = 3; f <= 4; f++) {
    const at = e + (f === 3 ? ENT_ID_KEYS : ENT_DESC_KEYS);
    const ids = w(at), count = w(at + 1);
    for (let k = 0; k < count; k++) n += lenField(f, strLen(w(ids + k)));
  }
  setSize(i, n);
  return lenField(3, n);
}

function sResourceX(r: number): number {
  const i = push();
  let n = 0;
  if (w(r + RES_BITS) & RES_HAS_RESOURCE) {
    const j = push();
    let m = sAttrs(1, r + RES_ATTRS) + sU32(2, w(r + RES_DROPPED));
    const refs = w(r + RES_ENTITY_REFS), count = w(r + RES_ENTITY_REFS + 1);
    for (let k = 0; k < count; k++) m += sEntityRef(w(refs + k));
    setSize(j, m);
    n += lenField(1, m);
  }
  const list = w(r + RES_SCOPES), count = w(r + RES_SCOPES + 1);
  for (let k = 0; k < count; k++) n += sScopeX(w(list + k));
  n += sStr(3, w(r + RES_SCHEMA_URL));
  setSize(i, n);
  return lenField(1, n);
}

function sScopeX(s: number): number {
  const i = push();
  let n = 0;
  if (w(s + SCOPE_BITS) & SCOPE_HAS_SCOPE) {
    const j = push();
    const m = sStr(1, w(s + SCOPE_NAME)) + sStr(2, w(s + SCOPE_VERSION)) +
      sAttrs(3, s + SCOPE_ATTRS) + sU32(4, w(s + SCOPE_DROPPED));
    setSize(j, m);
    n += lenField(1, m);
  }
  const list = w(s + SCOPE_ITEMS), count = w(s + SCOPE_ITEMS + 1);
  for (let k = 0; k < count; k++) {
    const item = w(list + k);
    n += SIGNAL === SIGNAL_TRACES ? sSpan(item) : SIGNAL === SIGNAL_METRICS ? sMetric(item) : sLog(item);
  }
  n += sStr(3, w(s + SCOPE_SCHEMA_URL));
  setSize(i, n);
  return lenField(2, n);
}

function sSpan(s: number): number {
  const i = push();
  const bits = w(s + SPAN_BITS);
  let n = sId(1, (bits & SPAN_HAS_TRACE_ID) !== 0, 16) + sId(2, (bits & SPAN_HAS_SPAN_ID) !== 0, 8) +
    sStr(3, w(s + SPAN_TRACE_STATE)) + sId(4, (bits & SPAN_HAS_PARENT) !== 0, 8) +
    sStr(5, w(s + SPAN_NAME)) + sEnum(6, w(s + SPAN_KIND)) +
    sFixed64(7, s + SPAN_START) + sFixed64(8, s + SPAN_END) +
    sAttrs(9, s + SPAN_ATTRS) + sU32(10, w(s + SPAN_DROPPED_ATTRS));
  const events = w(s + SPAN_EVENTS), ne = w(s + SPAN_EVENTS + 1);
  for (let k = 0; k < ne; k++) n += sEvent(w(events + k));
  n += sU32(12, w(s + SPAN_DROPPED_EVENTS));
  const links = w(s + SPAN_LINKS), nl = w(s + SPAN_LINKS + 1);
  for (let k = 0; k < nl; k++) n += sLink(w(links + k));
  n += sU32(14, w(s + SPAN_DROPPED_LINKS));
  if (bits & SPAN_HAS_STATUS) {
    const j = push();
    const m = sStr(2, w(s + SPAN_STATUS_MESSAGE)) + sEnum(3, w(s + SPAN_STATUS_CODE));
    setSize(j, m);
    n += lenField(15, m);
  }
  n += sFixed32(16, w(s + SPAN_FLAGS));
  setSize(i, n);
  return lenField(2, n);
}

function sEvent(e: number): number {
  const i = push();
  const n = sFixed64(1, e + EVENT_TIME) + sStr(2, w(e + EVENT_NAME)) +
    sAttrs(3, e + EVENT_ATTRS) + sU32(4, w(e + EVENT_DROPPED));
  setSize(i, n);
  return lenField(11, n);
}

function sLink(l: number): number {
  const i = push();
  const bits = w(l + LINK_BITS);
  const n = sId(1, (bits & ID_HAS_TRACE) !== 0, 16) + sId(2, (bits & ID_HAS_SPAN) !== 0, 8) +
    sStr(3, w(l + LINK_TRACE_STATE)) + sAttrs(4, l + LINK_ATTRS) + sU32(5, w(l + LINK_DROPPED)) +
    sFixed32(6, w(l + LINK_FLAGS));
  setSize(i, n);
  return lenField(13, n);
}

function dataField(kind: number): number {
  return kind === DATA_GAUGE ? 5 : kind === DATA_SUM ? 7 : kind === DATA_HISTOGRAM ? 9 : kind === DATA_EXP_HISTOGRAM ? 10 : 11;
}

function sMetric(m: number): number {
  const i = push();
  let n = sStr(1, w(m + METRIC_NAME)) + sStr(2, w(m + METRIC_DESCRIPTION)) + sStr(3, w(m + METRIC_UNIT));
  const kind = w(m + METRIC_DATA);
  if (kind !== DATA_NONE) {
    const j = push();
    let d = 0;
    const list = w(m + METRIC_POINTS), count = w(m + METRIC_POINTS + 1);
    for (let k = 0; k < count; k++) {
      const p = w(list + k);
      d += kind === DATA_GAUGE || kind === DATA_SUM ? sNumberPoint(p)
        : kind === DATA_HISTOGRAM ? sHistPoint(p) : kind === DATA_EXP_HISTOGRAM ? sExpPoint(p) : sSummaryPoint(p);
    }
    if (kind === DATA_SUM || kind === DATA_HISTOGRAM || kind === DATA_EXP_HISTOGRAM) d += sEnum(2, w(m + METRIC_TEMPORALITY));
    if (kind === DATA_SUM && w(m + METRIC_MONOTONIC) !== 0) d += 2;
    setSize(j, d);
    n += lenField(dataField(kind), d);
  }
  n += sAttrs(12, m + METRIC_METADATA);
  setSize(i, n);
  return lenField(2, n);
}

function sExemplars(field: number, at: number): number {
  const list = w(at), count = w(at + 1);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const e = w(list + k);
    const i = push();
    const bits = w(e + EX_BITS), kind = w(e + EX_VALUE_KIND);
    const m = sFixed64(2, e + EX_TIME) + (kind === NUM_DOUBLE ? 9 : 0) +
      sId(4, (bits & ID_HAS_SPAN) !== 0, 8) + sId(5, (bits & ID_HAS_TRACE) !== 0, 16) +
      (kind === NUM_INT ? 9 : 0) + sAttrs(7, e + EX_ATTRS);
    setSize(i, m);
    n += lenField(field, m);
  }
  return n;
}

function sNumberPoint(p: number): number {
  const i = push();
  const kind = w(p + NPT_VALUE_KIND);
  const n = sFixed64(2, p + PT_START) + sFixed64(3, p + PT_TIME) + (kind === NUM_DOUBLE ? 9 : 0) +
    sExemplars(5, p + NPT_EXEMPLARS) + (kind === NUM_INT ? 9 : 0) + sAttrs(7, p + PT_ATTRS) + sU32(8, w(p + NPT_FLAGS));
  setSize(i, n);
  return lenField(1, n);
}

function sHistPoint(p: number): number {
  const i = push();
  const bits = w(p + HPT_BITS);
  const n = sFixed64(2, p + PT_START) + sFixed64(3, p + PT_TIME) + sFixed64(4, p + HPT_COUNT) +
    (bits & HAS_SUM ? 9 : 0) + sPacked8(6, w(p + HPT_BUCKETS + 1)) + sPacked8(7, w(p + HPT_BOUNDS + 1)) +
    sExemplars(8, p + HPT_EXEMPLARS) + sAttrs(9, p + PT_ATTRS) + sU32(10, w(p + HPT_FLAGS)) +
    (bits & HAS_MIN ? 9 : 0) + (bits & HAS_MAX ? 9 : 0);
  setSize(i, n);
  return lenField(1, n);
}

function sBuckets(field: number, offsetAt: number, at: number): number {
  const i = push();
  let n = sSint32(1, w(offsetAt));
  const counts = w(at), count = w(at + 1);
  if (count !== 0) {
    const j = push();
    let m = 0;
    for (let k = 0; k < count; k++) m += vsize64(w(counts + k * 2), w(counts + k * 2 + 1));
    setSize(j, m);
    n += lenField(2, m);
  }
  setSize(i, n);
  return lenField(field, n);
}

function sExpPoint(p: number): number {
  const i = push();
  const bits = w(p + HPT_BITS);
  let n = sAttrs(1, p + PT_ATTRS) + sFixed64(2, p + PT_START) + sFixed64(3, p + PT_TIME) +
    sFixed64(4, p + HPT_COUNT) + (bits & HAS_SUM ? 9 : 0) + sSint32(6, w(p + XPT_SCALE)) +
    sFixed64(7, p + XPT_ZERO_COUNT);
  if (bits & HAS_POSITIVE) n += sBuckets(8, p + XPT_POS_OFFSET, p + XPT_POS_BUCKETS);
  if (bits & HAS_NEGATIVE) n += sBuckets(9, p + XPT_NEG_OFFSET, p + XPT_NEG_BUCKETS);
  n += sU32(10, w(p + XPT_FLAGS)) + sExemplars(11, p + XPT_EXEMPLARS) +
    (bits & HAS_MIN ? 9 : 0) + (bits & HAS_MAX ? 9 : 0) + sFixed64(14, p + XPT_ZERO_THRESHOLD);
  setSize(i, n);
  return lenField(1, n);
}

function sSummaryPoint(p: number): number {
  const i = push();
  let n = sFixed64(2, p + PT_START) + sFixed64(3, p + PT_TIME) + sFixed64(4, p + SPT_COUNT) + sFixed64(5, p + SPT_SUM);
  const q = w(p + SPT_QUANTILES), count = w(p + SPT_QUANTILES + 1);
  for (let k = 0; k < count; k++) {
    const m = sFixed64(1, q + k * 4) + sFixed64(2, q + k * 4 + 2);
    n += lenField(6, m);
  }
  n += sAttrs(7, p + PT_ATTRS) + sU32(8, w(p + SPT_FLAGS));
  setSize(i, n);
  return lenField(1, n);
}

function sLog(l: number): number {
  const i = push();
  const bits = w(l + LOG_BITS);
  const n = sFixed64(1, l + LOG_TIME) + sEnum(2, w(l + LOG_SEVERITY)) + sStr(3, w(l + LOG_SEVERITY_TEXT)) +
    sValue(5, l + LOG_BODY) + sAttrs(6, l + LOG_ATTRS) + sU32(7, w(l + LOG_DROPPED)) + sFixed32(8, w(l + LOG_FLAGS)) +
    sId(9, (bits & ID_HAS_TRACE) !== 0, 16) + sId(10, (bits & ID_HAS_SPAN) !== 0, 8) +
    sFixed64(11, l + LOG_OBSERVED) + sStr(12, w(l + LOG_EVENT_NAME));
  setSize(i, n);
  return lenField(2, n);
}

// ---- writing

const byte = (v: number): void => { OUT[O++] = v; };
function varint32(v: number): void {
  while (v > 0x7f) { OUT[O++] = (v & 0x7f) | 0x80; v >>>= 7; }
  OUT[O++] = v;
}
function varint64(lo: number, hi: number): void {
  if (hi === 0) { varint32(lo); return; }
  // The low 28 bits go out first; then bits 28..31 of lo join the low bits of hi.
  for (let k = 0; k < 4; k++) { OUT[O++] = (lo & 0x7f) | 0x80; lo >>>= 7; }
  let v = ((hi << 4) | lo) >>> 0;
  hi >>>= 28;
  while (hi !== 0) {
    OUT[O++] = (v & 0x7f) | 0x80;
    v = ((v >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  varint32(v);
}
const tag = (field: number, wire: number): void => varint32((field << 3) | wire);
function copy(src: Uint8Array, at: number, n: number): void {
  // Short copies are faster by hand than through subarray() + set().
  if (n < 32) { for (let k = 0; k < n; k++) OUT[O + k] = src[at + k]; }
  else OUT.set(src.subarray(at, at + n), O);
  O += n;
}
function head(field: number): void { tag(field, 2); varint32(pop()); }

function strAlways(field: number, id: number): void {
  tag(field, 2);
  const n = strLen(id);
  varint32(n);
  copy(SB, SI[id << 1], n);
}
function str(field: number, id: number): void { if (id !== 0) strAlways(field, id); }
function u32f(field: number, v: number): void { if (v !== 0) { tag(field, 0); varint32(v); } }
function enumf(field: number, v: number): void { if (v !== 0) { tag(field, 0); varint64(v, enumHi(v)); } }
function sint32f(field: number, v: number): void { if (v !== 0) { tag(field, 0); varint32(zigzag(v)); } }
function bits64(field: number, off: number): void { tag(field, 1); copy(WB, off << 2, 8); }
function fixed64(field: number, off: number): void { if (!isZero64(off)) bits64(field, off); }
function fixed32(field: number, v: number): void { if (v !== 0) { tag(field, 5); writeU32(v); } }
function writeU32(v: number): void {
  OUT[O] = v; OUT[O + 1] = v >>> 8; OUT[O + 2] = v >>> 16; OUT[O + 3] = v >>> 24;
  O += 4;
}
function id(field: number, present: boolean, off: number, n: number): void {
  if (present) { tag(field, 2); byte(n); copy(WB, off << 2, n); }
}
function packed8(field: number, at: number): void {
  const first = w(at), count = w(at + 1);
  if (count === 0) return;
  tag(field, 2);
  varint32(count << 3);
  copy(WB, first << 2, count << 3);
}

function valueContent(slot: number): void {
  const kind = w(slot + SLOT_KIND);
  if (kind === VALUE_STRING || kind === VALUE_BYTES) strAlways(kind, w(slot + SLOT_LO));
  else if (kind === VALUE_BOOL) { tag(2, 0); byte(w(slot + SLOT_LO)); }
  else if (kind === VALUE_INT) { tag(3, 0); varint64(w(slot + SLOT_LO), w(slot + SLOT_HI)); }
  else if (kind === VALUE_DOUBLE) bits64(4, slot + SLOT_LO);
  else if (kind === VALUE_ARRAY || kind === VALUE_KVLIST) {
    head(kind);
    const first = w(slot + SLOT_LO), count = w(slot + SLOT_HI);
    for (let k = 0; k < count; k++) {
      if (kind === VALUE_ARRAY) value(1, first + k * SLOT_WORDS);
      else keyValue(1, first + k * SLOT_WORDS);
    }
  }
}

function value(field: number, slot: number): void {
  if (w(slot + SLOT_KIND) === VALUE_NONE) return;
  head(field);
  valueContent(slot);
}

function keyValue(field: number, slot: number): void {
  head(field);
  str(1, w(slot + SLOT_KEY));
  value(2, slot);
}

function attrs(field: number, at: number): void {
  const first = w(at), count = w(at + 1);
  for (let k = 0; k < count; k++) keyValue(field, first + k * SLOT_WORDS);
}

function entityRef(e: number): void {
  head(3);
  str(1, w(e + ENT_SCHEMA_URL));
  str(2, w(e + ENT_TYPE));
  for (let f = 3; f <= 4; f++) {
    const at = e + (f === 3 ? ENT_ID_KEYS : ENT_DESC_KEYS);
    const ids = w(at), count = w(at + 1);
    for (let k = 0; k < count; k++) strAlways(f, w(ids + k));
  }
}

function resourceX(r: number): void {
  head(1);
  if (w(r + RES_BITS) & RES_HAS_RESOURCE) {
    head(1);
    attrs(1, r + RES_ATTRS);
    u32f(2, w(r + RES_DROPPED));
    const refs = w(r + RES_ENTITY_REFS), count = w(r + RES_ENTITY_REFS + 1);
    for (let k = 0; k < count; k++) entityRef(w(refs + k));
  }
  const list = w(r + RES_SCOPES), count = w(r + RES_SCOPES + 1);
  for (let k = 0; k < count; k++) scopeX(w(list + k));
  str(3, w(r + RES_SCHEMA_URL));
}

function scopeX(s: number): void {
  head(2);
  if (w(s + SCOPE_BITS) & SCOPE_HAS_SCOPE) {
    head(1);
    str(1, w(s + SCOPE_NAME));
    str(2, w(s + SCOPE_VERSION));
    attrs(3, s + SCOPE_ATTRS);
    u32f(4, w(s + SCOPE_DROPPED));
  }
  const list = w(s + SCOPE_ITEMS), count = w(s + SCOPE_ITEMS + 1);
  for (let k = 0; k < count; k++) {
    const item = w(list + k);
    if (SIGNAL === SIGNAL_TRACES) span(item);
    else if (SIGNAL === SIGNAL_METRICS) metric(item);
    else log(item);
  }
  str(3, w(s + SCOPE_SCHEMA_URL));
}

function span(s: number): void {
  head(2);
  const bits = w(s + SPAN_BITS);
  id(1, (bits & SPAN_HAS_TRACE_ID) !== 0, s + SPAN_TRACE_ID, 16);
  id(2, (bits & SPAN_HAS_SPAN_ID) !== 0, s + SPAN_SPAN_ID, 8);
  str(3, w(s + SPAN_TRACE_STATE));
  id(4, (bits & SPAN_HAS_PARENT) !== 0, s + SPAN_PARENT_ID, 8);
  str(5, w(s + SPAN_NAME));
  enumf(6, w(s + SPAN_KIND));
  fixed64(7, s + SPAN_START);
  fixed64(8, s + SPAN_END);
  attrs(9, s + SPAN_ATTRS);
  u32f(10, w(s + SPAN_DROPPED_ATTRS));
  const events = w(s + SPAN_EVENTS), ne = w(s + SPAN_EVENTS + 1);
  for (let k = 0; k < ne; k++) event(w(events + k));
  u32f(12, w(s + SPAN_DROPPED_EVENTS));
  const links = w(s + SPAN_LINKS), nl = w(s + SPAN_LINKS + 1);
  for (let k = 0; k < nl; k++) link(w(links + k));
  u32f(14, w(s + SPAN_DROPPED_LINKS));
  if (bits & SPAN_HAS_STATUS) {
    head(15);
    str(2, w(s + SPAN_STATUS_MESSAGE));
    enumf(3, w(s + SPAN_STATUS_CODE));
  }
  fixed32(16, w(s + SPAN_FLAGS));
}

function event(e: number): void {
  head(11);
  fixed64(1, e + EVENT_TIME);
  str(2, w(e + EVENT_NAME));
  attrs(3, e + EVENT_ATTRS);
  u32f(4, w(e + EVENT_DROPPED));
}

function link(l: number): void {
  head(13);
  const bits = w(l + LINK_BITS);
  id(1, (bits & ID_HAS_TRACE) !== 0, l + LINK_TRACE_ID, 16);
  id(2, (bits & ID_HAS_SPAN) !== 0, l + LINK_SPAN_ID, 8);
  str(3, w(l + LINK_TRACE_STATE));
  attrs(4, l + LINK_ATTRS);
  u32f(5, w(l + LINK_DROPPED));
  fixed32(6, w(l + LINK_FLAGS));
}

function metric(m: number): void {
  head(2);
  str(1, w(m + METRIC_NAME));
  str(2, w(m + METRIC_DESCRIPTION));
  str(3, w(m + METRIC_UNIT));
  const kind = w(m + METRIC_DATA);
  if (kind !== DATA_NONE) {
    head(dataField(kind));
    const list = w(m + METRIC_POINTS), count = w(m + METRIC_POINTS + 1);
    for (let k = 0; k < count; k++) {
      const p = w(list + k);
      if (kind === DATA_GAUGE || kind === DATA_SUM) numberPoint(p);
      else if (kind === DATA_HISTOGRAM) histPoint(p);
      else if (kind === DATA_EXP_HISTOGRAM) expPoint(p);
      else summaryPoint(p);
    }
    if (kind === DATA_SUM || kind === DATA_HISTOGRAM || kind === DATA_EXP_HISTOGRAM) enumf(2, w(m + METRIC_TEMPORALITY));
    if (kind === DATA_SUM && w(m + METRIC_MONOTONIC) !== 0) { tag(3, 0); byte(1); }
  }
  attrs(12, m + METRIC_METADATA);
}

function exemplars(field: number, at: number): void {
  const list = w(at), count = w(at + 1);
  for (let k = 0; k < count; k++) {
    const e = w(list + k);
    head(field);
    const bits = w(e + EX_BITS), kind = w(e + EX_VALUE_KIND);
    fixed64(2, e + EX_TIME);
    if (kind === NUM_DOUBLE) bits64(3, e + EX_VALUE);
    id(4, (bits & ID_HAS_SPAN) !== 0, e + EX_SPAN_ID, 8);
    id(5, (bits & ID_HAS_TRACE) !== 0, e + EX_TRACE_ID, 16);
    if (kind === NUM_INT) bits64(6, e + EX_VALUE);
    attrs(7, e + EX_ATTRS);
  }
}

function numberPoint(p: number): void {
  head(1);
  const kind = w(p + NPT_VALUE_KIND);
  fixed64(2, p + PT_START);
  fixed64(3, p + PT_TIME);
  if (kind === NUM_DOUBLE) bits64(4, p + NPT_VALUE);
  exemplars(5, p + NPT_EXEMPLARS);
  if (kind === NUM_INT) bits64(6, p + NPT_VALUE);
  attrs(7, p + PT_ATTRS);
  u32f(8, w(p + NPT_FLAGS));
}

function histPoint(p: number): void {
  head(1);
  const bits = w(p + HPT_BITS);
  fixed64(2, p + PT_START);
  fixed64(3, p + PT_TIME);
  fixed64(4, p + HPT_COUNT);
  if (bits & HAS_SUM) bits64(5, p + HPT_SUM);
  packed8(6, p + HPT_BUCKETS);
  packed8(7, p + HPT_BOUNDS);
  exemplars(8, p + HPT_EXEMPLARS);
  attrs(9, p + PT_ATTRS);
  u32f(10, w(p + HPT_FLAGS));
  if (bits & HAS_MIN) bits64(11, p + HPT_MIN);
  if (bits & HAS_MAX) bits64(12, p + HPT_MAX);
}

function buckets(field: number, offsetAt: number, at: number): void {
  head(field);
  sint32f(1, w(offsetAt));
  const counts = w(at), count = w(at + 1);
  if (count !== 0) {
    head(2);
    for (let k = 0; k < count; k++) varint64(w(counts + k * 2), w(counts + k * 2 + 1));
  }
}

function expPoint(p: number): void {
  head(1);
  const bits = w(p + HPT_BITS);
  attrs(1, p + PT_ATTRS);
  fixed64(2, p + PT_START);
  fixed64(3, p + PT_TIME);
  fixed64(4, p + HPT_COUNT);
  if (bits & HAS_SUM) bits64(5, p + HPT_SUM);
  sint32f(6, w(p + XPT_SCALE));
  fixed64(7, p + XPT_ZERO_COUNT);
  if (bits & HAS_POSITIVE) buckets(8, p + XPT_POS_OFFSET, p + XPT_POS_BUCKETS);
  if (bits & HAS_NEGATIVE) buckets(9, p + XPT_NEG_OFFSET, p + XPT_NEG_BUCKETS);
  u32f(10, w(p + XPT_FLAGS));
  exemplars(11, p + XPT_EXEMPLARS);
  if (bits & HAS_MIN) bits64(12, p + HPT_MIN);
  if (bits & HAS_MAX) bits64(13, p + HPT_MAX);
  fixed64(14, p + XPT_ZERO_THRESHOLD);
}

function summaryPoint(p: number): void {
  head(1);
  fixed64(2, p + PT_START);
  fixed64(3, p + PT_TIME);
  fixed64(4, p + SPT_COUNT);
  fixed64(5, p + SPT_SUM);
  const q = w(p + SPT_QUANTILES), count = w(p + SPT_QUANTILES + 1);
  for (let k = 0; k < count; k++) {
    tag(6, 2);
    varint32(sFixed64(1, q + k * 4) + sFixed64(2, q + k * 4 + 2));
    fixed64(1, q + k * 4);
    fixed64(2, q + k * 4 + 2);
  }
  attrs(7, p + PT_ATTRS);
  u32f(8, w(p + SPT_FLAGS));
}

function log(l: number): void {
  head(2);
  const bits = w(l + LOG_BITS);
  fixed64(1, l + LOG_TIME);
  enumf(2, w(l + LOG_SEVERITY));
  str(3, w(l + LOG_SEVERITY_TEXT));
  value(5, l + LOG_BODY);
  attrs(6, l + LOG_ATTRS);
  u32f(7, w(l + LOG_DROPPED));
  fixed32(8, w(l + LOG_FLAGS));
  id(9, (bits & ID_HAS_TRACE) !== 0, l + LOG_TRACE_ID, 16);
  id(10, (bits & ID_HAS_SPAN) !== 0, l + LOG_SPAN_ID, 8);
  fixed64(11, l + LOG_OBSERVED);
  str(12, w(l + LOG_EVENT_NAME));
}

// ---- entry point

/** Encodes the request rooted at `root` in `rec` as OTLP/protobuf bytes of exactly the right length. */
export function encodeRecords(signal: number, rec: Records, root: number): Uint8Array<ArrayBuffer> {
  W = rec.words; WB = rec.wordBytes; SI = rec.strIndex; SB = rec.strBytes;
  SIGNAL = signal;
  // Every nested message is at least one word of records, so wordCount + 1 sizes suffice.
  if (ST.length < rec.wordCount + 1) ST = new Uint32Array(rec.wordCount + 1024);
  sp = 0;
  const list = w(root + REQ_LIST), count = w(root + REQ_COUNT);
  let n = 0;
  for (let k = 0; k < count; k++) n += sResourceX(w(list + k));
  if (sp > ST.length) throw new Error('plume: record size stack overflow');
  const out = (OUT = new Uint8Array(n));
  O = 0; rp = 0;
  for (let k = 0; k < count; k++) resourceX(w(list + k));
  if (O !== n) throw new Error(`plume: encoder wrote ${O} of ${n} bytes`);
  // Drop references so a large batch can be collected.
  OUT = WB = SB = NO_BYTES;
  W = SI = NO_WORDS;
  return out;
}
