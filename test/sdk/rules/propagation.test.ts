// W3C trace context edge cases against @opentelemetry/core.
import { describe, expect, it } from 'vitest';
import { TraceState } from '@opentelemetry/core';
import { propagation } from '../../../src/sdk/propagation.js';
import { parseTraceState } from '../../../src/sdk/trace-state.js';
import { ROOT_CONTEXT } from '../../../src/sdk/context.js';
import { setSpan } from '../../../src/sdk/span-context.js';
import { setup, hex } from './core-harness.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('propagation', () => {
  it('extract from a missing carrier returns the context (OTel defaultTextMapGetter: carrier == null -> undefined)', () => {
    expect(() => propagation.extract(ROOT_CONTEXT, undefined as any)).not.toThrow();
  });

  it('inject into a missing carrier is a no-op (OTel defaultTextMapSetter: carrier == null -> return)', () => {
    const ctx = propagation.extract(ROOT_CONTEXT, { traceparent: TP });
    expect(() => propagation.inject(ctx, undefined as any)).not.toThrow();
  });

  it.each([
    ['1vendor=v', 'simple key must start with a lowercase letter'],
    ['a@b@c=v', 'at most one @'],
    ['tenant@=v', 'empty system id'],
    ['t@abcdefghijklmnopq=v', 'system id longer than 14'],
  ])('tracestate %s is not propagated as valid (%s)', (ts) => {
    // OTel TraceState drops such members; Plume keeps the header and forwards it downstream.
    expect(new TraceState(ts).serialize()).toBe('');
    expect(parseTraceState(ts)).toBeUndefined();
  });

  it('tracestate with a duplicated key is invalid (W3C: keys are unique)', () => {
    expect(parseTraceState('a=1,a=2')?.serialize()).not.toBe('a=1,a=2');
  });
});

describe('parent span context validity', () => {
  it('a parent with an invalid trace id starts a new trace (OTel: !isSpanContextValid(parent) -> root)', async () => {
    const { core, spans } = setup();
    // e.g. ids taken from a server that prints them uppercase, or a 64-bit (16 hex) Jaeger id
    const parent = { spanContext: () => ({ traceId: '0AF7651916CD43DD8448EB211C80319C', spanId: 'B7AD6B7169203331', traceFlags: 1 }), isRecording: () => false };
    const s = core.tracer.startSpan('child', {}, setSpan(ROOT_CONTEXT, parent));
    const traceId = s.spanContext().traceId;
    s.end();
    await core.flush();
    const [sp] = spans();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/); // received: the uppercase id, inherited as is
    expect(hex(sp.traceId)).toBe(traceId); // what is sent is the same trace id
  });
});
