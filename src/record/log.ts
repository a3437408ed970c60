// A log record into the compact records, written as it is emitted.
import type { Records } from '../encode/records.js';
import {
  ID_HAS_SPAN, ID_HAS_TRACE, LOG_ATTRS, LOG_BITS, LOG_BODY, LOG_DROPPED, LOG_EVENT_NAME, LOG_FLAGS, LOG_OBSERVED,
  LOG_SEVERITY, LOG_SEVERITY_TEXT, LOG_SPAN_ID, LOG_TIME, LOG_TRACE_ID, LOG_WORDS,
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

const MAX_BODY_DEPTH = 8;

/**
 * A log body may be any JS value: maps become kvlists, arrays arrays, a Uint8Array bytes (as
 * OTel's AnyValue has it), a Date its ISO string. Functions, symbols, an invalid Date and a
 * value that cannot be read (a getter, a Proxy trap or a Date method that throws) become
 * empty values; cycles and nesting past 8 levels are cut; strings and bytes are cut to maxLen.
 */
function writeBody(rec: Records, slot: number, v: unknown, maxLen: number, depth: number, seen: Set<object>): void {
  if (v && typeof v === 'object') {
    try {
      writeObject(rec, slot, v, maxLen, depth, seen);
    } catch {
      // Slots it allocated stay unreferenced; this one says empty.
      rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
      seen.delete(v);
    }
    return;
  }
  writeScalar(rec, slot, v, maxLen);
}

function writeObject(rec: Records, slot: number, v: object, maxLen: number, depth: number, seen: Set<object>): void {
  if (v instanceof Uint8Array) {
    rec.words[slot + SLOT_KIND] = VALUE_BYTES;
    rec.words[slot + SLOT_LO] = rec.bytes(v.length > maxLen ? v.subarray(0, maxLen) : v);
    return;
  }
  if (!(v instanceof Date)) {
    if (depth >= MAX_BODY_DEPTH || seen.has(v)) {
      rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
      return;
    }
    seen.add(v);
    if (Array.isArray(v)) {
      const first = rec.slots(v.length);
      for (let k = 0; k < v.length; k++) writeBody(rec, first + k * SLOT_WORDS, v[k], maxLen, depth + 1, seen);
      const w = rec.words;
      w[slot + SLOT_KIND] = VALUE_ARRAY;
      w[slot + SLOT_LO] = first;
      w[slot + SLOT_HI] = v.length;
    } else {
      const keys = Object.keys(v);
      const first = rec.slots(keys.length);
      for (let k = 0; k < keys.length; k++) {
        rec.words[first + k * SLOT_WORDS + SLOT_KEY] = rec.str(keys[k]);
        let value: unknown;
        try { value = (v as Record<string, unknown>)[keys[k]]; } catch { /* a throwing getter: empty */ }
        writeBody(rec, first + k * SLOT_WORDS, value, maxLen, depth + 1, seen);
      }
      const w = rec.words;
      w[slot + SLOT_KIND] = VALUE_KVLIST;
      w[slot + SLOT_LO] = first;
      w[slot + SLOT_HI] = keys.length;
    }
    seen.delete(v);
    return;
  }
  writeScalar(rec, slot, v, maxLen);
}

function writeScalar(rec: Records, slot: number, v: unknown, maxLen: number): void {
  switch (typeof v) {
    case 'string': writeValue(rec, slot, v.length > maxLen ? v.slice(0, maxLen) : v); return;
    case 'number': case 'boolean': writeValue(rec, slot, v); return;
    // Outside int64 as its decimal string: a wrapped number would be another number.
    case 'bigint': writeValue(rec, slot, BigInt.asIntN(64, v) === v ? v : String(v)); return;
    case 'object': if (v instanceof Date && !Number.isNaN(v.getTime())) { writeValue(rec, slot, v.toISOString()); return; }
  }
  rec.words[slot + SLOT_KIND] = VALUE_EMPTY;
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
  w[at + LOG_DROPPED] = l.dropped;
  rec.setTimeMs(at + LOG_TIME, l.time);
  rec.setTimeMs(at + LOG_OBSERVED, l.observedTime);
  if (l.body !== undefined && l.body !== null) writeBody(rec, at + LOG_BODY, l.body, maxLen, 0, new Set());
  writeAttributes(rec, at + LOG_ATTRS, l.attributes);
  batch.add(l.scope, at, l.severityNumber >= 17 ? PRIORITY_ERROR : PRIORITY_NORMAL);
}
