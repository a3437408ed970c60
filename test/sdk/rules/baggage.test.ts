// W3C Baggage inject (formatBaggage) and extract (parseBaggage).
import { describe, expect, it } from 'vitest';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { propagation as otelPropagation, ROOT_CONTEXT as OTEL_ROOT, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { propagation } from '../../../src/sdk/propagation.js';
import { ROOT_CONTEXT } from '../../../src/sdk/context.js';

const roundTrip = (header: string): string | undefined => {
  const ctx = propagation.extract(ROOT_CONTEXT, { baggage: header });
  const out: Record<string, string> = {};
  propagation.inject(ctx, out);
  return out.baggage;
};

describe('baggage inject limits', () => {
  it('an over-long single member is dropped, not cut mid-value', () => {
    // One member of 9,000 chars (W3C: a member is at most 4096 bytes, the whole header 8192).
    const header = `big=${'x'.repeat(8996)}`;
    const injected = roundTrip(header);
    // OTel JS drops the oversized member (nothing to send) and never cuts a value.
    const otelCarrier: Record<string, string> = {};
    new W3CBaggagePropagator().inject(
      otelPropagation.setBaggage(OTEL_ROOT, otelPropagation.createBaggage({ big: { value: 'x'.repeat(8996) } })), otelCarrier, defaultTextMapSetter);
    expect(otelCarrier.baggage).toBeUndefined();
    // Plume sends "big=xxxx…" cut to 8192 chars: the receiver gets a value that was never set.
    expect(injected === undefined || injected === '' || !injected.startsWith('big='),
      `sent baggage: big=<${injected ? injected.length - 4 : 0} x's> (set: 8996)`).toBe(true);
  });

  it('a member with a percent-encoded value is never cut inside an escape', () => {
    const value = 'é'.repeat(3000); // each é is %C3%A9 (6 chars) once encoded: 18,000 chars
    const header = `kk=${encodeURIComponent(value)}`;
    const injected = roundTrip(header) ?? '';
    // Whatever is sent must decode; a cut "%C" does not.
    expect(injected.slice(-4)).not.toMatch(/%[0-9A-F]?$/);
    expect(() => injected && decodeURIComponent(injected.slice(injected.indexOf('=') + 1))).not.toThrow();
  });

  it('a member too big for the header is left out whole, not cut (120 KB: the old cut took seconds)', () => {
    const header = `big=${'x'.repeat(120_000)},ok=1`; // within e.g. Cloudflare's 128 KB request header limit
    const ctx = propagation.extract(ROOT_CONTEXT, { baggage: header });
    const out = {} as Record<string, string>;
    propagation.inject(ctx, out);
    expect(out.baggage).toBe('ok=1');
  });

  it('members over 4096 bytes are not propagated (W3C / OTel JS limit)', () => {
    const header = `a=1,big=${'y'.repeat(5000)},b=2`;
    const injected = roundTrip(header)!;
    const otelCtx = new W3CBaggagePropagator().extract(OTEL_ROOT, { baggage: header }, defaultTextMapGetter);
    expect(otelPropagation.getBaggage(otelCtx)!.getEntry('big')).toBeUndefined();
    expect(injected.split(',').map((m) => m.split('=')[0])).toEqual(['a', 'b']);
  });
});
