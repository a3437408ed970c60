// Reads a request in the OTLP/JSON shape (camelCase fields, hex trace/span ids, int64 as a
// decimal string or an integer number, enums as numbers, bytes as base64) into records.
// Everything is checked before a byte is encoded: bad input throws a TypeError naming the
// field path, e.g. "resourceSpans[0].scopeSpans[1].spans[7].traceId: expected 32 hex chars".
// Unknown fields are ignored, as OTLP receivers do; null counts as absent (proto3 JSON).
// Values nested deeper than MAX_VALUE_DEPTH (layout.ts) are cut, not refused: see anyValue().

import {
  SLOT_WORDS, SLOT_KEY, SLOT_KIND, SLOT_LO, SLOT_HI,
  VALUE_STRING, VALUE_BOOL, VALUE_INT, VALUE_DOUBLE, VALUE_ARRAY, VALUE_KVLIST, VALUE_BYTES, VALUE_EMPTY,
  REQ_LIST, REQ_WORDS,
  RES_BITS, RES_ATTRS, RES_DROPPED, RES_SCHEMA_URL, RES_SCOPES, RES_ENTITY_REFS, RES_WORDS, RES_HAS_RESOURCE,
  ENT_SCHEMA_URL, ENT_TYPE, ENT_ID_KEYS, ENT_DESC_KEYS, ENT_WORDS,
  SCOPE_BITS, SCOPE_NAME, SCOPE_VERSION, SCOPE_ATTRS, SCOPE_DROPPED, SCOPE_SCHEMA_URL, SCOPE_ITEMS, SCOPE_WORDS, SCOPE_HAS_SCOPE,
  SPAN_TRACE_ID, SPAN_SPAN_ID, SPAN_PARENT_ID, SPAN_TRACE_STATE, SPAN_FLAGS, SPAN_NAME, SPAN_KIND, SPAN_START, SPAN_END,
  SPAN_ATTRS, SPAN_DROPPED_ATTRS, SPAN_EVENTS, SPAN_DROPPED_EVENTS, SPAN_LINKS, SPAN_DROPPED_LINKS,
  SPAN_STATUS_MESSAGE, SPAN_STATUS_CODE, SPAN_BITS, SPAN_WORDS,
  SPAN_HAS_TRACE_ID, SPAN_HAS_SPAN_ID, SPAN_HAS_PARENT, SPAN_HAS_STATUS,
  EVENT_TIME, EVENT_NAME, EVENT_ATTRS, EVENT_DROPPED, EVENT_WORDS,
  LINK_TRACE_ID, LINK_SPAN_ID, LINK_TRACE_STATE, LINK_ATTRS, LINK_DROPPED, LINK_FLAGS, LINK_BITS, LINK_WORDS,
  ID_HAS_TRACE, ID_HAS_SPAN,
  METRIC_NAME, METRIC_DESCRIPTION, METRIC_UNIT, METRIC_DATA, METRIC_TEMPORALITY, METRIC_MONOTONIC, METRIC_POINTS,
  METRIC_METADATA, METRIC_WORDS,
  DATA_GAUGE, DATA_SUM, DATA_HISTOGRAM, DATA_EXP_HISTOGRAM, DATA_SUMMARY,
  NUM_DOUBLE, NUM_INT, PT_ATTRS, PT_START, PT_TIME,
  NPT_VALUE_KIND, NPT_VALUE, NPT_EXEMPLARS, NPT_FLAGS, NPT_WORDS,
  HPT_COUNT, HPT_SUM, HPT_MIN, HPT_MAX, HPT_BITS, HPT_BUCKETS, HPT_BOUNDS, HPT_EXEMPLARS, HPT_FLAGS, HPT_WORDS,
  HAS_SUM, HAS_MIN, HAS_MAX, HAS_POSITIVE, HAS_NEGATIVE,
  XPT_SCALE, XPT_ZERO_COUNT, XPT_ZERO_THRESHOLD, XPT_POS_OFFSET, XPT_POS_BUCKETS, XPT_NEG_OFFSET, XPT_NEG_BUCKETS,
  XPT_EXEMPLARS, XPT_FLAGS, XPT_WORDS,
  SPT_COUNT, SPT_SUM, SPT_QUANTILES, SPT_FLAGS, SPT_WORDS,
  EX_ATTRS, EX_TIME, EX_VALUE_KIND, EX_VALUE, EX_SPAN_ID, EX_TRACE_ID, EX_BITS, EX_WORDS,
  LOG_TIME, LOG_OBSERVED, LOG_SEVERITY, LOG_SEVERITY_TEXT, LOG_BODY, LOG_ATTRS, LOG_DROPPED, LOG_FLAGS,
  LOG_TRACE_ID, LOG_SPAN_ID, LOG_EVENT_NAME, LOG_BITS, LOG_WORDS,
  MAX_VALUE_DEPTH,
} from './layout.js';
import type { Records } from './records.js';

