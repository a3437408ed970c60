// One context means Plume reads spans, contexts, trace states and baggage that are not its
// own: the API's (NonRecordingSpan from wrapSpanContext, createTraceState, its baggage),
// another SDK's, or whatever a caller put there. They parent and propagate when they are
// valid, and never make Plume throw when they are not.
import * as api from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';
import { captured, plume } from './init-first.js';
import type { Delivered } from './harness.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const throws = () => { throw new Error('hostile'); };
const hostileSpan = (spanContext: () => unknown) => ({ spanContext, isRecording: () => true }) as unknown as api.Span;
const withSpan = (span: unknown) => api.ROOT_CONTEXT.setValue(Symbol.for('OpenTelemetry Context Key SPAN'), span);

describe('foreign spans and contexts', () => {
  let d: Delivered;
  const ids: Record<string, api.SpanContext> = {};
  let otherSdkParent: api.SpanContext;

  beforeAll(async () => {
    const t = plume.tracer;
    const ended = (name: string, ctx: api.Context) => { const s = t.startSpan(name, {}, ctx); s.end(); return s.spanContext(); };
    // The API's NonRecordingSpan, and its createTraceState.
    const traceState = api.createTraceState('v=1');
    const wrapped = api.trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true, traceState });
    ids.wrapped = ended('under-wrapped', api.trace.setSpan(api.ROOT_CONTEXT, wrapped));
    // Another SDK's recording span.
    const other = new BasicTracerProvider().getTracer('other').startSpan('other-sdk');
    otherSdkParent = other.spanContext();
    api.context.with(api.trace.setSpan(api.context.active(), other), () => { ids.other = ended('under-other-sdk', api.context.active()); });
    // Spans that are not what they say.
    const bad: [string, () => unknown][] = [
      ['throws', throws],
      ['null', () => null],
      ['number-ids', () => ({ traceId: 1, spanId: 2, traceFlags: 1 })],
      ['getter', () => ({ get traceId() { throw new Error('x'); }, spanId: SPAN, traceFlags: 1 })],
      ['upper-case', () => ({ traceId: TRACE.toUpperCase(), spanId: SPAN, traceFlags: 1 })],
      ['bad-tracestate', () => ({ traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: { serialize: throws } })],
    ];
    for (const [name, sc] of bad) ids[name] = ended(`under-${name}`, withSpan(hostileSpan(sc)));
    // Contexts that are not contexts.
    ids.getValueThrows = ended('ctx-getValue-throws', { getValue: throws, setValue: throws, deleteValue: throws } as api.Context);
    ids.nullContext = ended('ctx-null', null as unknown as api.Context);
    const noSetValue = { getValue: () => undefined, setValue: throws, deleteValue: throws } as api.Context;
    t.startActiveSpan('ctx-setValue-throws', {}, noSetValue, (s) => {
      ids.activeInBroken = api.trace.getActiveSpan()!.spanContext();
      ids.setValueThrows = s.spanContext();
      s.end();
    });
    // Links to the API's span contexts.
    const unreadable = { traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: { serialize: throws } as unknown as api.TraceState };
    const linked = t.startSpan('linked', { links: [{ context: wrapped.spanContext() }, { context: unreadable }] });
    linked.end();
    // Logs and metrics in those contexts.
    plume.logger.emit({ body: 'in wrapped', context: api.trace.setSpan(api.ROOT_CONTEXT, wrapped) });
    plume.logger.emit({ body: 'in hostile', context: withSpan(hostileSpan(throws)) });
    plume.meter.createHistogram('h').record(1, {}, withSpan(hostileSpan(throws)));
    await plume.flush();
    d = captured.delivered();
  });

  const span = (name: string) => d.spans.find((s) => s.name === name);

  it("the API's NonRecordingSpan parents, with its tracestate", () => {
    expect(ids.wrapped.traceId).toBe(TRACE);
    expect(span('under-wrapped')).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, traceState: 'v=1' });
    expect(span('under-wrapped').flags & 0x300).toBe(0x300);
  });

  it("another SDK's span parents", () => {
    expect(span('under-other-sdk')).toMatchObject({ traceId: otherSdkParent.traceId, parentSpanId: otherSdkParent.spanId });
  });

  it('a span whose spanContext() throws or is not one is no parent: a new trace, nothing thrown', () => {
    for (const name of ['throws', 'null', 'number-ids', 'getter', 'upper-case']) {
      expect(span(`under-${name}`), name).toMatchObject({ parentSpanId: '' });
      expect(ids[name].traceId).not.toBe(TRACE);
    }
    // Valid ids and a trace state that cannot be read: the parent stands, without a tracestate.
    expect(span('under-bad-tracestate')).toMatchObject({ traceId: TRACE, parentSpanId: SPAN });
    expect(span('under-bad-tracestate').traceState).toBeUndefined();
  });

  it('a context that is no context is the empty one', () => {
    expect(span('ctx-getValue-throws')).toMatchObject({ parentSpanId: '' });
    expect(span('ctx-null')).toMatchObject({ parentSpanId: '' });
    expect(span('ctx-setValue-throws')).toBeDefined();
    expect(ids.activeInBroken.spanId).toBe(ids.setValueThrows.spanId);
  });

  it("links keep the API's trace state; one that cannot be read is left out", () => {
    const l = span('linked').links;
    expect(l).toHaveLength(2);
    expect(l[0].traceState).toBe('v=1');
    expect(l[1].traceState).toBeUndefined();
  });

  it('logs and metrics in such contexts: ids of a valid span, none of a broken one', () => {
    const inWrapped = d.logs.find((l) => l.body?.stringValue === 'in wrapped');
    expect(inWrapped).toMatchObject({ traceId: TRACE, spanId: SPAN });
    const inHostile = d.logs.find((l) => l.body?.stringValue === 'in hostile');
    expect(inHostile).toMatchObject({ traceId: '', spanId: '' });
    expect(d.metrics.find((m) => m.name === 'h').histogram.dataPoints[0].count).toBe('1');
  });

  it('inject and extract with carriers, getters and setters that throw do nothing', () => {
    const ctx = api.trace.setSpan(api.ROOT_CONTEXT, api.trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1 }));
    expect(() => plume.propagation.inject(ctx, Object.freeze({}), { set: throws })).not.toThrow();
    expect(() => plume.propagation.inject(withSpan(hostileSpan(throws)), {})).not.toThrow();
    const frozen = Object.freeze({});
    expect(() => plume.propagation.inject(ctx, frozen)).not.toThrow();
    expect(() => plume.propagation.extract(api.ROOT_CONTEXT, {}, { get: throws, keys: throws })).not.toThrow();
    const hostileBaggage = { getAllEntries: throws } as unknown as api.Baggage;
    const out: Record<string, string> = {};
    plume.propagation.inject(plume.propagation.setBaggage(ctx, hostileBaggage), out);
    expect(out).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
  });
});
