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

export type Baggage = Map<string, { value: string; metadata?: string }>;
export const getBaggage = (ctx: Context): Baggage | undefined => ctx.getValue(BAGGAGE_KEY) as Baggage | undefined;
export const setBaggage = (ctx: Context, b: Baggage): Context => ctx.setValue(BAGGAGE_KEY, b);
