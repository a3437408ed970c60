// A finished span into the compact records: the one write on the hot path.
import {
  EVENT_ATTRS, EVENT_DROPPED, EVENT_NAME, EVENT_TIME, EVENT_WORDS,
  ID_HAS_SPAN, ID_HAS_TRACE, LINK_ATTRS, LINK_BITS, LINK_DROPPED, LINK_FLAGS, LINK_SPAN_ID, LINK_TRACE_ID,
  LINK_TRACE_STATE, LINK_WORDS,
  SPAN_ATTRS, SPAN_BITS, SPAN_DROPPED_ATTRS, SPAN_DROPPED_EVENTS, SPAN_DROPPED_LINKS, SPAN_END, SPAN_EVENTS, SPAN_FLAGS,
  SPAN_HAS_PARENT, SPAN_HAS_SPAN_ID, SPAN_HAS_STATUS, SPAN_HAS_TRACE_ID, SPAN_KIND, SPAN_LINKS, SPAN_NAME, SPAN_PARENT_ID,
  SPAN_SPAN_ID, SPAN_START, SPAN_STATUS_CODE, SPAN_STATUS_MESSAGE, SPAN_TRACE_ID, SPAN_TRACE_STATE, SPAN_WORDS,
} from '../encode/layout.js';
import { hexInto } from '../lib/ids.js';
import type { FinishedSpan } from '../sdk/span.js';
import { writeAttributes } from './attributes.js';
import { PRIORITY_ERROR, PRIORITY_NORMAL, type RecordBatch } from './batch.js';

// OTLP span flags: the W3C trace flags in bits 0-7, plus "we know whether the parent is
// remote" (bit 8) and "it is" (bit 9).
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

export function writeSpan(batch: RecordBatch, s: FinishedSpan): void {
  const rec = batch.rec;
  const at = rec.alloc(SPAN_WORDS);
  const sc = s.spanContext();
  const bytes = rec.wordBytes;
  hexInto(sc.traceId, bytes, (at + SPAN_TRACE_ID) << 2);
  hexInto(sc.spanId, bytes, (at + SPAN_SPAN_ID) << 2);
  let bits = SPAN_HAS_TRACE_ID | SPAN_HAS_SPAN_ID | SPAN_HAS_STATUS;
  if (s.parentSpanId) {
    hexInto(s.parentSpanId, bytes, (at + SPAN_PARENT_ID) << 2);
    bits |= SPAN_HAS_PARENT;
  }
  let w = rec.words;
  w[at + SPAN_BITS] = bits;
  w[at + SPAN_TRACE_STATE] = rec.str(sc.traceState ? sc.traceState.serialize() : '');
  w[at + SPAN_FLAGS] = (sc.traceFlags & 0xff) | HAS_IS_REMOTE | (s.parentIsRemote ? IS_REMOTE : 0);
  w[at + SPAN_NAME] = rec.str(s.name);
  w[at + SPAN_KIND] = s.kind + 1;
  rec.setTimeMs(at + SPAN_START, s.startTime);
  rec.setTimeMs(at + SPAN_END, s.endTime);
  w[at + SPAN_DROPPED_EVENTS] = s.droppedEventsCount;
  w[at + SPAN_DROPPED_LINKS] = s.droppedLinksCount;
  w[at + SPAN_STATUS_CODE] = s.status.code;
  w[at + SPAN_STATUS_MESSAGE] = rec.str(s.status.code === 2 ? s.status.message ?? '' : '');
  // Values cut from attributes (beforeSend can put arrays in arrays) count as dropped.
  const cut = writeAttributes(rec, at + SPAN_ATTRS, s.attributes);
  rec.words[at + SPAN_DROPPED_ATTRS] = s.droppedAttributesCount + cut;

  const events = s.events;
  if (events.length) {
    const list = rec.alloc(events.length);
    rec.words[at + SPAN_EVENTS] = list;
    rec.words[at + SPAN_EVENTS + 1] = events.length;
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      const ev = rec.alloc(EVENT_WORDS);
      w = rec.words;
      w[list + k] = ev;
      rec.setTimeMs(ev + EVENT_TIME, e.time);
      w[ev + EVENT_NAME] = rec.str(e.name);
      const cut = writeAttributes(rec, ev + EVENT_ATTRS, e.attributes);
      rec.words[ev + EVENT_DROPPED] = e.dropped + cut;
    }
  }
  const links = s.links;
  if (links.length) {
    const list = rec.alloc(links.length);
    rec.words[at + SPAN_LINKS] = list;
    rec.words[at + SPAN_LINKS + 1] = links.length;
    for (let k = 0; k < links.length; k++) {
      const l = links[k];
      const lk = rec.alloc(LINK_WORDS);
      w = rec.words;
      w[list + k] = lk;
      hexInto(l.context.traceId, rec.wordBytes, (lk + LINK_TRACE_ID) << 2);
      hexInto(l.context.spanId, rec.wordBytes, (lk + LINK_SPAN_ID) << 2);
      w[lk + LINK_BITS] = ID_HAS_TRACE | ID_HAS_SPAN;
      w[lk + LINK_TRACE_STATE] = rec.str(l.context.traceState ? l.context.traceState.serialize() : '');
      w[lk + LINK_FLAGS] = (l.context.traceFlags & 0xff) | HAS_IS_REMOTE | (l.context.isRemote ? IS_REMOTE : 0);
      const cut = writeAttributes(rec, lk + LINK_ATTRS, l.attributes);
      rec.words[lk + LINK_DROPPED] = l.dropped + cut;
    }
  }
  batch.add(s.scope, at, s.status.code === 2 ? PRIORITY_ERROR : PRIORITY_NORMAL);
}
