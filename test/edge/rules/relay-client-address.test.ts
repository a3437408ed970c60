// relay(): the rate limit keys on the client address the platform vouches for, by the same
// rule as the SERVER span's client.address, never on a header as the client sent it. Run in
// node through the Deno and Vercel adapters (workerd.test.ts runs the Cloudflare adapter in
// real workerd, deno.test.ts the Deno one in real Deno).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { instrumentDeno, instrumentVercel } from '../../../src/edge/index.js';
import { bucketKey, relay, type RelayOptions } from '../../../src/edge/relay.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { post, statuses, traces, warnings } from './relay-harness.js';
import { attrs } from './worker-harness.js';

let collector: FakeCollector;
beforeAll(async () => { collector = await startFakeCollector(); });
afterAll(() => collector?.close());
const logs = warnings();

const FIVE = { requests: 5, perSeconds: 600 };
const spoofs = (k: number): Record<string, string> => [
  { 'x-forwarded-for': `203.0.113.${k}` },
  { 'x-forwarded-for': `203.0.113.${k}, 198.51.100.1` },
  { 'cf-connecting-ip': `203.0.113.${k}` },
  { 'x-real-ip': `203.0.113.${k}` },
  { 'x-vercel-forwarded-for': `203.0.113.${k}` },
][k % 5];

