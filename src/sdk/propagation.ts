// W3C Trace Context (traceparent, tracestate) and W3C Baggage, inject and extract.
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { context, type Context } from './context.js';
import { Baggage, BAGGAGE_KEY, getBaggage, getSpan, remoteSpan, setBaggage, setSpan, type BaggageEntry, type BaggageLike, type SpanContext } from './span-context.js';

export interface Setter<C> { set(carrier: C, key: string, value: string): void }
export interface Getter<C> { get(carrier: C, key: string): string | string[] | undefined | null }

type HeaderBag = Record<string, string> | Headers | { set(k: string, v: string): void; get?(k: string): string | null };
const defaultSetter: Setter<HeaderBag> = {
  set(c, k, v) {
    if (c == null) return;
    if (typeof (c as Headers).set === 'function') (c as Headers).set(k, v);
    else (c as Record<string, string>)[k] = v;
  },
};
const defaultGetter: Getter<HeaderBag> = {
  get(c, k) {
    if (c == null) return undefined;
    if (typeof (c as Headers).get === 'function') return (c as Headers).get(k);
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

// W3C Trace Context keys: a simple key starts with a letter; a multi-tenant key is
// tenant@system, the system id 1-14 characters from a letter.
const TRACESTATE_MEMBER = /^([a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Keeps tracestate only if every list member is valid and its keys unique (spec: otherwise discard it), at most 32 members. */
export function sanitizeTracestate(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const members = value.split(',').map((s) => s.trim()).filter(Boolean);
  const keys = new Set<string>();
  for (const m of members) {
    const k = TRACESTATE_MEMBER.exec(m)?.[1];
    if (!k || keys.has(k)) return undefined;
    keys.add(k);
  }
  return members.length > 32 ? undefined : members.join(',');
}

function first(v: string | string[] | undefined | null): string | undefined {
  return Array.isArray(v) ? v.join(',') : v ?? undefined;
}

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
      out.set(key, { value: decodeURIComponent(kv.slice(eq + 1).trim()), metadata: meta.length ? meta.join(';') : undefined });
    } catch {
      // A malformed percent-encoding drops that member only.
    }
  }
  return out.size ? new Baggage(out) : undefined;
}

export function formatBaggage(b: BaggageLike): string {
  const parts: string[] = [];
  for (const [k, { value, metadata }] of b.getAllEntries()) parts.push(`${k}=${encodeURIComponent(value)}${metadata ? `;${metadata}` : ''}`);
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

/** The OTel API's `propagation` object (W3C trace context + baggage). */
export const propagation = {
  fields: (): string[] => ['traceparent', 'tracestate', 'baggage'],
  inject<C = HeaderBag>(ctx: Context, carrier: C, setter: Setter<C> = defaultSetter as Setter<C>): void {
    const span = getSpan(ctx);
    if (span) {
      const sc = span.spanContext();
      if (isValidTraceId(sc.traceId) && isValidSpanId(sc.spanId)) {
        setter.set(carrier, 'traceparent', formatTraceparent(sc));
        if (sc.traceState) setter.set(carrier, 'tracestate', sc.traceState);
      }
    }
    const b = getBaggage(ctx);
    const header = b && typeof b.getAllEntries === 'function' ? formatBaggage(b) : '';
    if (header) setter.set(carrier, 'baggage', header);
  },
  extract<C = HeaderBag>(ctx: Context, carrier: C, getter: Getter<C> = defaultGetter as Getter<C>): Context {
    const sc = parseTraceparent(first(getter.get(carrier, 'traceparent')));
    if (sc) {
      sc.traceState = sanitizeTracestate(first(getter.get(carrier, 'tracestate')));
      ctx = setSpan(ctx, remoteSpan(sc));
    }
    const b = parseBaggage(first(getter.get(carrier, 'baggage')));
    return b ? setBaggage(ctx, b) : ctx;
  },
  // The OTel API's baggage calls, as users write them:
  // propagation.setBaggage(context.active(), propagation.createBaggage({ 'user.tier': { value: 'gold' } }))
  createBaggage: (entries: Record<string, BaggageEntry> = {}): Baggage =>
    Object.keys(entries).reduce((b, k) => b.setEntry(k, entries[k]), new Baggage()),
  getBaggage,
  getActiveBaggage: (): BaggageLike | undefined => getBaggage(context.active()),
  setBaggage,
  deleteBaggage: (ctx: Context): Context => ctx.deleteValue(BAGGAGE_KEY),
};
