// Baggage extract compared with @opentelemetry/core W3CBaggagePropagator.
import { describe, expect, it } from 'vitest';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { propagation as otel, ROOT_CONTEXT as OROOT, defaultTextMapGetter } from '@opentelemetry/api';
import { parseBaggage } from '../../../src/sdk/propagation.js';

const cases = [
  // Should pass: where Plume and OTel agree. (Known, acceptable differences left out: OTel drops
  // empty values 'k=' and percent-decodes keys; W3C allows both Plume behaviours.)
  'k=v', 'k=v,k2=v2', ' k = v ', 'k=v%20w', 'k=v;p=1', 'k=v;p', '=v', 'k', 'k=100%', 'k=a=b', 'k=v,,k2=v2',
  'userId=alice;prop1=x;prop2',
];
const otelParse = (h: string) => {
  const b = otel.getBaggage(new W3CBaggagePropagator().extract(OROOT, { baggage: h }, defaultTextMapGetter));
  return b ? Object.fromEntries(b.getAllEntries().map(([k, e]) => [k, e.value])) : undefined;
};
const plumeParse = (h: string) => {
  const b = parseBaggage(h);
  return b ? Object.fromEntries(b.getAllEntries().map(([k, e]) => [k, e.value])) : undefined;
};

describe('baggage parse vs OTel core', () => {
  it.each(cases)('%s', (h) => { expect(plumeParse(h)).toEqual(otelParse(h)); });
});

describe('baggage keys', () => {
  it("a member whose key is only whitespace is dropped (W3C: key = token, 1*tchar), not propagated as '=v'", () => {
    expect(plumeParse(' =v,k=1')).toEqual({ k: '1' });
  });
});