// deno-lint-ignore no-explicit-any
type Json = any;

let R: Records;
// AnyValues cut in the request being read (too deep); see anyValue().
let cut = 0;
// The path to the object being read, as alternating names and indexes (-1: no index).
// Joined only when something is wrong, so the happy path builds no strings.
const path: (string | number)[] = [];

function where(field: string): string {
  let s = '';
  for (let k = 0; k < path.length; k += 2) {
    s += (k ? '.' : '') + path[k] + (path[k + 1] === -1 ? '' : `[${path[k + 1]}]`);
  }
  return field ? (s ? `${s}.${field}` : field) : s;
}
function fail(field: string, what: string): never {
  throw new TypeError(`${where(field)}: ${what}`);
}
const enter = (name: string, index: number): void => { path.push(name, index); };
const leave = (): void => { path.length -= 2; };
const absent = (v: unknown): boolean => v === undefined || v === null;

function object(v: Json, field: string): Json {
  if (absent(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(field, 'expected an object');
  return v;
}
function array(v: Json, field: string): Json[] {
  if (absent(v)) return [];
  if (!Array.isArray(v)) fail(field, 'expected an array');
  return v;
}
function string(v: Json, field: string): number {
  if (absent(v)) return 0;
  if (typeof v !== 'string') fail(field, 'expected a string');
  return R.str(v);
}
function bool(v: Json, field: string): boolean {
  if (absent(v)) return false;
  if (typeof v !== 'boolean') fail(field, 'expected a boolean');
  return v;
}

const DIGITS = /^-?\d+$/;
function integer(v: Json, field: string, min: number, max: number, what: string): number {
  if (absent(v)) return 0;
  const n = typeof v === 'string' && DIGITS.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(field, `expected ${what}`);
  if (n < min || n > max) fail(field, `${what} out of range: ${v}`);
  return n;
}
const uint32 = (v: Json, field: string): number => integer(v, field, 0, 0xffffffff, 'a uint32');
// Enums and sint32 are stored as their 32-bit two's complement.
const int32 = (v: Json, field: string): number => integer(v, field, -0x80000000, 0x7fffffff, 'an int32') >>> 0;

const TWO32 = 4294967296;
let lo = 0;
let hi = 0;

/**
 * Parses up to 20 decimal digits into the unsigned 64-bit (hi, lo) pair without BigInt:
 * v = H * 1e9 + L, with H split at 2^16 so that every partial product stays exact in a
 * double. Returns false when the value does not fit 64 bits.
 */
function parseDigits(d: string): boolean {
  let k = 0;
  while (k < d.length - 1 && d.charCodeAt(k) === 48) k++;
  if (d.length - k > 20) return false;
  if (d.length - k <= 15) {
    const n = Number(k ? d.slice(k) : d);
    hi = Math.floor(n / TWO32);
    lo = n - hi * TWO32;
    return true;
  }
  const cut = d.length - 9;
  const H = Number(d.slice(k, cut)), L = Number(d.slice(cut));
  const Hh = Math.floor(H / 65536), Hl = H - Hh * 65536;
  const A = Hh * 1e9;
  const Ahi = Math.floor(A / 65536), Alo = A - Ahi * 65536;
  const C = Alo * 65536 + Hl * 1e9 + L;
  const carry = Math.floor(C / TWO32);
  lo = C - carry * TWO32;
  hi = Ahi + carry;
  return hi <= 0xffffffff;
}

/** Writes a 64-bit integer as two words at off. */
function int64(v: Json, field: string, off: number, signed: boolean): void {
  if (absent(v)) return;
  const what = signed ? 'an int64' : 'a uint64';
  if (typeof v === 'bigint') v = v.toString();
  let negative = false;
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) fail(field, `expected ${what} (decimal string or integer)`);
    negative = v.charCodeAt(0) === 45;
    if (!parseDigits(negative ? v.slice(1) : v)) fail(field, `${what} out of range: ${v}`);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    negative = v < 0;
    const n = Math.abs(v);
    if (n >= 18446744073709551616) fail(field, `${what} out of range: ${v}`);
    // Integral doubles split exactly into 32-bit halves.
    hi = Math.floor(n / TWO32);
    lo = n - hi * TWO32;
  } else {
    fail(field, `expected ${what} (decimal string or integer)`);
  }
  const zero = (hi | lo) === 0;
  if (negative && !zero) {
    // |v| may reach 2^63 when negative; then two's complement.
    if (!signed || hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) fail(field, `${what} out of range: ${v}`);
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  } else if (signed && hi > 0x7fffffff) {
    fail(field, `${what} out of range: ${v}`);
  }
  R.words[off] = lo;
  R.words[off + 1] = hi;
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
function double(v: Json, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = Object.prototype.hasOwnProperty.call(SPECIAL_DOUBLES, v) ? SPECIAL_DOUBLES[v] : undefined;
    if (s !== undefined) return s;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return fail(field, 'expected a number');
}
function optDouble(v: Json, field: string, off: number): boolean {
  if (absent(v)) return false;
  R.setDouble(off, double(v, field));
  return true;
}

const HEX_VALUE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(255);
  for (let k = 0; k < 16; k++) t['0123456789abcdef'.charCodeAt(k)] = t['0123456789ABCDEF'.charCodeAt(k)] = k;
  return t;
})();
/** Writes an id's bytes at word offset off; returns whether it is present (non-empty). */
function id(v: Json, field: string, off: number, bytes: number): boolean {
  if (absent(v) || v === '') return false;
  const at = off << 2;
  if (v instanceof Uint8Array) {
    if (v.length !== bytes) fail(field, `expected ${bytes} bytes`);
    R.wordBytes.set(v, at);
    return true;
  }
  if (typeof v !== 'string' || v.length !== bytes * 2) fail(field, `expected ${bytes * 2} hex chars`);
  const out = R.wordBytes;
  for (let k = 0; k < bytes; k++) {
    const h = HEX_VALUE[v.charCodeAt(2 * k)], l = HEX_VALUE[v.charCodeAt(2 * k + 1)];
    // 255 marks a non-hex char (and charCodeAt beyond 127 reads undefined).
    if (!(h < 16 && l < 16)) fail(field, `expected ${bytes * 2} hex chars`);
    out[at + k] = (h << 4) | l;
  }
  return true;
}
function requiredId(v: Json, field: string, off: number, bytes: number): void {
  if (!id(v, field, off, bytes)) fail(field, `expected ${bytes * 2} hex chars`);
}

