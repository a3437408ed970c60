// Tracer: startSpan / startActiveSpan with OTel API semantics (parent from the context,
// options.root for a new trace, parent-based sampling).
import { newSpanId, newTraceId } from '../lib/ids.js';
import { toMs } from '../lib/clock.js';
import type { Limits } from './attributes.js';
import { context, type Context } from './context.js';
import { NonRecordingSpan, Span, SpanKind, type AnySpan, type Link, type Scope, type SpanSink } from './span.js';
import { getSpan, isValidSpanContext, setSpan, TRACE_FLAG_SAMPLED, type SpanContext } from './span-context.js';
import type { RootSampler } from './sampler.js';

export interface SpanOptions {
  kind?: number;
  attributes?: Record<string, unknown>;
  links?: Link[];
  startTime?: unknown;
  root?: boolean;
}

/** What tracers share: limits, sampling and the sink. */
export interface TracerCore {
  limits: Limits;
  sampleRoot: RootSampler;
  sink: SpanSink;
  enabled(): boolean;
}

export class Tracer {
  constructor(readonly scope: Scope, private readonly core: TracerCore) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): AnySpan {
    const opts = options && typeof options === 'object' ? options : {};
    const ps = opts.root ? undefined : getSpan(ctx);
    const given = ps?.spanContext();
    // As OTel's SDK: a parent with ids no span can have (upper-case, all zero) starts a new
    // trace. Our own spans have valid ids by construction: no regex per child span.
    const parent = ps instanceof Span || ps instanceof NonRecordingSpan || isValidSpanContext(given) ? given : undefined;
    const traceId = parent ? parent.traceId : newTraceId();
    const sampled = this.core.enabled() && (parent ? (parent.traceFlags & TRACE_FLAG_SAMPLED) !== 0 : this.core.sampleRoot(traceId));
    const sc: SpanContext = {
      traceId, spanId: newSpanId(), traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0, traceState: parent?.traceState, isRemote: false,
    };
    if (!sampled) return new NonRecordingSpan(sc);
    const kind = typeof opts.kind === 'number' && opts.kind >= 0 && opts.kind <= 4 ? opts.kind : SpanKind.INTERNAL;
    const span = new Span(sc, name, kind, parent ? parent.spanId : '', !!parent?.isRemote, toMs(opts.startTime), this.scope, this.core.limits, this.core.sink);
    if (opts.attributes) span.setAttributes(opts.attributes);
    if (opts.links) span.addLinks(opts.links);
    return span;
  }

  /** startActiveSpan(name, [options], [context], fn): fn runs with the span active; returns what fn returns. */
  startActiveSpan<F extends (span: AnySpan) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args.pop() as F;
    // Without a function there is nothing to run the span in (OTel's SDK returns undefined too).
    if (typeof fn !== 'function') return undefined as ReturnType<F>;
    const [options, ctx] = args as [SpanOptions | undefined, Context | undefined];
    const parentCtx = ctx ?? context.active();
    const span = this.startSpan(name, options, parentCtx);
    return context.with(setSpan(parentCtx, span), fn, undefined, span) as ReturnType<F>;
  }
}
