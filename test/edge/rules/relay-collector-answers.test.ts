// relay(): what the browser gets back from the collector, against a recording fake collector
// that redirects, answers odd statuses and hostile bodies. The browser needs the status,
// Retry-After and OTLP's partial success; the collector's own words go to the server log.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relay } from '../../../src/edge/relay.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { KEY, post, traces, warnings, within } from './relay-harness.js';

let collector: FakeCollector;
let elsewhere: FakeCollector;
beforeAll(async () => {
  collector = await startFakeCollector();
  elsewhere = await startFakeCollector();
});
afterAll(async () => { await collector?.close(); await elsewhere?.close(); });
const logs = warnings();

const relayTo = (url = collector.url, extra = {}) => relay({ collector: url, headers: { 'x-api-key': KEY }, rateLimit: false, ...extra });

describe('relay: collector redirects', () => {
  it('are never followed: 502, the key never sent elsewhere, a coded log line', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      collector.seen.length = elsewhere.seen.length = 0;
      logs.length = 0;
      collector.answer = (_, res) => { res.writeHead(status, { location: `${elsewhere.url}/steal` }).end(); };
      const res = (await relayTo()(post(traces() as BodyInit)))!;
      expect(res.status, String(status)).toBe(502);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      await res.arrayBuffer();
      expect(collector.seen, String(status)).toHaveLength(1);
      expect(elsewhere.seen, `${status}: nothing reaches the redirect's target`).toHaveLength(0);
      expect(logs.join('\n')).toMatch(new RegExp(`PLUME_W014 relay: .*status ${status} \\(a redirect to .*not followed\\)`));
    }
  });
});

describe('relay: collector statuses outside 200–599', () => {
  it('600 and 999 are a 502, not an exception in the worker', async () => {
    for (const status of [600, 999]) {
      collector.answer = (_, res) => { res.writeHead(status, { 'content-type': 'text/plain' }).end('odd'); };
      const res = await within(relayTo()(post(traces() as BodyInit)).catch((e) => e as Error), 5000);
      expect(res, String(status)).toBeInstanceOf(Response);
      expect((res as Response).status, String(status)).toBe(502);
      expect(logs.join('\n')).toContain(`status ${status}`);
    }
  });

  it('a 1xx Response handed over by the runtime\'s fetch (workerd gives 101 for an upgrade) is a 502', async () => {
    // Node's fetch never hands a 1xx over, so the relay's fetch option stands in for one that does.
    class Informational extends Response { override get status() { return 101; } }
    const r = relay({ collector: collector.url, rateLimit: false, fetch: async () => new Informational(null) });
    const res = await within(r(post(traces() as BodyInit)).catch((e) => e as Error), 5000);
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(502);
  });

  it('an informational answer with no final one after it is the collector not answering in time: 504', async () => {
    collector.answer = (_, res) => { res.socket!.write('HTTP/1.1 103 Early Hints\r\n\r\n'); };
    const res = (await relayTo(collector.url, { timeoutMillis: 300 })(post(traces() as BodyInit)))!;
    expect(res.status).toBe(504);
  });
});

