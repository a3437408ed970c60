// SpanContext and the context keys that carry the active span and baggage. The keys are the
// OpenTelemetry API's own (createContextKey is Symbol.for of these names), so a span or
// baggage set through @opentelemetry/api is Plume's, and Plume's are the API's: one context.
// What a context holds may then be anyone's (the API's NonRecordingSpan, another SDK's span,
// a caller's object): it is read through spanContextOf(), which never throws.
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { context, ROOT_CONTEXT } from './context.js';
import type { Baggage as ApiBaggage, BaggageEntry, BaggageEntryMetadata, Context, Span, SpanContext } from './otel-api.js';
import { NonRecordingSpan, RecordingSpan } from './span.js';
import { toTraceState } from './trace-state.js';

export type { SpanContext } from './otel-api.js';

export const TRACE_FLAG_SAMPLED = 1;

export const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
export const BAGGAGE_KEY = Symbol.for('OpenTelemetry Baggage Key');

/** ctx.getValue(key), or undefined when ctx is not a context or its getValue throws. */
export function contextValue(ctx: Context, key: symbol): unknown {
  try {
    return ctx.getValue(key);
  } catch {
    return undefined;
  }
}

/**
 * ctx.setValue(key, value); a caller's object that is no context (or whose setValue throws)
 * counts as the empty context, as it has nothing that could be inherited.
 */
export function withValue(ctx: Context, key: symbol, value: unknown): Context {
  try {
    const next = ctx.setValue(key, value);
    if (next && typeof next.getValue === 'function') return next;
  } catch { /* below */ }
  return ROOT_CONTEXT.setValue(key, value);
}

/** The span a context holds (anyone's, as the API's getSpan gives it), or undefined. */
export const getSpan = (ctx: Context): Span | undefined => (contextValue(ctx, SPAN_KEY) as Span | undefined) || undefined;
export const setSpan = (ctx: Context, span: Span): Context => withValue(ctx, SPAN_KEY, span);
export const getActiveSpan = (): Span | undefined => getSpan(context.active());

/**
 * The SpanContext of any span, if it has ids a span can have (lower-case hex, not all zero):
 * our own spans as they are (valid by construction: no regex per child span); anyone else's
 * read once, inside a try, into a plain object of ours (its traceState parsed by our rules),
 * so nothing it does later can reach us. Never throws.
 */
export function spanContextOf(span: unknown): SpanContext | undefined {
  if (span instanceof RecordingSpan || span instanceof NonRecordingSpan) return span.spanContext();
  if (!span || (typeof span !== 'object' && typeof span !== 'function')) return undefined;
  try {
    const sc = (span as Span).spanContext();
    if (!sc || typeof sc !== 'object') return undefined;
    const { traceId, spanId, traceFlags, isRemote, traceState } = sc;
    if (typeof traceId !== 'string' || typeof spanId !== 'string' || !isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
    const flags = typeof traceFlags === 'number' ? traceFlags & 0xff : 0;
    return { traceId, spanId, traceFlags: flags, isRemote: isRemote === true, traceState: toTraceState(traceState) };
  } catch {
    return undefined;
  }
}

/** A context whose parent is a remote span (from traceparent, Server-Timing, <meta>). */
export const remoteSpan = (sc: SpanContext): Span => new NonRecordingSpan({ ...sc, isRemote: true });

/** The API's metadata object (its baggageEntryMetadataFromString makes the same): the W3C properties text. */
export const baggageMetadata = (text: string): BaggageEntryMetadata => ({ toString: () => text }) as BaggageEntryMetadata;

/** OTel's Baggage: immutable, every change returns a new one. */
export class Baggage implements ApiBaggage {
  constructor(private readonly entries: Map<string, BaggageEntry> = new Map()) {}
  getEntry(key: string): BaggageEntry | undefined { const e = this.entries.get(key); return e && { ...e }; }
  getAllEntries(): [string, BaggageEntry][] { return [...this.entries].map(([k, e]) => [k, { ...e }]); }
  /** An entry whose key or value cannot be read as a string is left out (this baggage is returned). */
  setEntry(key: string, entry: BaggageEntry): Baggage {
    let k: string, e: BaggageEntry;
    try {
      k = String(key);
      const { value, metadata } = entry;
      e = { value: String(value) };
      if (metadata !== undefined) e.metadata = metadata;
    } catch {
      return this;
    }
    return this.with((m) => m.set(k, e));
  }
  removeEntry(key: string): Baggage { return this.with((m) => m.delete(key)); }
  removeEntries(...keys: string[]): Baggage { return this.with((m) => keys.forEach((k) => m.delete(k))); }
  clear(): Baggage { return new Baggage(); }
  private with(change: (m: Map<string, BaggageEntry>) => unknown): Baggage {
    const m = new Map(this.entries);
    change(m);
    return new Baggage(m);
  }
}

/** What Plume reads of a baggage: ours, or @opentelemetry/api's own (or another SDK's). */
export type BaggageLike = Pick<ApiBaggage, 'getAllEntries'>;
export const getBaggage = (ctx: Context): ApiBaggage | undefined => (contextValue(ctx, BAGGAGE_KEY) as ApiBaggage | undefined) || undefined;
export const setBaggage = (ctx: Context, b: ApiBaggage): Context => withValue(ctx, BAGGAGE_KEY, b);
