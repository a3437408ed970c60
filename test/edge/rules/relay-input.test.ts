// relay(): what it accepts from the browser before forwarding. deflate bodies are checked to
// their end (as gzip ones are), JSON as strictly as protobuf, and the collector gets the
// canonical OTLP content type, never the browser's parameters.
import { deflateSync, gzipSync } from 'node:zlib';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relay } from '../../../src/edge/relay.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { post, traces, tracesJson } from './relay-harness.js';

let collector: FakeCollector;
beforeAll(async () => { collector = await startFakeCollector(); });
afterAll(() => collector?.close());
beforeEach(() => { collector.seen.length = 0; });

const r = () => relay({ collector: collector.url, rateLimit: false, maxBodyBytes: 256 * 1024 });
const json = (body: string, type = 'application/json') => post(body, { 'content-type': type });
async function status(p: Promise<Response | undefined>): Promise<number> {
  const res = (await p)!;
  await res.arrayBuffer();
  return res.status;
}

describe('relay: deflate is checked to its end, like gzip', () => {
  it('a zlib stream followed by junk, or by a second stream, is a 400 and is not forwarded', async () => {
    const one = deflateSync(traces());
    const bodies: [string, Uint8Array][] = [
      ['junk after the stream', Buffer.concat([one, Buffer.from('<script>junk</script>')])],
      ['one byte after the stream', Buffer.concat([one, Buffer.from([0])])],
      ['a second stream', Buffer.concat([one, deflateSync(new Uint8Array(1000))])],
    ];
    for (const [what, body] of bodies) {
      const res = (await r()(post(body as BodyInit, { 'content-encoding': 'deflate' })))!;
      expect(res.status, what).toBe(400);
      expect(await res.text(), what).toMatch(/deflate/);
    }
    // gzip with junk after it, as before.
    const gzipJunk = Buffer.concat([gzipSync(traces()), Buffer.from('junk')]);
    expect(await status(r()(post(gzipJunk as BodyInit, { 'content-encoding': 'gzip' })))).toBe(400);
    expect(collector.seen).toHaveLength(0);
  });

  it('a valid deflate body is forwarded, compressed, as it came', async () => {
    const body = deflateSync(traces());
    expect(await status(r()(post(body as BodyInit, { 'content-encoding': 'deflate' })))).toBe(200);
    expect(collector.seen[0].headers['content-encoding']).toBe('deflate');
    expect(collector.seen[0].bytes).toEqual(new Uint8Array(body));
  });
});

