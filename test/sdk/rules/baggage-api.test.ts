// The OTel API's baggage calls on `propagation` (createBaggage, setBaggage, getBaggage,
// getActiveBaggage, deleteBaggage): without them a user cannot set baggage at all.
import { describe, expect, it } from 'vitest';
import { propagation as otelPropagation } from '@opentelemetry/api';
import { context, ROOT_CONTEXT } from '../../../src/sdk/context.js';
import { propagation } from '../../../src/sdk/propagation.js';

const injected = (ctx: any) => { const h: Record<string, string> = {}; propagation.inject(ctx, h); return h.baggage; };

describe('baggage API', () => {
  it('createBaggage + setBaggage: the entries are injected, percent-encoded, with their metadata', () => {
    const b = propagation.createBaggage({ 'user.tier': { value: 'gold' }, note: { value: 'a b,c', metadata: 'p=1' } });
    expect(injected(propagation.setBaggage(ROOT_CONTEXT, b))).toBe('user.tier=gold,note=a%20b%2Cc;p=1');
  });

  it('a Baggage is immutable: setEntry and removeEntry return new ones', () => {
    const a = propagation.createBaggage({ k: { value: '1' } });
    const b = a.setEntry('k2', { value: '2' });
    const c = b.removeEntry('k');
    expect(a.getAllEntries().map(([k]) => k)).toEqual(['k']);
    expect(b.getAllEntries().map(([k]) => k)).toEqual(['k', 'k2']);
    expect(c.getAllEntries().map(([k]) => k)).toEqual(['k2']);
    expect(b.removeEntries('k', 'k2').getAllEntries()).toEqual([]);
    expect(b.clear().getAllEntries()).toEqual([]);
    // A returned entry is a copy: changing it changes nothing inside.
    a.getEntry('k')!.value = 'changed';
    expect(a.getEntry('k')!.value).toBe('1');
  });

  it('extract, then getBaggage / getActiveBaggage read the incoming entries; deleteBaggage removes them', () => {
    const ctx = propagation.extract(ROOT_CONTEXT, { baggage: 'user.id=42;sensitive, region = eu' });
    expect(propagation.getBaggage(ctx)!.getAllEntries().map(([k, e]) => [k, e.value])).toEqual([['user.id', '42'], ['region', 'eu']]);
    context.with(ctx, () => expect(propagation.getActiveBaggage()!.getAllEntries()).toHaveLength(2));
    expect(propagation.getActiveBaggage()).toBeUndefined();
    expect(injected(propagation.deleteBaggage(ctx))).toBeUndefined();
  });

  it("a baggage made by @opentelemetry/api's createBaggage is injected too", () => {
    const b = otelPropagation.createBaggage({ 'app.version': { value: '1.2.3' } });
    expect(injected(propagation.setBaggage(ROOT_CONTEXT, b))).toBe('app.version=1.2.3');
  });
});