// Checked without a quantified group: a (?:....{4})* regex backtracks once per 4 characters
// on irregexp's own stack, which a valid bytesValue of about 3.3 MB exhausted (RangeError).
const NOT_BASE64 = /[^A-Za-z0-9+/_-]/;
function base64(v: Json, field: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const pad = typeof v !== 'string' ? 0 : v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  const body = typeof v === 'string' ? v.slice(0, v.length - pad) : '';
  const rest = body.length % 4;
  if (typeof v !== 'string' || NOT_BASE64.test(body) || rest === 1 || (pad && rest !== 4 - pad)) fail(field, 'expected base64 bytes');
  const bin = atob(v.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
  return out;
}

// ---- attributes and values

/** Reads a KeyValue list into slots; returns how many values it cut. */
function attrs(v: Json, field: string, at: number): number {
  const before = cut;
  const list = array(v, field);
  const first = R.slots(list.length);
  R.words[at] = first;
  R.words[at + 1] = list.length;
  for (let k = 0; k < list.length; k++) {
    enter(field, k);
    keyValue(list[k], first + k * SLOT_WORDS, 0);
    leave();
  }
  return cut - before;
}

/**
 * A droppedAttributesCount: the one given plus the values cut from what the message holds,
 * which OTLP has no other count for (a data point or exemplar has none: only valuesCut()).
 */
function dropped(v: Json, cuts: number): number {
  return Math.min(uint32(v, 'droppedAttributesCount') + cuts, 0xffffffff);
}

/** How many AnyValues the last request read had cut (nested deeper than MAX_VALUE_DEPTH). */
export const valuesCut = (): number => cut;

function keyValue(kv: Json, slot: number, depth: number): void {
  if (typeof kv !== 'object' || kv === null) fail('', 'expected a KeyValue object');
  R.words[slot + SLOT_KEY] = string(kv.key, 'key');
  if (!absent(kv.value)) {
    enter('value', -1);
    anyValue(kv.value, slot, depth);
    leave();
  }
}

const VALUE_KINDS: Record<string, number> = {
  stringValue: VALUE_STRING, boolValue: VALUE_BOOL, intValue: VALUE_INT, doubleValue: VALUE_DOUBLE,
  arrayValue: VALUE_ARRAY, kvlistValue: VALUE_KVLIST, bytesValue: VALUE_BYTES,
};

/** Writes AnyValue v into the slot at `slot` (its kind and payload words). */
function anyValue(v: Json, slot: number, depth: number): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('', 'expected an AnyValue object');
  let kind = VALUE_EMPTY, name = '';
  for (const key in v) {
    if (absent(v[key])) continue;
    // OTLP/JSON receivers ignore fields they do not know (the spec's rule; string_value_strindex,
    // a profiles-only field, says so itself): the value is written as if they were absent.
    if (!Object.prototype.hasOwnProperty.call(VALUE_KINDS, key)) continue;
    const k = VALUE_KINDS[key];
    if (kind !== VALUE_EMPTY) fail('', `more than one AnyValue kind set ('${name}', '${key}')`);
    kind = k;
    name = key;
  }
  const x = v[name];
  R.words[slot + SLOT_KIND] = kind;
  switch (kind) {
    case VALUE_STRING:
      R.words[slot + SLOT_LO] = string(x, name);
      break;
    case VALUE_BOOL:
      R.words[slot + SLOT_LO] = bool(x, name) ? 1 : 0;
      break;
    case VALUE_INT:
      int64(x, name, slot + SLOT_LO, true);
      break;
    case VALUE_DOUBLE:
      R.setDouble(slot + SLOT_LO, double(x, name));
      break;
    case VALUE_BYTES:
      R.words[slot + SLOT_LO] = R.bytes(base64(x, name));
      break;
    case VALUE_ARRAY:
    case VALUE_KVLIST: {
      // Deeper than receivers read (layout.ts): written as an empty AnyValue, counted, and not
      // read any further, so input of any depth (a cyclic object too) costs 16 levels at most.
      if (depth >= MAX_VALUE_DEPTH) {
        R.words[slot + SLOT_KIND] = VALUE_EMPTY;
        cut++;
        break;
      }
      enter(name, -1);
      const list = array(object(x, '')?.values, 'values');
      const first = R.slots(list.length);
      R.words[slot + SLOT_LO] = first;
      R.words[slot + SLOT_HI] = list.length;
      for (let k = 0; k < list.length; k++) {
        enter('values', k);
        if (kind === VALUE_KVLIST) keyValue(list[k], first + k * SLOT_WORDS, depth + 1);
        // An array element always exists on the wire: null or undefined become an empty AnyValue.
        else if (absent(list[k])) R.words[first + k * SLOT_WORDS + SLOT_KIND] = VALUE_EMPTY;
        else anyValue(list[k], first + k * SLOT_WORDS, depth + 1);
        leave();
      }
      leave();
    }
  }
}