describe('relay: OTLP/JSON is checked as strictly as protobuf', () => {
  const base = tracesJson().resourceSpans[0].scopeSpans[0].spans[0];
  const span = (over: Record<string, unknown>) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...base, ...over }] }] }] });
  const deep = (n: number, leaf: string) => '['.repeat(n) + leaf + ']'.repeat(n);
  let nested = '{"stringValue":"leaf"}';
  for (let k = 0; k < 5000; k++) nested = `{"arrayValue":{"values":[${nested}]}}`;

  it('known fields of the wrong JSON type, bad ids and deep nesting are a 400, not forwarded', async () => {
    const bad: [string, string][] = [
      ['resourceSpans entries not objects', '{"resourceSpans":[1,2]}'],
      ['scopeSpans not an array', '{"resourceSpans":[{"scopeSpans":{"spans":[]}}]}'],
      ['spans of strings', '{"resourceSpans":[{"scopeSpans":[{"spans":["x"]}]}]}'],
      ['a trace id of the wrong length', span({ traceId: 'abc' })],
      ['a trace id that is not hex', span({ traceId: 'z'.repeat(32) })],
      ['a span id that is base64 (proto3 JSON, not OTLP/JSON)', span({ spanId: 't61rcWkgMzE=' })],
      ['a time that is not an integer', span({ startTimeUnixNano: '12.5' })],
      ['a negative unsigned count', span({ droppedAttributesCount: -1 })],
      ['a kind that is an object', span({ kind: { x: 1 } })],
      ['attributes that are an object', span({ attributes: { key: 'a' } })],
      ['an intValue that is not a number', span({ attributes: [{ key: 'a', value: { intValue: 'abc' } }] })],
      ['a boolValue that is a string', span({ attributes: [{ key: 'a', value: { boolValue: 'true' } }] })],
      ['bytes that are not base64', span({ attributes: [{ key: 'a', value: { bytesValue: '<script>' } }] })],
      ['5,000-deep arrays in an unknown field', `{"resourceSpans":[],"junk":${deep(5000, '1')}}`],
      ['5,000-deep AnyValue arrays', span({ attributes: [{ key: 'a', value: { stringValue: '@' } }] })
        .replace('{"stringValue":"@"}', nested)],
      ['a byte-order mark', `\ufeff${JSON.stringify(tracesJson())}`],
    ];
    for (const [what, body] of bad) {
      const res = (await r()(json(body)))!;
      expect(res.status, what).toBe(400);
      expect(await res.text(), what).toMatch(/^400 bad request: not an OTLP traces export: /);
    }
    expect(collector.seen).toHaveLength(0);
  });

  it('what OTLP/JSON allows is forwarded: numbers or strings for integers, null, snake_case names, unknown fields ignored', async () => {
    const ok: [string, string][] = [
      ['the test export', JSON.stringify(tracesJson())],
      ['integers as numbers', span({ startTimeUnixNano: 1764614400123456, kind: 2, droppedAttributesCount: 3 })],
      ['an enum by name', span({ kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_ERROR' } })],
      ['null for defaults', span({ parentSpanId: null, attributes: null, status: null })],
      ['proto field names',
        `{"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"${'a'.repeat(32)}","span_id":"${'b'.repeat(16)}"}]}]}]}`],
      ['doubles as strings', span({ attributes: [
        { key: 'a', value: { doubleValue: 'NaN' } }, { key: 'b', value: { doubleValue: '-Infinity' } },
      ] })],
      ['an unknown field (a newer schema)', span({ newField2030: { nested: [1, 2, { x: null }] } })],
      ['empty ids', span({ parentSpanId: '' })],
    ];
    for (const [what, body] of ok) expect(await status(r()(json(body))), what).toBe(200);
    expect(collector.seen).toHaveLength(ok.length);
  });

  it('OpenTelemetry JS\'s own JSON export (JsonTraceSerializer) is forwarded', async () => {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('relay-test', '1.0.0');
    const parent = tracer.startSpan('parent', { attributes: { 'http.request.method': 'GET', n: 3, ok: true, list: ['a', 'b'] } });
    parent.addEvent('exception', { 'exception.message': 'boom' });
    parent.setStatus({ code: 2, message: 'bad' });
    parent.end();
    const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
    expect(await status(r()(post(body as BodyInit, { 'content-type': 'application/json' })))).toBe(200);
    expect(collector.seen).toHaveLength(1);
  });
});

describe('relay: the collector gets the canonical content type', () => {
  it('parameters of the browser\'s Content-Type are not forwarded', async () => {
    const cases: [string, BodyInit, string][] = [
      ['application/json;x=<script>', JSON.stringify(tracesJson()), 'application/json'],
      ['Application/JSON; charset="UTF-8"', JSON.stringify(tracesJson()), 'application/json'],
      ['application/x-protobuf; charset=utf-8; proto=x', traces() as BodyInit, 'application/x-protobuf'],
    ];
    for (const [type, body, canonical] of cases) {
      collector.seen.length = 0;
      expect(await status(r()(post(body, { 'content-type': type }))), type).toBe(200);
      expect(collector.seen[0].headers['content-type'], type).toBe(canonical);
    }
  });

  it('OTLP/JSON in a charset other than UTF-8 is a 415', async () => {
    for (const charset of ['utf-16', 'iso-8859-1']) {
      expect(await status(r()(json(JSON.stringify(tracesJson()), `application/json; charset=${charset}`))), charset).toBe(415);
    }
    expect(collector.seen).toHaveLength(0);
  });
});
