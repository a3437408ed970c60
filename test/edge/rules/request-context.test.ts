// The per-request context manager (no AsyncLocalStorage, as in workerd without flags
// and edge-runtime), simulated in node by hiding AsyncLocalStorage from the edge core.
import { describe, expect, it, vi } from 'vitest';
import { attrs, worker } from './worker-harness.js';
import { contextMode } from '../../../src/edge/index.js';

vi.mock('../../../src/edge/context.js', async (orig) => ({ ...(await orig() as object), findAsyncLocalStorage: async () => undefined }));

const seen: string[] = [];
(globalThis as any).fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const req = new Request(input, init);
  seen.push(req.url);
  return new Response('up');
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (b64: string) => Buffer.from(b64 ?? '', 'base64').toString('hex');

describe('no AsyncLocalStorage', () => {
  it('one request in flight: a fetch after an await is its child', async () => {
    const h = worker(async () => { await sleep(5); await fetch('https://up.example/one'); return new Response('ok'); });
    await h.call(new Request('https://a.example/'));
    expect(contextMode()).toBe('request');
    const spans = h.spans();
    const server = spans.find((s: any) => s.kind === 'SPAN_KIND_SERVER');
    const client = spans.find((s: any) => s.kind === 'SPAN_KIND_CLIENT');
    expect(client.parentSpanId).toBe(server.spanId);
  });
});
