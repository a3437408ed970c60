// The receiving side of the dev collector: what it stores from each signal and encoding, and
// how it answers what it refuses — modelled on the OpenTelemetry Collector's otlpreceiver.
import { once } from 'node:events';
import { connect } from 'node:net';
import { gzipSync, deflateSync, createGzip } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import {
  decodeResponse, decodeStatus, histogram, int, logsBody, metricsBody, post, rawRequest, spanId, T0, traceId, tracesBody,
} from './otlp.js';

let c: Collector;
beforeAll(async () => {
  c = await startCollector({ maxBodyBytes: 1024 * 1024 });
});
afterAll(() => c.close());
beforeEach(() => c.reset());

describe('round trip: protobuf', () => {
  it('stores spans with hex ids, int64 timestamps and attributes of every AnyValue kind', async () => {
    const t = traceId();
    const root = spanId();
    const child = spanId();
    const link = { traceId: traceId(), spanId: spanId() };
    const body = tracesBody([{
      service: 'shop-web', attributes: { 'service.version': '1.4.2', 'session.id': 'sess-1' },
      spans: [
        { traceId: t, spanId: root, name: 'GET /cart', kind: 3, start: T0, end: T0 + 100_000_000n, status: { code: 1 } },
        {
          traceId: t, spanId: child, parentSpanId: root, name: 'fetch', kind: 3, start: T0 + 5n, end: T0 + 20_000_005n,
          traceState: 'vendor=1', flags: 0x101,
          attributes: {
            str: 'text', bool: false, int: int(-42), big: int('9007199254740993'), double: 2.5,
            bytes: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), array: ['a', int(1), true, [2.5]],
            kvlist: { nested: { deep: 'yes' }, n: int(7) }, empty: null,
          },
          events: [{ name: 'exception', time: T0 + 10n, attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom' } }],
          links: [{ ...link, attributes: { why: 'retry' } }],
          status: { code: 2, message: 'failed' },
        },
      ],
    }]);
    const res = await post(c.url, 'traces', body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeResponse('traces', res.body).partialSuccess).toBeUndefined();

    const spans = c.query.spans({ traceId: t });
    expect(spans.map((s) => s.name)).toEqual(['GET /cart', 'fetch']);
    const [r, s] = spans;
    expect(r).toMatchObject({
      traceId: t, spanId: root, parentSpanId: '', kind: 3, statusCode: 1, durationMs: 100,
      startTimeUnixNano: T0.toString(), endTimeUnixNano: (T0 + 100_000_000n).toString(),
      service: 'shop-web', scope: 'test-scope', scopeVersion: '1.0.0',
      resource: { 'service.name': 'shop-web', 'service.version': '1.4.2', 'session.id': 'sess-1' },
    });
    expect(s).toMatchObject({
      spanId: child, parentSpanId: root, statusCode: 2, statusMessage: 'failed', traceState: 'vendor=1', flags: 0x101,
      startTimeUnixNano: '1764614400123456794', durationMs: 20,
    });
    expect(s.attributes).toEqual({
      str: 'text', bool: false, int: -42, big: '9007199254740993', double: 2.5,
      bytes: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'), array: ['a', 1, true, [2.5]],
      kvlist: { nested: { deep: 'yes' }, n: 7 }, empty: null,
    });
    expect(s.events).toEqual([{ name: 'exception', timeUnixNano: '1764614400123456799', attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom' } }]);
    expect(s.links).toEqual([{ traceId: link.traceId, spanId: link.spanId, traceState: '', attributes: { why: 'retry' }, flags: 0 }]);
    expect(c.received.traces).toEqual({ requests: 1, spans: 2, rejectedSpans: 0 });
    expect(c.query.traces()).toMatchObject([{ traceId: t, rootName: 'GET /cart', spanCount: 2, error: true, sessionId: 'sess-1', durationMs: 100 }]);
  });

  it('stores a data point per row for every metric type, with histogram buckets and exemplars', async () => {
    const t = traceId();
    const s = spanId();
    const body = metricsBody([{
      service: 'shop-web',
      metrics: [
        { name: 'queue.depth', unit: '{item}', data: { case: 'gauge', value: { dataPoints: [
          { attributes: [{ key: 'q', value: { value: { case: 'stringValue', value: 'a' } } }], timeUnixNano: T0, value: { case: 'asInt', value: 9007199254740993n } },
          { timeUnixNano: T0 + 1n, value: { case: 'asDouble', value: 0.25 } },
        ] } } },
        { name: 'requests', unit: '1', data: { case: 'sum', value: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [
          { startTimeUnixNano: T0 - 1000n, timeUnixNano: T0, value: { case: 'asInt', value: 12n },
            exemplars: [{ timeUnixNano: T0 - 3n, value: { case: 'asDouble', value: 1.5 }, traceId: Buffer.from(t, 'hex'), spanId: Buffer.from(s, 'hex'),
              filteredAttributes: [{ key: 'user', value: { value: { case: 'stringValue', value: 'u1' } } }] }] },
        ] } } },
        histogram('http.client.request.duration', 's', [{ bounds: [0.1, 0.5, 1], counts: [3, 2, 1, 0], sum: 1.75, min: 0.01, max: 0.9, attributes: { 'http.request.method': 'GET' } }]),
        { name: 'lcp.exp', unit: 'ms', data: { case: 'exponentialHistogram', value: { aggregationTemporality: 1, dataPoints: [
          { timeUnixNano: T0, count: 7n, sum: 70, scale: 2, zeroCount: 1n, zeroThreshold: 0.001,
            positive: { offset: -3, bucketCounts: [1n, 2n, 3n] }, negative: { offset: 0, bucketCounts: [] }, min: 0, max: 40 },
        ] } } },
        { name: 'latency.summary', unit: 'ms', data: { case: 'summary', value: { dataPoints: [
          { timeUnixNano: T0, count: 4n, sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 1, value: 4 }] },
        ] } } },
      ],
    }]);
    const res = await post(c.url, 'metrics', body);
    expect(res.status).toBe(200);
    expect(decodeResponse('metrics', res.body).partialSuccess).toBeUndefined();
    expect(c.received.metrics).toEqual({ requests: 1, points: 6, rejectedPoints: 0 });

    const byName = (name: string) => c.query.metrics({ name });
    expect(byName('queue.depth').map((p) => [p.type, p.value, p.attributes, p.timeUnixNano])).toEqual([
      ['gauge', '9007199254740993', { q: 'a' }, T0.toString()],
      ['gauge', 0.25, {}, (T0 + 1n).toString()],
    ]);
    expect(byName('requests')[0]).toMatchObject({
      type: 'sum', temporality: 2, isMonotonic: true, value: 12, startTimeUnixNano: (T0 - 1000n).toString(), unit: '1', service: 'shop-web',
      exemplars: [{ timeUnixNano: (T0 - 3n).toString(), value: 1.5, traceId: t, spanId: s, filteredAttributes: { user: 'u1' } }],
    });
    expect(byName('http.client.request.duration')[0]).toMatchObject({
      type: 'histogram', temporality: 1, count: 6, sum: 1.75, min: 0.01, max: 0.9,
      bucketCounts: [3, 2, 1, 0], explicitBounds: [0.1, 0.5, 1], attributes: { 'http.request.method': 'GET' },
      description: 'http.client.request.duration for tests',
    });
    expect(byName('lcp.exp')[0]).toMatchObject({
      type: 'exponentialHistogram', count: 7, sum: 70, scale: 2, zeroCount: 1, zeroThreshold: 0.001, min: 0, max: 40,
      positive: { offset: -3, bucketCounts: [1, 2, 3] }, negative: { offset: 0, bucketCounts: [] },
    });
    expect(byName('latency.summary')[0]).toMatchObject({
      type: 'summary', count: 4, sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 1, value: 4 }],
    });
  });

  it('stores log records with bodies of any kind, trace context and event names', async () => {
    const t = traceId();
    const s = spanId();
    const res = await post(c.url, 'logs', logsBody([{
      service: 'edge-worker',
      logs: [
        { body: 'plain text', severityNumber: 17, severityText: 'ERROR', traceId: t, spanId: s, attributes: { 'exception.type': 'Error' } },
        { body: { user: 'u1', items: [int(1), int(2)] }, severityNumber: 9, eventName: 'cart.updated', time: T0 + 1n },
        { body: new Uint8Array([1, 2, 3]), severityNumber: 5 },
      ],
    }]));
    expect(res.status).toBe(200);
    expect(decodeResponse('logs', res.body).partialSuccess).toBeUndefined();
    const logs = c.query.logs();
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatchObject({
      body: 'plain text', severityNumber: 17, severityText: 'ERROR', traceId: t, spanId: s, service: 'edge-worker',
      timeUnixNano: T0.toString(), observedTimeUnixNano: (T0 + 5n).toString(), attributes: { 'exception.type': 'Error' },
      resource: { 'service.name': 'edge-worker' },
    });
    expect(logs[1]).toMatchObject({ body: { user: 'u1', items: [1, 2] }, eventName: 'cart.updated', traceId: '', spanId: '' });
    expect(logs[2].body).toBe('AQID');
    expect(c.query.logs({ severityMin: 9 }).map((l) => l.severityNumber)).toEqual([17, 9]);
    expect(c.query.logs({ traceId: t })).toHaveLength(1);
  });
});