// ---- shared envelope: request, resource, scope

type ItemReader = (item: Json, at: number) => void;

/** Writes the list of records read by `read` from array v; returns nothing, fills at/at+1. */
function list(v: Json, field: string, at: number, words: number, read: ItemReader): void {
  const items = array(v, field);
  const offs = R.alloc(items.length);
  R.words[at] = offs;
  R.words[at + 1] = items.length;
  for (let k = 0; k < items.length; k++) {
    enter(field, k);
    const item = items[k];
    if (typeof item !== 'object' || item === null) fail('', 'expected an object');
    const rec = R.alloc(words);
    R.words[offs + k] = rec;
    read(item, rec);
    leave();
  }
}

function request(rec: Records, req: Json, resources: string, scopes: string, items: string, words: number, read: ItemReader): number {
  R = rec;
  path.length = 0;
  cut = 0;
  try {
    if (typeof req !== 'object' || req === null) throw new TypeError('request: expected an object');
    const root = R.alloc(REQ_WORDS);
    list(req[resources], resources, root + REQ_LIST, RES_WORDS, (rs, r) => {
      const res = object(rs.resource, 'resource');
      if (res) {
        enter('resource', -1);
        R.words[r + RES_BITS] = RES_HAS_RESOURCE;
        const cuts = attrs(res.attributes, 'attributes', r + RES_ATTRS);
        R.words[r + RES_DROPPED] = dropped(res.droppedAttributesCount, cuts);
        list(res.entityRefs, 'entityRefs', r + RES_ENTITY_REFS, ENT_WORDS, entityRef);
        leave();
      }
      R.words[r + RES_SCHEMA_URL] = string(rs.schemaUrl, 'schemaUrl');
      list(rs[scopes], scopes, r + RES_SCOPES, SCOPE_WORDS, (ss, s) => {
        const scope = object(ss.scope, 'scope');
        if (scope) {
          enter('scope', -1);
          R.words[s + SCOPE_BITS] = SCOPE_HAS_SCOPE;
          R.words[s + SCOPE_NAME] = string(scope.name, 'name');
          R.words[s + SCOPE_VERSION] = string(scope.version, 'version');
          const cuts = attrs(scope.attributes, 'attributes', s + SCOPE_ATTRS);
          R.words[s + SCOPE_DROPPED] = dropped(scope.droppedAttributesCount, cuts);
          leave();
        }
        R.words[s + SCOPE_SCHEMA_URL] = string(ss.schemaUrl, 'schemaUrl');
        list(ss[items], items, s + SCOPE_ITEMS, words, read);
      });
    });
    return root;
  } finally {
    path.length = 0;
  }
}

