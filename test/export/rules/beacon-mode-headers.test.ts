// transport: 'beacon' with headers (an API key): while the page lives every request goes by
// sendBeacon (src/transport/index.ts:106), which cannot carry headers. The key is dropped
// silently - no PLUME_W warning at init, nothing at send time - the collector refuses the
// requests (401) and the beacon's `true` has them counted as delivered. (The hide path,
// index.ts:131, does switch to keepalive fetch when there are headers; the live path does not.)
import { describe, expect, it, vi } from 'vitest';

const sent = vi.hoisted(() => ({ beacons: 0, fetches: [] as Record<string, string>[] }));
vi.mock('../../../src/lib/native.js', () => ({
  nativeFetch: async (_u: string, init: RequestInit) => { sent.fetches.push(init.headers as Record<string, string>); return new Response(null, { status: 200 }); },
  nativeSendBeacon: () => { sent.beacons++; return true; },
}));
const { nodeCore } = await import('../../helpers/core.js');

describe("transport 'beacon' + headers", () => {
  it('the API key reaches the collector, or init warns that it cannot', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const core = nodeCore({ endpoint: 'https://collector.example', serviceName: 'b', transport: 'beacon', headers: { 'x-api-key': 'secret' } }, 'js');
    core.tracer.startSpan('s').end();
    await core.flush();
    const warned = warn.mock.calls.map((c) => String(c[0])).filter((m) => /PLUME_W/.test(m));
    const withKey = sent.fetches.filter((h) => h && h['x-api-key'] === 'secret').length;
    console.log(`beacons (no headers possible): ${sent.beacons}; fetches with the key: ${withKey}; PLUME warnings: ${JSON.stringify(warned)}`);
    warn.mockRestore();
    expect(withKey > 0 || warned.length > 0).toBe(true);
  });
});