describe('round trip: OTLP/JSON', () => {
  it('stores traces with hex ids, int64 as strings and as bare numbers, unknown fields ignored', async () => {
    const t = traceId();
    const s = spanId();
    // Written by hand: 64-bit values beyond 2^53 as bare JSON numbers must survive exactly.
    const json = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
      "futureField":{"x":1},
      "scopeSpans":[{"scope":{"name":"s","version":"2"},"spans":[{
        "traceId":"${t.toUpperCase()}","spanId":"${s}","parentSpanId":"","name":"json span","kind":2,
        "startTimeUnixNano":1764614400123456789,"endTimeUnixNano":"1764614400223456789",
        "attributes":[{"key":"n","value":{"intValue":9007199254740993}},{"key":"m","value":{"intValue":"-5"}},
          {"key":"d","value":{"doubleValue":0.5}},{"key":"b","value":{"boolValue":true}},
          {"key":"bytes","value":{"bytesValue":"3q2+7w=="}},
          {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":3}]}}},
          {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}}],
        "events":[{"timeUnixNano":"1764614400123456790","name":"e","attributes":[]}],
        "links":[{"traceId":"${t}","spanId":"${s}","attributes":[]}],
        "status":{"code":2,"message":"bad"},"unknownSpanField":true}]}]}]}`;
    const res = await post(c.url, 'traces', json, { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body.toString())).toEqual({});
    const [span] = c.query.spans({ traceId: t });
    expect(span).toMatchObject({
      traceId: t, spanId: s, parentSpanId: '', name: 'json span', kind: 2, service: 'json-svc', scope: 's', scopeVersion: '2',
      startTimeUnixNano: '1764614400123456789', endTimeUnixNano: '1764614400223456789', durationMs: 100, statusCode: 2, statusMessage: 'bad',
      attributes: { n: '9007199254740993', m: -5, d: 0.5, b: true, bytes: '3q2+7w==', arr: ['x', 3], kv: { k: 'v' } },
      events: [{ name: 'e', timeUnixNano: '1764614400123456790', attributes: {} }],
      links: [{ traceId: t, spanId: s }],
    });
  });

  it('stores metrics and logs sent as JSON', async () => {
    const t = traceId();
    const metrics = {
      resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] }, scopeMetrics: [{ metrics: [
        { name: 'h', unit: 'ms', histogram: { aggregationTemporality: 1, dataPoints: [
          { timeUnixNano: '1764614400123456789', count: '3', sum: 6, bucketCounts: ['1', '2'], explicitBounds: [2.5], min: 1, max: 3 }] } },
        { name: 'g', gauge: { dataPoints: [{ timeUnixNano: '1', asInt: '-7' }] } },
      ] }] }],
    };
    const m = await post(c.url, 'metrics', JSON.stringify(metrics));
    expect(m.status).toBe(200);
    expect(c.query.metrics({ name: 'h' })[0]).toMatchObject({ count: 3, sum: 6, bucketCounts: [1, 2], explicitBounds: [2.5], service: 'm' });
    expect(c.query.metrics({ name: 'g' })[0]).toMatchObject({ type: 'gauge', value: -7 });

    const logs = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [
        { timeUnixNano: '1764614400123456789', severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'hello' }, traceId: t, spanId: '00f067aa0ba902b7', eventName: 'ev' },
      ] }] }],
    };
    const l = await post(c.url, 'logs', JSON.stringify(logs));
    expect(l.status).toBe(200);
    expect(c.query.logs()[0]).toMatchObject({ severityNumber: 13, body: 'hello', traceId: t, spanId: '00f067aa0ba902b7', eventName: 'ev', service: 'unknown_service' });
  });
});

describe('compressed bodies', () => {
  for (const [coding, compress] of [['gzip', gzipSync], ['deflate', deflateSync]] as const) {
    it(`decompresses Content-Encoding: ${coding} (protobuf and JSON)`, async () => {
      const t = traceId();
      const pb = await post(c.url, 'traces', compress(tracesBody([{ service: 'z', spans: [{ traceId: t, name: 'pb' }] }])), { 'content-encoding': coding });
      expect(pb.status).toBe(200);
      const json = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: t, spanId: spanId(), name: 'json', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
      const js = await post(c.url, 'traces', compress(Buffer.from(json)), { 'content-type': 'application/json', 'content-encoding': coding });
      expect(js.status).toBe(200);
      expect(c.query.spans({ traceId: t }).map((s) => s.name).sort()).toEqual(['json', 'pb']);
      const last = c.requests.at(-1)!;
      expect(last.headers['content-encoding']).toBe(coding);
      expect(last.bodyBytes).toBeLessThan(json.length);
    });
  }
});

describe('partial success', () => {
  it('rejects only the spans with bad ids and stores the rest (protobuf)', async () => {
    const t = traceId();
    const res = await post(c.url, 'traces', tracesBody([{
      service: 'web',
      spans: [
        { traceId: t, name: 'good-1' },
        { traceIdBytes: new Uint8Array(15).fill(1), name: 'short-trace-id' },
        { traceId: t, name: 'good-2' },
        { traceId: t, spanIdBytes: new Uint8Array(7).fill(1), name: 'short-span-id' },
        { traceId: t, name: 'good-3' },
      ],
    }]));
    expect(res.status).toBe(200);
    const partial = decodeResponse('traces', res.body).partialSuccess!;
    expect(partial.rejectedSpans).toBe(2n);
    expect(partial.errorMessage).toContain('spans[1]: trace_id is 15 bytes, must be 16');
    expect(partial.errorMessage).toContain('spans[3]: span_id is 7 bytes, must be 8');
    expect(c.query.spans().map((s) => s.name)).toEqual(['good-1', 'good-2', 'good-3']);
    expect(c.received.traces).toEqual({ requests: 1, spans: 3, rejectedSpans: 2 });
  });

  it('reports partial success in JSON, for log records and for metric points too', async () => {
    const json = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: traceId(), spanId: spanId(), name: 'ok' },
      { traceId: 'abcd', spanId: spanId(), name: 'two-byte trace id' },
    ] }] }] });
    const res = await post(c.url, 'traces', json);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString());
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toContain('trace_id is 2 bytes');

    const logs = await post(c.url, 'logs', logsBody([{ logs: [{ body: 'ok' }, { body: 'bad', traceIdBytes: new Uint8Array(3) }] }]));
    expect(decodeResponse('logs', logs.body).partialSuccess!.rejectedLogRecords).toBe(1n);
    expect(c.query.logs().map((l) => l.body)).toEqual(['ok']);

    const metrics = await post(c.url, 'metrics', metricsBody([{ metrics: [{ name: 'g', data: { case: 'gauge', value: { dataPoints: [
      { value: { case: 'asDouble', value: 1 } },
      { value: { case: 'asDouble', value: 2 }, exemplars: [{ traceId: new Uint8Array(4), value: { case: 'asDouble', value: 2 } }] },
    ] } } }] }]));
    expect(decodeResponse('metrics', metrics.body).partialSuccess!.rejectedDataPoints).toBe(1n);
    expect(c.query.metrics().map((m) => m.value)).toEqual([1]);
  });

  it("refuses the whole request instead with invalidIds: 'request', as the OTel Collector does", async () => {
    const strict = await startCollector({ invalidIds: 'request' });
    try {
      const res = await post(strict.url, 'traces', tracesBody([{ spans: [{ name: 'ok' }, { traceIdBytes: new Uint8Array(15), name: 'bad' }] }]));
      expect(res.status).toBe(400);
      expect(decodeStatus(res.body)).toEqual({ code: 3, message: expect.stringContaining('invalid length for trace_id') });
      expect(strict.query.counts().spans).toBe(0);
    } finally {
      await strict.close();
    }
  });
});

describe('refusals', () => {
  it('answers 400 with a google.rpc.Status to malformed protobuf, and stores nothing', async () => {
    // Field 1 (resource_spans) claims 16 bytes, 1 follows.
    const res = await post(c.url, 'traces', new Uint8Array([0x0a, 0x10, 0x01]));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    const status = decodeStatus(res.body);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/invalid protobuf ExportTraceServiceRequest/);
    expect(c.query.counts()).toEqual({ spans: 0, points: 0, records: 0 });
    expect(c.received.rejected).toEqual({ 400: 1 });
    expect(c.received.traces.requests).toBe(0);
  });

  it('answers 400 to bad JSON, JSON of the wrong shape and ids that are not hex', async () => {
    for (const body of ['{"resourceSpans": [', '[]', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":{"not":"a string"}}]}]}]}',
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz${'0'.repeat(30)}"}]}]}]}`]) {
      const res = await post(c.url, 'traces', body);
      expect(res.status, body).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      const status = JSON.parse(res.body.toString());
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/^invalid JSON/);
    }
    expect(c.query.counts().spans).toBe(0);
  });

  it('answers 415 to text/plain and to a missing content type, as the collector does', async () => {
    const body = tracesBody([{ spans: [{ name: 'x' }] }]);
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/protobuf', undefined]) {
      const res = await rawRequest(c.url, { method: 'POST', path: '/v1/traces', headers: type ? { 'content-type': type } : {}, body });
      expect(res.status, String(type)).toBe(415);
      expect(res.headers['content-type']).toBe('text/plain');
      expect(res.body.toString()).toBe('415 unsupported media type, supported: [application/json, application/x-protobuf]');
    }
    expect(c.query.counts().spans).toBe(0);
    expect(c.requests.map((r) => r.status)).toEqual([415, 415, 415, 415]);
  });

  it('answers 404 to other paths and 405 to other methods on the OTLP paths', async () => {
    const notFound = await rawRequest(c.url, { method: 'POST', path: '/v1/traces/', headers: { 'content-type': 'application/x-protobuf' } });
    expect(notFound.status).toBe(404);
    expect(notFound.body.toString()).toBe('404 page not found\n');
    expect((await rawRequest(c.url, { path: '/v1/profiles' })).status).toBe(404);
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await rawRequest(c.url, { method, path: '/v1/metrics' });
      expect(res.status, method).toBe(405);
      expect(res.body.toString()).toBe('405 method not allowed, supported: [POST]');
    }
  });

  it('answers 413 to a body over maxBodyBytes, declared or streamed', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1);
    const declared = await post(c.url, 'traces', big);
    expect(declared.status).toBe(413);
    expect(decodeStatus(declared.body).message).toMatch(/exceeds the limit of 1048576 bytes/);

    // Chunked, no Content-Length: the limit has to hold while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${c.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(c.query.counts().spans).toBe(0);
    expect(c.received.rejected).toEqual({ 413: 2 });
  });

  it('refuses a gzip bomb with 413, quickly and without inflating it', async () => {
    // 1 GiB of zeros, compressed as it is generated: only the ~1 MB result is ever held.
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => parts.push(chunk));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 1024; i++) if (!gzip.write(zeros)) await once(gzip, 'drain');
    gzip.end();
    await once(gzip, 'end');
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(1024 * 1024 + 64 * 1024);

    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const res = await post(c.url, 'traces', bomb, { 'content-encoding': 'gzip' });
    const elapsed = performance.now() - started;
    const growth = process.memoryUsage().rss - rssBefore;
    console.log(`gzip bomb: ${bomb.length} B compressed / 1 GiB inflated → ${res.status} in ${elapsed.toFixed(0)} ms, RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`);
    expect(res.status).toBe(413);
    expect(decodeStatus(res.body).message).toBe('decompressed body exceeds the limit of 1048576 bytes');
    // Inflating the whole GiB takes seconds and the memory bound below catches it; the time
    // bound only catches a hang, generously for a loaded machine.
    expect(elapsed).toBeLessThan(20_000);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    expect(c.query.counts().spans).toBe(0);
  });

  it('answers 400 to a corrupt gzip body and to an unsupported Content-Encoding', async () => {
    const corrupt = await post(c.url, 'traces', Buffer.from('definitely not gzip'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(decodeStatus(corrupt.body).message).toMatch(/^gzip body: /);
    const br = await post(c.url, 'traces', tracesBody([{ spans: [{}] }]), { 'content-encoding': 'br' });
    expect(br.status).toBe(400);
    expect(decodeStatus(br.body).message).toBe('unsupported Content-Encoding: br');
    expect(c.query.counts().spans).toBe(0);
  });

  it('answers 400 to absurdly nested values instead of overflowing the stack', async () => {
    const length = (n: number) => { const out = []; do { out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0)); n >>>= 7; } while (n); return out; };
    const field = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, ...length(body.length)]), body]);
    // AnyValue{array_value: ArrayValue{values: [AnyValue{…}]}}, 2,000 levels deep, as an attribute of one span.
    let value = Buffer.alloc(0);
    for (let i = 0; i < 2_000; i++) value = field(0x2a, field(0x0a, value));
    const attribute = Buffer.concat([field(0x0a, Buffer.from('deep')), field(0x12, value)]);
    const span = Buffer.concat([field(0x0a, Buffer.alloc(16, 1)), field(0x12, Buffer.alloc(8, 2)), field(0x4a, attribute)]);
    const res = await post(c.url, 'traces', field(0x0a, field(0x12, field(0x12, span))));
    expect(res.status).toBe(400);
    expect(decodeStatus(res.body).message).toMatch(/recursion/);
    expect(c.query.counts().spans).toBe(0);
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const socket = connect(c.port, '127.0.0.1');
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    const [data] = (await once(socket, 'data')) as [Buffer];
    expect(data.toString()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    socket.destroy();
    expect((await post(c.url, 'traces', tracesBody([{ spans: [{}] }]))).status).toBe(200);
  });

  it('failNext refuses the next export with the given status and Retry-After, then recovers', async () => {
    c.failNext({ status: 503, retryAfter: 7, signal: 'traces' });
    const body = tracesBody([{ spans: [{ name: 'retried' }] }]);
    const refused = await post(c.url, 'traces', body);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    expect(decodeStatus(refused.body).code).toBe(14);
    expect(c.query.counts().spans).toBe(0);
    expect((await post(c.url, 'traces', body)).status).toBe(200);
    expect(c.query.spans().map((s) => s.name)).toEqual(['retried']);
  });
});

