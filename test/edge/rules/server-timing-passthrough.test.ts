// Server-Timing on responses the handler passes through from fetch (immutable headers).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worker } from './worker-harness.js';

let url = '';
const server = createServer((req, res) => {
  res.writeHead(req.url === '/gone' ? 410 : 200, { 'server-timing': 'traceparent;desc="00-11111111111111111111111111111111-2222222222222222-01", db;dur=12', 'x-up': '1', 'content-type': 'text/plain' });
  res.end('upstream body');
});
beforeAll(async () => { await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; });
afterAll(() => { server.closeAllConnections(); server.close(); });

describe('Server-Timing', () => {
  it('a fetch() response passed through: status, headers and body kept; upstream traceparent replaced by ours', async () => {
    const h = worker(() => fetch(`${url}/gone`));
    const { res } = await h.call(new Request('https://a.example/'));
    expect(res!.status).toBe(410);
    expect(res!.headers.get('x-up')).toBe('1');
    expect(await res!.text()).toBe('upstream body');
    const st = res!.headers.get('server-timing')!;
    expect(st).toMatch(/^db;dur=12, traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
    const server = h.spans().find((s: any) => s.kind === 'SPAN_KIND_SERVER');
    expect(st).toContain(Buffer.from(server.spanId, 'base64').toString('hex'));
  });
});
