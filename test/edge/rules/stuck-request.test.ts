// Without AsyncLocalStorage, a request whose handler never settles (a hung handler, or
// a request the runtime cancelled when the client went away: its continuation never runs)
// stays in the "in flight" set for the life of the isolate.
import { describe, expect, it, vi } from 'vitest';
import { worker } from './worker-harness.js';
import { contextMode } from '../../../src/edge/index.js';

vi.mock('../../../src/edge/context.js', async (orig) => ({ ...(await orig() as object), findAsyncLocalStorage: async () => undefined }));

(globalThis as any).fetch = async () => new Response('up');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('no AsyncLocalStorage: a request that never finishes', () => {
  it('does not stop later single requests from parenting their fetches after an await', async () => {
    const h = worker(async (request) => {
      if (new URL(request.url).pathname === '/hang') return new Promise<Response>(() => {});
      await sleep(5);
      await fetch('https://up.example/after-await');
      return new Response('ok');
    });
    // The client of /hang went away; the runtime never resumes its handler.
    void h.w.fetch!(new Request('https://a.example/hang'), {}, { waitUntil() {} } as never);
    await sleep(10);
    // A minute later it no longer counts as in flight.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    // Later, one request at a time, as the README's "common case in workerd".
    await h.call(new Request('https://a.example/next'));
    expect(contextMode()).toBe('request');
    const spans = h.spans();
    const server = spans.find((s: any) => s.kind === 'SPAN_KIND_SERVER');
    const client = spans.find((s: any) => s.kind === 'SPAN_KIND_CLIENT');
    expect(client, 'client span').toBeTruthy();
    expect(client.traceId).toBe(server.traceId);
    expect(client.parentSpanId).toBe(server.spanId);
    vi.useRealTimers();
  });
});