describe('request log and waitFor', () => {
  it('keeps method, path, status, headers and wire size of receiver requests', async () => {
    const body = tracesBody([{ spans: [{ name: 'a' }] }]);
    await post(c.url, 'traces', body, { 'x-test': 'yes' });
    await rawRequest(c.url, { path: '/api/stats' }); // the viewer's own traffic is not logged
    expect(c.requests).toHaveLength(1);
    expect(c.requests[0]).toMatchObject({
      method: 'POST', path: '/v1/traces', status: 200, bodyBytes: body.length,
      headers: { 'content-type': 'application/x-protobuf', 'x-test': 'yes' },
      responseHeaders: { 'content-type': 'application/x-protobuf' },
    });
    expect(c.received.requests).toBe(1);
  });

  it('waitFor resolves when the predicate holds and explains a timeout', async () => {
    setTimeout(() => void post(c.url, 'traces', tracesBody([{ spans: [{ name: 'late' }] }])), 50);
    await c.waitFor((x) => x.received.traces.spans === 1, 2000);
    expect(c.query.spans()[0].name).toBe('late');
    await expect(c.waitFor((x) => x.received.logs.records > 0, 100)).rejects.toThrow(
      /waitFor timed out after 100 ms: .*logs\.records > 0[\s\S]*received: .*"spans":1[\s\S]*last requests: POST \/v1\/traces → 200/);
  });
});
