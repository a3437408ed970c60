// Outbound fetch inside handlers (ALS mode in node): parenting under concurrency,
// propagation, pass-through of errors and aborts.
import { describe, expect, it } from 'vitest';
import { attrs, worker } from './worker-harness.js';

const seen: { url: string; traceparent: string | null; baggage: string | null }[] = [];
const boom = new TypeError('network down');
const fake = async (input: RequestInfo | URL, init?: RequestInit) => {
  const req = new Request(input, init);
  seen.push({ url: req.url, traceparent: req.headers.get('traceparent'), baggage: req.headers.get('baggage') });
  if (req.url.includes('/fail')) throw boom;
  if (req.url.includes('/slow')) {
    return new Promise<Response>((_, reject) => {
      const s = init?.signal ?? req.signal;
      s?.addEventListener('abort', () => reject(s.reason));
    });
  }
  return new Response('up');
};
(globalThis as any).fetch = fake;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbound fetch', () => {
  it('concurrent requests: each CLIENT span is the child of its own SERVER span and propagates it', async () => {
    seen.length = 0;
    const h = worker(async (request) => {
      const id = new URL(request.url).searchParams.get('id');
      await sleep(id === '1' ? 30 : 5);
      await fetch(`https://up.example/u?id=${id}`);
      await sleep(5);
      return new Response('ok');
    });
    await Promise.all([1, 2, 3].map((k) => h.call(new Request(`https://a.example/?id=${k}`, {
      headers: { traceparent: `00-${String(k).repeat(32)}-${'b'.repeat(16)}-01`, baggage: `user=u${k}` },
    }))));
    const spans = h.spans();
    for (const k of [1, 2, 3]) {
      const trace = String(k).repeat(32);
      const server = spans.find((s: any) => s.kind === 'SPAN_KIND_SERVER' && Buffer.from(s.traceId, 'base64').toString('hex') === trace);
      const client = spans.find((s: any) => s.kind === 'SPAN_KIND_CLIENT' && Buffer.from(s.traceId, 'base64').toString('hex') === trace);
      expect(server, `server ${k}`).toBeTruthy();
      expect(client, `client ${k}`).toBeTruthy();
      expect(client.parentSpanId).toBe(server.spanId);
      expect(Buffer.from(server.parentSpanId, 'base64').toString('hex')).toBe('b'.repeat(16));
      const up = seen.find((s) => s.url.endsWith(`id=${k}`))!;
      expect(up.traceparent).toBe(`00-${trace}-${Buffer.from(client.spanId, 'base64').toString('hex')}-01`);
      expect(up.baggage).toBe(`user=u${k}`);
    }
  });

  it('the handler gets exactly the rejection of its own fetch (network error and abort)', async () => {
    let got: unknown; let aborted: unknown;
    const ac = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    const h = worker(async () => {
      got = await fetch('https://up.example/fail').catch((e) => e);
      const p = fetch('https://up.example/slow', { signal: ac.signal });
      ac.abort(reason);
      aborted = await p.catch((e) => e);
      return new Response('ok');
    });
    await h.call(new Request('https://a.example/'));
    expect(got).toBe(boom);
    expect(aborted).toBe(reason);
    const clients = h.spans().filter((s: any) => s.kind === 'SPAN_KIND_CLIENT');
    expect(clients.map((s: any) => attrs(s)['error.type']).sort()).toEqual(['AbortError', 'TypeError']);
  });
});
