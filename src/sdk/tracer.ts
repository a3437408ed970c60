// Tracer: startSpan / startActiveSpan with OTel API semantics (parent from the context,
// options.root for a new trace, parent-based sampling). The parent may be anyone's span
// (the API's NonRecordingSpan from wrapSpanContext, another SDK's): spanContextOf() reads it.
import { newSpanId, newTraceId } from '../lib/ids.js';
import { toMs } from '../lib/clock.js';
import { readOr } from '../lib/safe.js';
import type { Limits } from './attributes.js';
import { context, ROOT_CONTEXT } from './context.js';
import type { Attributes, Context, Link, Span as ApiSpan, SpanOptions, Tracer as ApiTracer } from './otel-api.js';
import { NonRecordingSpan, RecordingSpan, SpanKind, type Scope, type SpanSink } from './span.js';

import { getSpan, setSpan, spanContextOf, TRACE_FLAG_SAMPLED, type SpanContext } from './span-context.js';
import type { RootSampler } from './sampler.js';

export type { SpanOptions } from './otel-api.js';

/** What tracers share: limits, sampling and the sink. */
export interface TracerCore {
  limits: Limits;
  sampleRoot: RootSampler;
  sink: SpanSink;
  enabled(): boolean;
}

const isContext = (c: unknown): c is Context => !!c && typeof (c as Context).getValue === 'function';

export class Tracer implements ApiTracer {
  constructor(readonly scope: Scope, private readonly core: TracerCore) {}

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): ApiSpan {
    const given = !!options && typeof options === 'object';
    // Options are read once, into locals (no copy per span); getters or Proxy traps that throw
    // give what can be read. An unsampled span reads nothing but root.
    let root: unknown;
    if (given) try { root = options.root; } catch { /* unreadable: no root */ }
    // As OTel's SDK: a parent with ids no span can have (upper-case, all zero) starts a new trace.
    const parent = root ? undefined : spanContextOf(getSpan(ctx));
    const traceId = parent ? parent.traceId : newTraceId();
    const sampled = this.core.enabled() && (parent ? (parent.traceFlags & TRACE_FLAG_SAMPLED) !== 0 : this.core.sampleRoot(traceId));
    const sc: SpanContext = {
      traceId, spanId: newSpanId(), traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0, traceState: parent?.traceState, isRemote: false,
    };
    if (!sampled) return new NonRecordingSpan(sc);
    let k: unknown, startTime: unknown, attributes: unknown, links: unknown;
    if (given) {
      try {
        ({ kind: k, startTime, attributes, links } = options);
      } catch {
        [k, startTime, attributes, links] = ['kind', 'startTime', 'attributes', 'links'].map((f) => readOr(options, f));
      }
    }
    const kind = typeof k === 'number' && k >= 0 && k <= 4 ? (k as SpanKind) : SpanKind.INTERNAL;
    const span = new RecordingSpan(
      sc, name, kind, parent ? parent.spanId : '', !!parent?.isRemote, toMs(startTime), this.scope, this.core.limits, this.core.sink);
    if (attributes) span.setAttributes(attributes as Attributes);
    if (links) span.addLinks(links as Link[]);
    return span;
  }

  /** fn runs with the span active; returns what fn returns. */
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, ...args: unknown[]): ReturnType<F> | undefined {
    const fn = args.pop();
    // Without a function there is nothing to run the span in (OTel's SDK returns undefined too).
    if (typeof fn !== 'function') return undefined;
    const [options, ctx] = args as [SpanOptions | undefined, unknown];
    // As OTel's SDK: none given (or undefined) is the active one. One that is no context has
    // nothing to inherit: as the empty one.
    const parentCtx = ctx == null ? context.active() : isContext(ctx) ? ctx : ROOT_CONTEXT;
    const span = this.startSpan(name, options, parentCtx);
    return context.with(setSpan(parentCtx, span), fn as (span: ApiSpan) => ReturnType<F>, undefined, span);
  }
}