/** A Deno site: the relay inside an instrumentDeno handler; requests come from a given peer. */
function denoSite(options: Partial<RelayOptions> = {}) {
  const r = relay({ collector: collector.url, rateLimit: FIVE, ...options });
  const sent: Uint8Array[] = [];
  const handler = instrumentDeno(async (req) => (await r(req)) ?? new Response('app'), {
    endpoint: 'https://collector.example', serviceName: 'site',
    transport: (body: Uint8Array, signal: string) => { if (signal === 'traces') sent.push(body.slice()); },
  } as never);
  const from = (ip: string, headers: Record<string, string> = {}) =>
    handler(post(traces() as BodyInit, headers), { remoteAddr: { hostname: ip, port: 40000, transport: 'tcp' } });
  const spans = () => sent.flatMap((b) => (decodeToJson('traces', b) as any).resourceSpans
    .flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
  return { from, spans };
}

describe('relay: whom the rate limit counts', () => {
  it('with no vouched address, rotating X-Forwarded-For, CF-Connecting-IP or X-Real-IP does not reset the limit', async () => {
    const r = relay({ collector: collector.url, rateLimit: FIVE });
    const got = await statuses(Array.from({ length: 50 }, (_, k) => r(post(traces() as BodyInit, spoofs(k)))));
    expect(got.filter((s) => s === 200)).toHaveLength(5);
    expect(got.filter((s) => s === 429)).toHaveLength(45);
    // Said once: the limit is then one bucket for everyone.
    expect(logs.filter((l) => l.includes('PLUME_W013'))).toHaveLength(1);
  });

  it('Deno: a fake address in front, CF-Connecting-IP or X-Real-IP does not escape an exhausted bucket', async () => {
    const site = denoSite();
    expect(await statuses(Array.from({ length: 5 }, () => site.from('198.51.100.1')))).toEqual([200, 200, 200, 200, 200]);
    const escapes = await statuses(Array.from({ length: 10 }, (_, k) => site.from('198.51.100.1', spoofs(k))));
    expect(escapes).toEqual(new Array(10).fill(429));
  });

  it('Deno: six requests carrying a victim\'s address do not get the victim 429s', async () => {
    const site = denoSite();
    const victim = '198.51.100.7';
    await statuses(Array.from({ length: 6 }, (_, k) => site.from('198.51.100.66', [
      { 'cf-connecting-ip': victim }, { 'x-forwarded-for': victim }, { 'x-real-ip': victim },
    ][k % 3])));
    // The victim's own request, with the header an honest proxy in front of it adds.
    expect(await statuses([site.from(victim, { 'x-real-ip': victim })])).toEqual([200]);
  });

  it('Deno: clients that send no forwarding header each have their own bucket', async () => {
    const site = denoSite();
    const a = await statuses(Array.from({ length: 5 }, () => site.from('198.51.100.1')));
    const b = await statuses(Array.from({ length: 5 }, () => site.from('198.51.100.2')));
    expect(a.concat(b)).toEqual(new Array(10).fill(200));
    expect(await statuses([site.from('198.51.100.1'), site.from('198.51.100.2')])).toEqual([429, 429]);
  });

  it('Deno: the SERVER span\'s client.address is the address the relay counted, never X-Forwarded-For', async () => {
    const site = denoSite();
    await statuses([site.from('198.51.100.9', { 'x-forwarded-for': '203.0.113.1', 'cf-connecting-ip': '203.0.113.2' })]);
    await vi.waitFor(() => expect(site.spans()).toHaveLength(1), { timeout: 5000 });
    expect(attrs(site.spans()[0])['client.address']).toBe('198.51.100.9');
  });

  describe('Vercel', () => {
    afterEach(() => { delete process.env.VERCEL; });
    const vercelSite = () => {
      const r = relay({ collector: collector.url, rateLimit: FIVE });
      const sent: Uint8Array[] = [];
      const handler = instrumentVercel(async (req) => (await r(req)) ?? new Response('app'), () => ({
        endpoint: 'https://collector.example', serviceName: 'site',
        transport: (body: Uint8Array, signal: string) => { if (signal === 'traces') sent.push(body.slice()); },
      }) as never);
      return { handler, sent };
    };

    it('on Vercel: keys on the address Vercel sets (x-vercel-forwarded-for, else x-real-ip)', async () => {
      process.env.VERCEL = '1';
      const { handler, sent } = vercelSite();
      // What Vercel's front end hands over: its own headers, whatever the client wrote in X-Forwarded-For before.
      const from = (ip: string, k: number) =>
        handler(post(traces() as BodyInit, { 'x-vercel-forwarded-for': ip, 'x-real-ip': ip, ...spoofs(k) }));
      const a = await statuses(Array.from({ length: 8 }, (_, k) => from('198.51.100.30', k % 2)));
      expect(a).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect(await statuses([from('198.51.100.31', 0)])).toEqual([200]);
      expect(await statuses([handler(post(traces() as BodyInit, { 'x-real-ip': '198.51.100.32' }))])).toEqual([200]);
      await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0), { timeout: 5000 });
      const span = (decodeToJson('traces', sent[0]) as any).resourceSpans[0].scopeSpans[0].spans[0];
      expect(attrs(span)['client.address']).toBe('198.51.100.30');
    });

    it('off Vercel (edge-runtime on a machine of your own) the same headers are the client\'s: not trusted', async () => {
      const { handler } = vercelSite();
      const got = await statuses(Array.from({ length: 8 }, (_, k) => handler(post(traces() as BodyInit, {
        'x-vercel-forwarded-for': `198.51.100.${k}`, 'x-real-ip': `198.51.100.${k}`,
      }))));
      expect(got).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    });
  });

  it('an explicit clientAddress wins; an IPv6 client is one bucket per /64 (its other 2^64 addresses are not other clients)', async () => {
    const r = relay({ collector: collector.url, rateLimit: FIVE, clientAddress: (req) => req.headers.get('x-test-peer') ?? undefined });
    const from = (peer: string) => r(post(traces() as BodyInit, { 'x-test-peer': peer }));
    const v6 = await statuses(Array.from({ length: 8 }, (_, k) => from(`2001:db8:1:2::${k + 1}`)));
    expect(v6).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(await statuses([from('2001:db8:1:3::1')])).toEqual([200]);
    expect(bucketKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(bucketKey('[2001:0db8:0001:0002::9]:443')).toBe('2001:db8:1:2::/64');
    expect(bucketKey('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(bucketKey('198.51.100.4')).toBe('198.51.100.4');
  });

  it('10,000 requests from new addresses do not evict an exhausted bucket', async () => {
    const r = relay({ collector: collector.url, rateLimit: FIVE, clientAddress: (req) => req.headers.get('x-test-peer') ?? undefined });
    const abuser = () => r(post(traces() as BodyInit, { 'x-test-peer': '198.51.100.99' }));
    expect(await statuses(Array.from({ length: 6 }, abuser))).toEqual([200, 200, 200, 200, 200, 429]);
    // New addresses, cheap for the attacker: bodies the relay refuses (each still makes a bucket).
    for (let k = 0; k < 10_000; k += 500) {
      const peer = (n: number) => `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`;
      await statuses(Array.from({ length: 500 }, (_, j) => r(post(new Uint8Array([0xff]) as BodyInit, { 'x-test-peer': peer(k + j) }))));
    }
    expect(await statuses([abuser()])).toEqual([429]);
  });

  it('answers the relay gives itself (415, 400, 413) do not spend the client\'s tokens', async () => {
    const r = relay({ collector: collector.url, rateLimit: { requests: 2, perSeconds: 600 }, maxBodyBytes: 1024 });
    const refused: number[] = [];
    for (const request of [
      post('x', { 'content-type': 'text/plain' }),
      post(traces() as BodyInit, { 'content-encoding': 'br' }),
      post(new Uint8Array([0xff, 0xff]) as BodyInit),
      post('{"resourceSpans": 1}', { 'content-type': 'application/json' }),
      post(new Uint8Array(4096) as BodyInit),
    ]) refused.push(...await statuses([r(request)]));
    expect(refused).toEqual([415, 415, 400, 400, 413]);
    const valid = () => r(post(traces() as BodyInit));
    expect(await statuses([valid(), valid(), valid()])).toEqual([200, 200, 429]);
  });
});