function stringList(v: Json, field: string, at: number): void {
  const items = array(v, field);
  const offs = R.alloc(items.length);
  R.words[at] = offs;
  R.words[at + 1] = items.length;
  for (let k = 0; k < items.length; k++) {
    if (typeof items[k] !== 'string') fail(`${field}[${k}]`, 'expected a string');
    R.words[offs + k] = R.str(items[k]);
  }
}

function entityRef(e: Json, at: number): void {
  R.words[at + ENT_SCHEMA_URL] = string(e.schemaUrl, 'schemaUrl');
  R.words[at + ENT_TYPE] = string(e.type, 'type');
  stringList(e.idKeys, 'idKeys', at + ENT_ID_KEYS);
  stringList(e.descriptionKeys, 'descriptionKeys', at + ENT_DESC_KEYS);
}

// ---- traces

function span(s: Json, at: number): void {
  requiredId(s.traceId, 'traceId', at + SPAN_TRACE_ID, 16);
  requiredId(s.spanId, 'spanId', at + SPAN_SPAN_ID, 8);
  let bits = SPAN_HAS_TRACE_ID | SPAN_HAS_SPAN_ID;
  if (id(s.parentSpanId, 'parentSpanId', at + SPAN_PARENT_ID, 8)) bits |= SPAN_HAS_PARENT;
  R.words[at + SPAN_TRACE_STATE] = string(s.traceState, 'traceState');
  R.words[at + SPAN_FLAGS] = uint32(s.flags, 'flags');
  R.words[at + SPAN_NAME] = string(s.name, 'name');
  R.words[at + SPAN_KIND] = int32(s.kind, 'kind');
  int64(s.startTimeUnixNano, 'startTimeUnixNano', at + SPAN_START, false);
  int64(s.endTimeUnixNano, 'endTimeUnixNano', at + SPAN_END, false);
  const cuts = attrs(s.attributes, 'attributes', at + SPAN_ATTRS);
  R.words[at + SPAN_DROPPED_ATTRS] = dropped(s.droppedAttributesCount, cuts);
  list(s.events, 'events', at + SPAN_EVENTS, EVENT_WORDS, (e, ev) => {
    int64(e.timeUnixNano, 'timeUnixNano', ev + EVENT_TIME, false);
    R.words[ev + EVENT_NAME] = string(e.name, 'name');
    const cuts = attrs(e.attributes, 'attributes', ev + EVENT_ATTRS);
    R.words[ev + EVENT_DROPPED] = dropped(e.droppedAttributesCount, cuts);
  });
  R.words[at + SPAN_DROPPED_EVENTS] = uint32(s.droppedEventsCount, 'droppedEventsCount');
  list(s.links, 'links', at + SPAN_LINKS, LINK_WORDS, (l, lk) => {
    requiredId(l.traceId, 'traceId', lk + LINK_TRACE_ID, 16);
    requiredId(l.spanId, 'spanId', lk + LINK_SPAN_ID, 8);
    R.words[lk + LINK_BITS] = ID_HAS_TRACE | ID_HAS_SPAN;
    R.words[lk + LINK_TRACE_STATE] = string(l.traceState, 'traceState');
    const cuts = attrs(l.attributes, 'attributes', lk + LINK_ATTRS);
    R.words[lk + LINK_DROPPED] = dropped(l.droppedAttributesCount, cuts);
    R.words[lk + LINK_FLAGS] = uint32(l.flags, 'flags');
  });
  R.words[at + SPAN_DROPPED_LINKS] = uint32(s.droppedLinksCount, 'droppedLinksCount');
  const status = object(s.status, 'status');
  if (status) {
    enter('status', -1);
    bits |= SPAN_HAS_STATUS;
    R.words[at + SPAN_STATUS_MESSAGE] = string(status.message, 'message');
    R.words[at + SPAN_STATUS_CODE] = int32(status.code, 'code');
    leave();
  }
  R.words[at + SPAN_BITS] = bits;
}