describe('relay: collector error bodies never reach the browser', () => {
  const hostile: [string, number, Record<string, string>, () => Uint8Array | string][] = [
    ['a 401 echoing the API key', 401, { 'content-type': 'text/plain' }, () => `invalid api key ${KEY}`],
    ['a 500 naming an internal address', 500, { 'content-type': 'text/plain' },
      () => 'dial tcp 10.0.3.7:5432: connection refused (postgres://otel@db.internal)'],
    ['a text/html body with a script', 503, { 'content-type': 'text/html', 'retry-after': '7' },
      () => '<script>alert(document.cookie)</script>'],
    ['a 50 MiB body', 500, { 'content-type': 'application/octet-stream' }, () => new Uint8Array(50 << 20)],
  ];
  for (const [what, status, headers, body] of hostile) {
    it(`${what}: the status, Retry-After, and a short generic text with nosniff`, async () => {
      collector.answer = (_, res) => { res.writeHead(status, headers).end(body()); };
      const res = (await relayTo()(post(traces() as BodyInit)))!;
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('retry-after')).toBe(headers['retry-after'] ?? null);
      const text = await res.text();
      expect(text).toBe(`${status} the collector did not accept the export\n`);
      // The collector's own words are in the server log, without the key.
      const line = logs.find((l) => l.includes('PLUME_W014'))!;
      expect(line).toContain(`with ${status}`);
      expect(line).not.toContain(KEY);
      if (status === 401) expect(line).toContain('invalid api key REDACTED');
      if (what.includes('internal')) expect(line).toContain('10.0.3.7:5432');
      // Of a long body, its first KiB: the rest is never read.
      if (what.includes('50 MiB')) expect(line).toMatch(/: "(\\u0000){1024}" \(and more\)/);
    });
  }

  it('a Retry-After that is not one is not passed on', async () => {
    collector.answer = (_, res) => { res.writeHead(429, { 'retry-after': '<b>soon</b>' }).end(); };
    const res = (await relayTo()(post(traces() as BodyInit)))!;
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('a burst of failures is one log line, the next one counting the rest', async () => {
    collector.answer = (_, res) => { res.writeHead(500).end('down'); };
    const r = relayTo();
    for (let k = 0; k < 5; k++) await (await r(post(traces() as BodyInit)))!.arrayBuffer();
    expect(logs.filter((l) => l.includes('PLUME_W014'))).toHaveLength(1);
  });
});

describe('relay: collector success answers', () => {
  // ExportTraceServiceResponse { partial_success { rejected_spans: 2, error_message: "bad ids" } }
  const partial = new Uint8Array([0x0a, 0x0b, 0x08, 0x02, 0x12, 0x07, ...new TextEncoder().encode('bad ids')]);

  it('partial success, protobuf and JSON, reaches the browser as the collector gave it, with the canonical type', async () => {
    collector.answer = (_, res) => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(partial); };
    const res = (await relayTo()(post(traces() as BodyInit)))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(partial);

    const answer = '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad ids"}}';
    collector.answer = (_, res) => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer); };
    const json = (await relayTo()(post(JSON.stringify({ resourceSpans: [] }), { 'content-type': 'application/json' })))!;
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.text()).toBe(answer);
  });

  it('a 2xx body that is not an OTLP answer of the request\'s type, or is huge, is passed on empty', async () => {
    const bodies: [string, Record<string, string>, Uint8Array | string][] = [
      ['html', { 'content-type': 'text/html' }, '<script>alert(1)</script>'],
      ['protobuf that is not a response', { 'content-type': 'application/x-protobuf' }, new Uint8Array([0xff, 0xff, 0xff])],
      ['JSON to a protobuf request', { 'content-type': 'application/json' }, '{}'],
      ['10 MiB', { 'content-type': 'application/x-protobuf' }, new Uint8Array(10 << 20)],
    ];
    for (const [what, headers, body] of bodies) {
      collector.answer = (_, res) => { res.writeHead(200, headers).end(body); };
      const res = (await relayTo()(post(traces() as BodyInit)))!;
      expect(res.status, what).toBe(200);
      expect(res.headers.get('content-type'), what).toBe('application/x-protobuf');
      expect((await res.arrayBuffer()).byteLength, what).toBe(0);
    }
    // A JSON request gets an empty JSON answer.
    collector.answer = (_, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok</p>'); };
    const json = (await relayTo()(post('{"resourceSpans":[]}', { 'content-type': 'application/json' })))!;
    expect(await json.text()).toBe('{}');
  });

  it('204 from the collector is a 204 (no body), not an exception', async () => {
    collector.answer = (_, res) => { res.writeHead(204).end(); };
    const res = (await relayTo()(post(gzipSync(traces()) as BodyInit, { 'content-encoding': 'gzip' })))!;
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });
});
