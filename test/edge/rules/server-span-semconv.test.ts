// SERVER span attributes against the stable HTTP server semantic conventions.
import { describe, expect, it, vi } from 'vitest';
import { instrumentDeno } from '../../../src/edge/index.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';
import { worker, attrs } from './worker-harness.js';

describe('SERVER span semconv', () => {
  it('url.query is recorded when the request has a query (Conditionally Required)', async () => {
    const h = worker(() => new Response('ok'));
    await h.call(new Request('https://a.example/search?q=shoes&page=2'));
    const [span] = h.spans();
    expect(attrs(span)['url.path']).toBe('/search');
    expect(attrs(span)['url.query']).toBe('q=shoes&page=2');
  });

  it('http.request.method_original when the received method differs from the canonical one', async () => {
    const req = new Request('https://a.example/x', { method: 'patch' });
    // Fetch normalizes only DELETE/GET/HEAD/OPTIONS/POST/PUT; "patch" stays lower-case.
    expect(req.method).toBe('patch');
    const h = worker(() => new Response('ok'));
    await h.call(req);
    const a = attrs(h.spans()[0]);
    expect(a['http.request.method']).toBe('PATCH');
    expect(a['http.request.method_original']).toBe('patch');
  });

  it('unknown methods: _OTHER, the original kept, span named HTTP', async () => {
    const h = worker(() => new Response('ok'));
    await h.call(new Request('https://a.example/x', { method: 'PURGE' }));
    const s = h.spans()[0];
    expect(s.name).toBe('HTTP');
    expect(attrs(s)['http.request.method']).toBe('_OTHER');
    expect(attrs(s)['http.request.method_original']).toBe('PURGE');
  });

  it('client.address is the peer Deno reports (what it vouches for), as network.peer.address', async () => {
    const sent: Uint8Array[] = [];
    const handler = instrumentDeno(() => new Response('ok'), {
      endpoint: 'https://collector.example', serviceName: 'api',
      transport: (body: Uint8Array, signal: string) => { if (signal === 'traces') sent.push(body.slice()); },
    } as never);
    let done!: () => void;
    const completed = new Promise<void>((r) => { done = r; });
    await handler(new Request('https://a.example/'), { remoteAddr: { hostname: '203.0.113.9', port: 51234, transport: 'tcp' }, completed });
    done();
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0), { timeout: 20_000, interval: 10 });
    const j = decodeToJson('traces', sent[0]) as any;
    const a = attrs(j.resourceSpans[0].scopeSpans[0].spans[0]);
    expect(a['network.peer.address']).toBe('203.0.113.9');
    expect(a['client.address']).toBe('203.0.113.9');
  });
});
