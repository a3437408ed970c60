// W3C Trace Context (traceparent, tracestate) and W3C Baggage, inject and extract: the OTel
// API's propagation object, and the TextMapPropagator Plume registers for @opentelemetry/api.
// Carriers, getters and setters are the caller's: nothing they throw reaches the caller.
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { context, type Context } from './context.js';
import type { Baggage as ApiBaggage, BaggageEntry, TextMapGetter, TextMapSetter } from './otel-api.js';
import {
  Baggage, BAGGAGE_KEY, baggageMetadata, getBaggage, getSpan, remoteSpan, setBaggage, setSpan, spanContextOf, withValue,
  type BaggageLike, type SpanContext,
} from './span-context.js';
import { parseTraceState } from './trace-state.js';

export type { TextMapGetter, TextMapSetter } from './otel-api.js';

type HeaderBag = Record<string, string> | Headers | { set(k: string, v: string): void; get?(k: string): string | null };
const defaultSetter: TextMapSetter<HeaderBag> = {
  set(c, k, v) {
    if (c == null) return;
    if (typeof (c as Headers).set === 'function') (c as Headers).set(k, v);
    else (c as Record<string, string>)[k] = v;
  },
};
const defaultGetter: TextMapGetter<HeaderBag> = {
  keys: (c) => (c == null ? [] : typeof (c as Headers).keys === 'function' ? [...(c as Headers).keys()] : Object.keys(c)),
  get(c, k) {
    if (c == null) return undefined;
    if (typeof (c as Headers).get === 'function') return (c as Headers).get(k) ?? undefined;
    const rec = c as Record<string, string>;
    if (k in rec) return rec[k];
    const lower = k.toLowerCase();
    for (const key in rec) if (key.toLowerCase() === lower) return rec[key];
    return undefined;
  },
};

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Parses a traceparent header value; undefined when invalid (spec: ignore it). */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  // Most documents carry none: no regex compiled during their start-up.
  if (!value) return undefined;
  const m = TRACEPARENT.exec(String(value ?? '').trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  // Version ff is invalid; version 00 allows nothing after the flags.
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & 0xff, isRemote: true };
}

export const formatTraceparent = (sc: SpanContext): string =>
  `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;

export function parseBaggage(value: string | undefined): Baggage | undefined {
  if (!value) return undefined;
  const out = new Map<string, BaggageEntry>();
  for (const entry of value.split(',')) {
    const [kv, ...meta] = entry.split(';');
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const key = kv.slice(0, eq).trim();
    if (!key) continue;
    try {
      const e: BaggageEntry = { value: decodeURIComponent(kv.slice(eq + 1).trim()) };
      if (meta.length) e.metadata = baggageMetadata(meta.join(';'));
      out.set(key, e);
    } catch {
      // A malformed percent-encoding drops that member only.
    }
  }
  return out.size ? new Baggage(out) : undefined;
}

export function formatBaggage(b: BaggageLike): string {
  const parts: string[] = [];
  let entries: [string, BaggageEntry][];
  try {
    entries = b.getAllEntries();
    if (!Array.isArray(entries)) return '';
  } catch {
    return '';
  }
  for (const entry of entries) {
    // Anyone's baggage: an entry that cannot be read as strings is left out.
    try {
      const [k, { value, metadata }] = entry;
      const meta = metadata === undefined || metadata === null ? '' : String(metadata);
      parts.push(`${String(k)}=${encodeURIComponent(String(value))}${meta ? `;${meta}` : ''}`);
    } catch { /* left out */ }
  }
  // W3C Baggage limits, as OTel applies them: a member over 4096 bytes is left out, then
  // members are taken while the header stays within 180 of them and 8192 bytes; none is cut
  // (the encoded text is ASCII: characters are bytes).
  let s = '';
  let n = 0;
  for (const p of parts) {
    if (p.length > 4096 || n >= 180 || s.length + p.length + (n ? 1 : 0) > 8192) continue;
    s += (n++ ? ',' : '') + p;
  }
  return s;
}

/** getter.get, joined when it gives a list; a getter that throws gives nothing. */
function read<C>(getter: TextMapGetter<C>, carrier: C, key: string): string | undefined {
  try {
    const v = getter.get(carrier, key);
    return Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** setter.set; what a carrier or setter throws (a frozen object) stays ours. */
function write<C>(setter: TextMapSetter<C>, carrier: C, key: string, value: string): void {
  try { setter.set(carrier, key, value); } catch { /* not set */ }
}

/** The OTel API's `propagation` object (its PropagationAPI, W3C trace context + baggage). */
export interface PropagationAPI {
  inject<Carrier>(context: Context, carrier: Carrier, setter?: TextMapSetter<Carrier>): void;
  extract<Carrier>(context: Context, carrier: Carrier, getter?: TextMapGetter<Carrier>): Context;
  fields(): string[];
  createBaggage(entries?: Record<string, BaggageEntry>): ApiBaggage;
  getBaggage(context: Context): ApiBaggage | undefined;
  getActiveBaggage(): ApiBaggage | undefined;
  setBaggage(context: Context, baggage: ApiBaggage): Context;
  deleteBaggage(context: Context): Context;
}

export const propagation: PropagationAPI = {
  fields: (): string[] => ['traceparent', 'tracestate', 'baggage'],
  inject<C>(ctx: Context, carrier: C, setter: TextMapSetter<C> = defaultSetter as TextMapSetter<C>): void {
    if (!setter || typeof setter.set !== 'function') return;
    const sc = spanContextOf(getSpan(ctx));
    if (sc) {
      write(setter, carrier, 'traceparent', formatTraceparent(sc));
      const ts = sc.traceState?.serialize();
      if (ts) write(setter, carrier, 'tracestate', ts);
    }
    const b = getBaggage(ctx);
    const header = b ? formatBaggage(b) : '';
    if (header) write(setter, carrier, 'baggage', header);
  },
  extract<C>(ctx: Context, carrier: C, getter: TextMapGetter<C> = defaultGetter as TextMapGetter<C>): Context {
    if (!getter || typeof getter.get !== 'function') return ctx;
    const sc = parseTraceparent(read(getter, carrier, 'traceparent'));
    if (sc) {
      sc.traceState = parseTraceState(read(getter, carrier, 'tracestate'));
      ctx = setSpan(ctx, remoteSpan(sc));
    }
    const b = parseBaggage(read(getter, carrier, 'baggage'));
    return b ? setBaggage(ctx, b) : ctx;
  },
  // The OTel API's baggage calls, as users write them:
  // propagation.setBaggage(context.active(), propagation.createBaggage({ 'user.tier': { value: 'gold' } }))
  createBaggage(entries = {}) {
    let b = new Baggage();
    let keys: string[] = [];
    try { keys = Object.keys(entries); } catch { /* none readable */ }
    for (const k of keys) {
      let e: unknown;
      try { e = entries[k]; } catch { continue; }
      b = b.setEntry(k, e as BaggageEntry);
    }
    return b;
  },
  getBaggage,
  getActiveBaggage: () => getBaggage(context.active()),
  setBaggage,
  deleteBaggage: (ctx) => {
    try {
      return ctx.deleteValue(BAGGAGE_KEY);
    } catch {
      return withValue(ctx, BAGGAGE_KEY, undefined);
    }
  },
};