// ---- metrics

function exemplar(e: Json, at: number): void {
  attrs(e.filteredAttributes, 'filteredAttributes', at + EX_ATTRS);
  int64(e.timeUnixNano, 'timeUnixNano', at + EX_TIME, false);
  R.words[at + EX_VALUE_KIND] = numberValue(e, at + EX_VALUE);
  let bits = 0;
  if (id(e.spanId, 'spanId', at + EX_SPAN_ID, 8)) bits |= ID_HAS_SPAN;
  if (id(e.traceId, 'traceId', at + EX_TRACE_ID, 16)) bits |= ID_HAS_TRACE;
  R.words[at + EX_BITS] = bits;
}

/** The oneof { asDouble, asInt } of NumberDataPoint and Exemplar. */
function numberValue(p: Json, off: number): number {
  const d = !absent(p.asDouble), i = !absent(p.asInt);
  if (d && i) fail('', "more than one value set ('asDouble', 'asInt')");
  if (d) { R.setDouble(off, double(p.asDouble, 'asDouble')); return NUM_DOUBLE; }
  if (i) { int64(p.asInt, 'asInt', off, true); return NUM_INT; }
  return 0;
}

function pointHead(p: Json, at: number): void {
  attrs(p.attributes, 'attributes', at + PT_ATTRS);
  int64(p.startTimeUnixNano, 'startTimeUnixNano', at + PT_START, false);
  int64(p.timeUnixNano, 'timeUnixNano', at + PT_TIME, false);
}

