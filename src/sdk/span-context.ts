// SpanContext and the context keys that carry the active span and baggage.
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { context, type Context } from './context.js';

export interface SpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
  isRemote?: boolean;
}

export const TRACE_FLAG_SAMPLED = 1;

/** Ids a span can have (lower-case hex, not all zero): a context with others is no parent. */
export const isValidSpanContext = (sc: SpanContext | undefined): sc is SpanContext =>
  !!sc && typeof sc.traceId === 'string' && typeof sc.spanId === 'string' && isValidTraceId(sc.traceId) && isValidSpanId(sc.spanId);

/** The part of a span the context layer needs: its SpanContext. */
export interface SpanLike { spanContext(): SpanContext; isRecording(): boolean }

export const SPAN_KEY = Symbol.for('plume.span');
export const BAGGAGE_KEY = Symbol.for('plume.baggage');

export const getSpan = (ctx: Context): SpanLike | undefined => ctx.getValue(SPAN_KEY) as SpanLike | undefined;
export const setSpan = (ctx: Context, span: SpanLike): Context => ctx.setValue(SPAN_KEY, span);
export const getActiveSpan = (): SpanLike | undefined => getSpan(context.active());

/** A context whose parent is a remote span (from traceparent, Server-Timing, <meta>). */
export function remoteSpan(sc: SpanContext): SpanLike {
  const ctx = { ...sc, isRemote: true };
  return { spanContext: () => ctx, isRecording: () => false };
}

/** OTel's BaggageEntry: metadata is the W3C properties text (OTel's metadata object prints it). */
export interface BaggageEntry { value: string; metadata?: { toString(): string } | string }

/** OTel's Baggage: immutable, every change returns a new one. */
export class Baggage {
  constructor(private readonly entries: Map<string, BaggageEntry> = new Map()) {}
  getEntry(key: string): BaggageEntry | undefined { const e = this.entries.get(key); return e && { ...e }; }
  getAllEntries(): [string, BaggageEntry][] { return [...this.entries].map(([k, e]) => [k, { ...e }]); }
  setEntry(key: string, entry: BaggageEntry): Baggage { return this.with((m) => m.set(String(key), { ...entry, value: String(entry?.value) })); }
  removeEntry(key: string): Baggage { return this.with((m) => m.delete(key)); }
  removeEntries(...keys: string[]): Baggage { return this.with((m) => keys.forEach((k) => m.delete(k))); }
  clear(): Baggage { return new Baggage(); }
  private with(change: (m: Map<string, BaggageEntry>) => unknown): Baggage {
    const m = new Map(this.entries);
    change(m);
    return new Baggage(m);
  }
}

/** What getBaggage() needs of a baggage: ours, or @opentelemetry/api's own. */
export type BaggageLike = Pick<Baggage, 'getAllEntries'>;
export const getBaggage = (ctx: Context): BaggageLike | undefined => ctx.getValue(BAGGAGE_KEY) as BaggageLike | undefined;
export const setBaggage = (ctx: Context, b: BaggageLike): Context => ctx.setValue(BAGGAGE_KEY, b);
