// Config keys that exist on Object.prototype / Function.
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config.js';

const transport = () => {};

describe('config validation', () => {
  it("an unknown key named like an Object.prototype member warns PLUME_W001 and is ignored", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resolveConfig({ transport, toString: 'x', valueOf: 1 }, undefined);
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    // Received: "PLUME_W002 config.toString: expected an object; ignored"
    expect(msgs.filter((m) => m.includes('PLUME_W001'))).toHaveLength(2);
  });

  it("an unknown key 'constructor' (e.g. config parsed from JSON) does not make init throw", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let err: unknown;
    try { resolveConfig({ transport, constructor: { name: 'x' } }, undefined); } catch (e) { err = e; }
    warn.mockRestore();
    // Received: TypeError: Cannot read properties of undefined (reading '0') from CHECKS['Object']
    expect(err).toBeUndefined();
  });
});

describe('nested instrumentation options', () => {
  it('an unknown key inside instrumentations.fetch warns (README: an unknown key warns)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resolveConfig({ transport, instrumentations: { fetch: { ignoreUrl: ['/health'] } } }, undefined); // typo: ignoreUrl
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(msgs.some((m) => m.includes('PLUME_W001'))).toBe(true);
  });

  it('a wrong type inside instrumentations.errors warns', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resolveConfig({ transport, instrumentations: { errors: { maxPerMinute: '100' } } }, undefined);
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(msgs.some((m) => m.includes('PLUME_W002'))).toBe(true);
  });
});
