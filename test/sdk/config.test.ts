// init() config: defaults, stable warning codes, clamping, and the TypeError for endpoints.
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/sdk/config.js';

function warnings(fn: () => unknown): string[] {
  const out: string[] = [];
  const w = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => { out.push(String(m)); });
  try { fn(); } finally { w.mockRestore(); }
  return out;
}

describe('config', () => {
  it('fills every default when nothing is given', () => {
    const c = resolveConfig({ endpoint: 'http://127.0.0.1:4318/' }, undefined);
    expect(c.endpoint).toBe('http://127.0.0.1:4318');
    expect(c.batch).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000, maxQueueBytes: 4 << 20, persistMaxChars: 2_000_000 });
    expect(c.limits).toEqual({ attributeCount: 128, attributeValueLength: 4096, eventCount: 128, linkCount: 128 });
    expect(c.session).toEqual({ inactivityTimeoutMillis: 15 * 60_000, maxDurationMillis: 4 * 3_600_000 });
    expect(c.metrics).toEqual({ temporality: 'delta', histogramAggregation: 'explicit', exportIntervalMillis: 60_000 });
    expect(c.instrumentations).toEqual({ fetch: true, xhr: true, navigation: true, errors: true, webVitals: true });
    expect(c.sampleRate).toBe(1);
  });

  it('unknown keys and wrong types warn with stable codes and are ignored', () => {
    let c: any;
    const w = warnings(() => { c = resolveConfig({ endpoint: 'http://x', serviceName: 5, sampel: 1, batch: { maxQueueSize: 'many', nope: 1 }, debug: 'yes' }, undefined); });
    expect(w).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[plume\] PLUME_W002 config\.serviceName: expected a string/),
      expect.stringMatching(/^\[plume\] PLUME_W001 config\.sampel is not a Plume option/),
      expect.stringMatching(/^\[plume\] PLUME_W002 config\.batch\.maxQueueSize: expected a number/),
      expect.stringMatching(/^\[plume\] PLUME_W001 config\.batch\.nope/),
      expect.stringMatching(/^\[plume\] PLUME_W002 config\.debug: expected a boolean/),
    ]));
    expect(c.serviceName).toBe('unknown_service');
    expect(c.batch.maxQueueSize).toBe(2048);
    expect(c.debug).toBe(false);
  });

  it('numbers out of range are clamped (PLUME_W003)', () => {
    let c: any;
    const w = warnings(() => { c = resolveConfig({ endpoint: 'http://x', sampleRate: 7, limits: { attributeCount: -3 } }, undefined); });
    expect(c.sampleRate).toBe(1);
    expect(c.limits.attributeCount).toBe(0);
    expect(w.filter((x) => x.includes('PLUME_W003'))).toHaveLength(2);
  });

  it('a missing or unparsable endpoint is a TypeError, unless the transport is a function', () => {
    expect(() => resolveConfig({}, undefined)).toThrow(TypeError);
    expect(() => resolveConfig({ endpoint: 'not a url' }, undefined)).toThrow(/not an http\(s\) URL/);
    expect(() => resolveConfig({ endpoint: 'ftp://x' }, undefined)).toThrow(TypeError);
    expect(() => resolveConfig({ transport: () => {} }, undefined)).not.toThrow();
    expect(resolveConfig({ endpoint: '/otlp' }, 'https://shop.example/page').endpoint).toBe('https://shop.example/otlp');
  });
});