function numberPoint(p: Json, at: number): void {
  pointHead(p, at);
  R.words[at + NPT_VALUE_KIND] = numberValue(p, at + NPT_VALUE);
  list(p.exemplars, 'exemplars', at + NPT_EXEMPLARS, EX_WORDS, exemplar);
  R.words[at + NPT_FLAGS] = uint32(p.flags, 'flags');
}

/** count, sum, min, max: the head HistogramDataPoint and ExponentialHistogramDataPoint share. */
function histogramHead(p: Json, at: number): number {
  pointHead(p, at);
  int64(p.count, 'count', at + HPT_COUNT, false);
  let bits = 0;
  if (optDouble(p.sum, 'sum', at + HPT_SUM)) bits |= HAS_SUM;
  if (optDouble(p.min, 'min', at + HPT_MIN)) bits |= HAS_MIN;
  if (optDouble(p.max, 'max', at + HPT_MAX)) bits |= HAS_MAX;
  return bits;
}

/** A repeated 64-bit field as consecutive word pairs: counts (uint64) or bounds (double). */
function wordPairs(v: Json, field: string, at: number, doubles: boolean): void {
  const items = array(v, field);
  const first = R.alloc(items.length * 2);
  R.words[at] = first;
  R.words[at + 1] = items.length;
  for (let k = 0; k < items.length; k++) {
    const f = `${field}[${k}]`;
    if (doubles) R.setDouble(first + k * 2, double(items[k], f));
    else if (absent(items[k])) fail(f, 'expected a uint64 (decimal string or integer)');
    else int64(items[k], f, first + k * 2, false);
  }
}

function histPoint(p: Json, at: number): void {
  // Not `R.words[...] = histogramHead(...)`: R.words would be read before the call, which
  // allocates the point's attributes and may move the words (see Records.alloc).
  const bits = histogramHead(p, at);
  R.words[at + HPT_BITS] = bits;
  wordPairs(p.bucketCounts, 'bucketCounts', at + HPT_BUCKETS, false);
  wordPairs(p.explicitBounds, 'explicitBounds', at + HPT_BOUNDS, true);
  list(p.exemplars, 'exemplars', at + HPT_EXEMPLARS, EX_WORDS, exemplar);
  R.words[at + HPT_FLAGS] = uint32(p.flags, 'flags');
}

function expPoint(p: Json, at: number): void {
  let bits = histogramHead(p, at);
  R.words[at + XPT_SCALE] = int32(p.scale, 'scale');
  int64(p.zeroCount, 'zeroCount', at + XPT_ZERO_COUNT, false);
  if (!absent(p.zeroThreshold)) R.setDouble(at + XPT_ZERO_THRESHOLD, double(p.zeroThreshold, 'zeroThreshold'));
  for (const [field, bit, offsetAt, countsAt] of [
    ['positive', HAS_POSITIVE, XPT_POS_OFFSET, XPT_POS_BUCKETS],
    ['negative', HAS_NEGATIVE, XPT_NEG_OFFSET, XPT_NEG_BUCKETS],
  ] as const) {
    const b = object(p[field], field);
    if (!b) continue;
    bits |= bit;
    enter(field, -1);
    R.words[at + offsetAt] = int32(b.offset, 'offset');
    wordPairs(b.bucketCounts, 'bucketCounts', at + countsAt, false);
    leave();
  }
  R.words[at + HPT_BITS] = bits;
  list(p.exemplars, 'exemplars', at + XPT_EXEMPLARS, EX_WORDS, exemplar);
  R.words[at + XPT_FLAGS] = uint32(p.flags, 'flags');
}

function summaryPoint(p: Json, at: number): void {
  pointHead(p, at);
  int64(p.count, 'count', at + SPT_COUNT, false);
  if (!absent(p.sum)) R.setDouble(at + SPT_SUM, double(p.sum, 'sum'));
  const q = array(p.quantileValues, 'quantileValues');
  const first = R.alloc(q.length * 4);
  R.words[at + SPT_QUANTILES] = first;
  R.words[at + SPT_QUANTILES + 1] = q.length;
  for (let k = 0; k < q.length; k++) {
    enter('quantileValues', k);
    const v = object(q[k], '') ?? fail('', 'expected an object');
    if (!absent(v.quantile)) R.setDouble(first + k * 4, double(v.quantile, 'quantile'));
    if (!absent(v.value)) R.setDouble(first + k * 4 + 2, double(v.value, 'value'));
    leave();
  }
  R.words[at + SPT_FLAGS] = uint32(p.flags, 'flags');
}

