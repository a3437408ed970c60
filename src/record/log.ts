// A log record into the compact records, written as it is emitted.
import type { Records } from '../encode/records.js';
import {
  ID_HAS_SPAN, ID_HAS_TRACE, LOG_ATTRS, LOG_BITS, LOG_BODY, LOG_DROPPED, LOG_EVENT_NAME, LOG_FLAGS, LOG_OBSERVED,
  LOG_SEVERITY, LOG_SEVERITY_TEXT, LOG_SPAN_ID, LOG_TIME, LOG_TRACE_ID, LOG_WORDS, MAX_VALUE_DEPTH,
  SLOT_HI, SLOT_KEY, SLOT_KIND, SLOT_LO, SLOT_WORDS, VALUE_ARRAY, VALUE_BYTES, VALUE_EMPTY, VALUE_KVLIST,
} from '../encode/layout.js';
import { hexInto } from '../lib/ids.js';
import type { Attributes } from '../sdk/attributes.js';
import type { Scope } from '../sdk/span.js';
import type { SpanContext } from '../sdk/span-context.js';
import { writeAttributes, writeValue } from './attributes.js';
import { PRIORITY_ERROR, PRIORITY_NORMAL, type RecordBatch } from './batch.js';

export interface FinishedLog {
  time: number;
  observedTime: number;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attributes;
  dropped: number;
  eventName: string;
  spanContext?: SpanContext;
  scope: Scope;
}

// The values one log body may hold. Depth alone does not bound a body: an object graph in
// which objects share others (not a cycle: those are cut) is written once per path, which
// at 16 levels and three references an object is 3^16 values and a page that hangs.
export const MAX_BODY_VALUES = 4096;
let room = 0; // values the body being written may still hold

/**
 * A log body may be any JS value: maps become kvlists, arrays arrays, a Uint8Array bytes (as
 * OTel's AnyValue has it), a Date its ISO string. Functions, symbols, an invalid Date and a
 * property whose getter throws become empty values; strings and bytes are cut to maxLen. An
 * object or array nested deeper than MAX_VALUE_DEPTH levels (encode/layout.ts: what every
 * common receiver reads), one that holds itself (a cycle), one whose members no longer fit in
 * the body's MAX_BODY_VALUES, or a value that cannot be read (a getter, a Proxy trap or a Date
 * method that throws) becomes an empty value and is cut: returns how many were.
 */
function writeBody(rec: Records, slot: number, v: unknown, maxLen: number, depth: number, seen: Set<object>): number {
  try {
    return writeAny(rec, slot, v, maxLen, depth, seen);
  } catch {
    // Slots it allocated stay unreferenced; this one says empty.
    rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
    if (v && typeof v === 'object') seen.delete(v);
    return 1;
  }
}

function writeAny(rec: Records, slot: number, v: unknown, maxLen: number, depth: number, seen: Set<object>): number {
  if (v instanceof Uint8Array) {
    rec.words[slot + SLOT_KIND] = VALUE_BYTES;
    rec.words[slot + SLOT_LO] = rec.bytes(v.length > maxLen ? v.subarray(0, maxLen) : v);
    return 0;
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    if (depth >= MAX_VALUE_DEPTH || seen.has(v)) {
      rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
      return 1;
    }
    const array = Array.isArray(v) ? (v as unknown[]) : undefined;
    const keys = array ? [] : Object.keys(v);
    const n = array ? array.length : keys.length;
    if (n > room) {
      rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
      return 1;
    }
    room -= n;
    seen.add(v);
    let cut = 0;
    if (array) {
      const first = rec.slots(n);
      for (let k = 0; k < n; k++) cut += writeBody(rec, first + k * SLOT_WORDS, array[k], maxLen, depth + 1, seen);
      const w = rec.words;
      w[slot + SLOT_KIND] = VALUE_ARRAY;
      w[slot + SLOT_LO] = first;
      w[slot + SLOT_HI] = n;
    } else {
      const first = rec.slots(keys.length);
      for (let k = 0; k < keys.length; k++) {
        rec.words[first + k * SLOT_WORDS + SLOT_KEY] = rec.str(keys[k]);
        let value: unknown;
        try { value = (v as Record<string, unknown>)[keys[k]]; } catch { /* a throwing getter: empty */ }
        cut += writeBody(rec, first + k * SLOT_WORDS, value, maxLen, depth + 1, seen);
      }
      const w = rec.words;
      w[slot + SLOT_KIND] = VALUE_KVLIST;
      w[slot + SLOT_LO] = first;
      w[slot + SLOT_HI] = keys.length;
    }
    seen.delete(v);
    return cut;
  }
  switch (typeof v) {
    case 'string': writeValue(rec, slot, v.length > maxLen ? v.slice(0, maxLen) : v); return 0;
    case 'number': case 'boolean': writeValue(rec, slot, v); return 0;
    // Outside int64 as its decimal string: a wrapped number would be another number.
    case 'bigint': writeValue(rec, slot, BigInt.asIntN(64, v) === v ? v : String(v)); return 0;
    case 'object': if (v instanceof Date && !Number.isNaN(v.getTime())) { writeValue(rec, slot, v.toISOString()); return 0; }
  }
  rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
  return 0;
}

export function writeLog(batch: RecordBatch, l: FinishedLog, maxLen: number): void {
  const rec = batch.rec;
  const at = rec.alloc(LOG_WORDS);
  let bits = 0;
  const sc = l.spanContext;
  if (sc) {
    hexInto(sc.traceId, rec.wordBytes, (at + LOG_TRACE_ID) << 2);
    hexInto(sc.spanId, rec.wordBytes, (at + LOG_SPAN_ID) << 2);
    bits = ID_HAS_TRACE | ID_HAS_SPAN;
  }
  const w = rec.words;
  w[at + LOG_BITS] = bits;
  w[at + LOG_FLAGS] = sc ? sc.traceFlags & 0xff : 0;
  w[at + LOG_SEVERITY] = l.severityNumber;
  w[at + LOG_SEVERITY_TEXT] = rec.str(l.severityText);
  w[at + LOG_EVENT_NAME] = rec.str(l.eventName);
  rec.setTimeMs(at + LOG_TIME, l.time);
  rec.setTimeMs(at + LOG_OBSERVED, l.observedTime);
  // What the body or the attributes had cut counts as dropped attributes: the record is sent,
  // and says it is not whole (OTLP has no other count for it).
  let cut = 0;
  if (l.body !== undefined && l.body !== null) {
    room = MAX_BODY_VALUES - 1; // the body is one
    cut = writeBody(rec, at + LOG_BODY, l.body, maxLen, 0, new Set());
  }
  cut += writeAttributes(rec, at + LOG_ATTRS, l.attributes);
  rec.words[at + LOG_DROPPED] = l.dropped + cut;
  batch.add(l.scope, at, l.severityNumber >= 17 ? PRIORITY_ERROR : PRIORITY_NORMAL);
}