const DATA_MEMBERS: [string, number, ItemReader, number][] = [
  ['gauge', DATA_GAUGE, numberPoint, NPT_WORDS],
  ['sum', DATA_SUM, numberPoint, NPT_WORDS],
  ['histogram', DATA_HISTOGRAM, histPoint, HPT_WORDS],
  ['exponentialHistogram', DATA_EXP_HISTOGRAM, expPoint, XPT_WORDS],
  ['summary', DATA_SUMMARY, summaryPoint, SPT_WORDS],
];

function metric(m: Json, at: number): void {
  R.words[at + METRIC_NAME] = string(m.name, 'name');
  R.words[at + METRIC_DESCRIPTION] = string(m.description, 'description');
  R.words[at + METRIC_UNIT] = string(m.unit, 'unit');
  let seen = '';
  for (const [field, kind, read, words] of DATA_MEMBERS) {
    const d = object(m[field], field);
    if (!d) continue;
    if (seen) fail('', `more than one data kind set ('${seen}', '${field}')`);
    seen = field;
    enter(field, -1);
    R.words[at + METRIC_DATA] = kind;
    list(d.dataPoints, 'dataPoints', at + METRIC_POINTS, words, read);
    if (kind === DATA_SUM || kind === DATA_HISTOGRAM || kind === DATA_EXP_HISTOGRAM) {
      R.words[at + METRIC_TEMPORALITY] = int32(d.aggregationTemporality, 'aggregationTemporality');
    }
    if (kind === DATA_SUM) R.words[at + METRIC_MONOTONIC] = bool(d.isMonotonic, 'isMonotonic') ? 1 : 0;
    leave();
  }
  attrs(m.metadata, 'metadata', at + METRIC_METADATA);
}

// ---- logs

function logRecord(l: Json, at: number): void {
  int64(l.timeUnixNano, 'timeUnixNano', at + LOG_TIME, false);
  int64(l.observedTimeUnixNano, 'observedTimeUnixNano', at + LOG_OBSERVED, false);
  R.words[at + LOG_SEVERITY] = int32(l.severityNumber, 'severityNumber');
  R.words[at + LOG_SEVERITY_TEXT] = string(l.severityText, 'severityText');
  const before = cut;
  if (!absent(l.body)) {
    enter('body', -1);
    anyValue(l.body, at + LOG_BODY, 0);
    leave();
  }
  const cuts = cut - before + attrs(l.attributes, 'attributes', at + LOG_ATTRS);
  R.words[at + LOG_DROPPED] = dropped(l.droppedAttributesCount, cuts);
  R.words[at + LOG_FLAGS] = uint32(l.flags, 'flags');
  let bits = 0;
  if (id(l.traceId, 'traceId', at + LOG_TRACE_ID, 16)) bits |= ID_HAS_TRACE;
  if (id(l.spanId, 'spanId', at + LOG_SPAN_ID, 8)) bits |= ID_HAS_SPAN;
  R.words[at + LOG_BITS] = bits;
  R.words[at + LOG_EVENT_NAME] = string(l.eventName, 'eventName');
}

// ---- entry points: each returns the request's root offset in rec

export const tracesRequest = (rec: Records, req: Json): number =>
  request(rec, req, 'resourceSpans', 'scopeSpans', 'spans', SPAN_WORDS, span);
export const metricsRequest = (rec: Records, req: Json): number =>
  request(rec, req, 'resourceMetrics', 'scopeMetrics', 'metrics', METRIC_WORDS, metric);
export const logsRequest = (rec: Records, req: Json): number =>
  request(rec, req, 'resourceLogs', 'scopeLogs', 'logRecords', LOG_WORDS, logRecord);
