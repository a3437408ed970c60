// Symbolication of OTLP/protobuf requests: otlp-walk.ts finds the stacks of log records and
// span events in the walk that checks the body and writes the new attributes back, lengths
// re-encoded. Judged by @bufbuild/protobuf and protoc over the official schema, against what
// the OTLP/JSON walk makes of the same request, with real maps (esbuild --minify --sourcemap).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkOtlpProtobuf, findRecordAttributes, setRecordAttributes } from '../../../src/edge/otlp-walk.js';
import {
  ATTR, createSymbolicator, STACK_ATTRIBUTES, symbolicateOtlpJson, symbolicateOtlpProtobuf, type Symbolicator,
} from '../../../src/edge/symbolicate/index.js';
import { createEncoder } from '../../../src/encoder.js';
import { decodeToJson, protocDecode, referenceBytes } from '../../helpers/otlp-schema.js';
import { buildEsbuild, expectedFrames, throwFrom, type Built } from './fixture.js';

const enc = await createEncoder({ implementation: 'js' });
let esb: Built;
let stack: string;
let symbolicator: Symbolicator;

beforeAll(async () => {
  esb = await buildEsbuild();
  stack = await throwFrom(esb);
  symbolicator = createSymbolicator({ source: esb.source, onProblem: () => {} });
});
afterAll(() => esb?.remove());

type Attr = { key: string; value: Record<string, unknown> };
const str = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): Attr => ({ key, value: { intValue: v } });
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

/**
 * An error record as the browser sends it: the minified place in code.*, other attributes
 * around the stack. A short stack (its top frame alone) comes with the message alone: a
 * record short enough to grow past 128 bytes.
 */
const errorAttrs = (pad = '', s = stack): Attr[] => (s === stack ? [
  str('exception.type', 'TypeError'), str('exception.message', `no price for sku-1${pad}`), str(ATTR.stacktrace, s),
  str('code.file.path', esb.url), int('code.line.number', 1), int('code.column.number', 99), str('browser.error.kind', 'error'),
] : [str('exception.message', pad), str(ATTR.stacktrace, s)]);
const shortStack = () => stack.split('\n')[1];

function logsRequest(pad: string, s = stack) {
  const record = (attributes: Attr[]) => (s === stack ? {
    timeUnixNano: '1764614400123456789', severityNumber: 17, severityText: 'ERROR', traceId: TRACE, spanId: SPAN,
    body: { stringValue: 'Uncaught TypeError' }, attributes, eventName: 'browser.error',
  } : { attributes });
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'shop-web')] },
        scopeLogs: [{
          scope: { name: 'plume' },
          logRecords: [record(errorAttrs(pad, s)), record([str('note', 'no stack here')]), record(errorAttrs())],
        }, { scope: { name: 'other' }, logRecords: [record([str('x', pad)])] }],
      },
      { resource: { attributes: [str('service.name', 'shop-admin')] }, scopeLogs: [{ logRecords: [record(errorAttrs(pad + pad, s))] }] },
    ],
  };
}

function tracesRequest(pad: string, s = stack) {
  const span = (events: unknown[]) => ({
    traceId: TRACE, spanId: SPAN, name: 'GET /cart', kind: 3, startTimeUnixNano: '1', endTimeUnixNano: '2',
    attributes: [str(ATTR.stacktrace, 'span attributes are not an exception event')], events,
  });
  return {
    resourceSpans: [{
      resource: { attributes: [str('service.name', 'shop-web')] },
      scopeSpans: [{
        scope: { name: 'plume' },
        spans: [
          span([
            s === stack ? { timeUnixNano: '3', name: 'exception', attributes: errorAttrs(pad, s) } : { attributes: errorAttrs(pad, s) },
            { name: 'other', attributes: [str('a', 'b')] },
          ]),
          span([]),
          span([{ name: 'exception', attributes: errorAttrs() }]),
        ],
      }],
    }],
  };
}

const encode = (signal: 'logs' | 'traces', req: object) => (signal === 'logs' ? enc.encodeLogs(req) : enc.encodeTraces(req));

/** The content length of the first record with a stack. */
const firstRecordLength = (signal: 'logs' | 'traces', body: Uint8Array) => {
  const f = findRecordAttributes(signal, body, [ATTR.stacktrace]).records![0].frames.at(-1)!;
  return f.stop - f.start;
};

describe('symbolicateOtlpProtobuf', () => {
  for (const signal of ['logs', 'traces'] as const) {
    test(`${signal}: decodes as the OTLP/JSON walk's result of the same request, across every length boundary`, async () => {
      const request = signal === 'logs' ? logsRequest : tracesRequest;
      // Records just under the 2- and 3-byte length boundaries (128 and 16,384 bytes) that
      // cross them when their stacks grow, and the messages around them with them.
      const cases: [string, string][] = [['', stack], ['', shortStack()]];
      for (const [boundary, s] of [[128, shortStack()], [16_384, stack]] as const) {
        const pad = 'x'.repeat(boundary - 10 - firstRecordLength(signal, encode(signal, request('', s))));
        expect(pad.length, `room under ${boundary}`).toBeGreaterThan(0);
        cases.push([pad, s]);
      }
      const crossed = new Set<number>();
      for (const [pad, s] of cases) {
        const req = request(pad, s);
        const body = encode(signal, req);
        const json = structuredClone(req);
        const jsonChanged = await symbolicateOtlpJson(symbolicator, signal, json);
        const out = await symbolicateOtlpProtobuf(symbolicator, signal, body);
        expect(out.problem).toBeUndefined();
        expect(out.changed, `pad ${pad.length}`).toBe(jsonChanged);
        expect(out.changed).toBe(signal === 'logs' ? 3 : 2);
        expect(checkOtlpProtobuf(signal, out.body)).toBeUndefined();
        // protoc reads it with the official schema.
        expect(protocDecode(signal, out.body)).toContain('at priceOf (');
        // Field for field what OTLP/JSON's walk made: new attributes where the old ones were, the rest after them.
        expect(decodeToJson(signal, out.body), `pad ${pad.length}`).toEqual(decodeToJson(signal, referenceBytes(signal, json)));
        const [before, after] = [firstRecordLength(signal, body), firstRecordLength(signal, out.body)];
        for (const b of [128, 16_384]) if (before < b && after >= b) crossed.add(b);
      }
      expect([...crossed].sort((a, b) => a - b)).toEqual([128, 16_384]);
    });
  }

  test('what a record gets: the original stack, code.* of the top frame, the minified stack kept', async () => {
    const out = await symbolicateOtlpProtobuf(symbolicator, 'logs', encode('logs', logsRequest('')));
    const decoded = decodeToJson('logs', out.body) as { resourceLogs: { scopeLogs: { logRecords: { attributes: Attr[] }[] }[] }[] };
    const attrs = decoded.resourceLogs[0].scopeLogs[0].logRecords[0].attributes;
    const get = (k: string) => attrs.find((a) => a.key === k)?.value;
    const top = expectedFrames()[0];
    expect(get(ATTR.stacktrace)?.stringValue).toMatch(/^ {4}at priceOf \(.*symbolicate\/app\/cart\.js:\d+:\d+\)$/m);
    expect(get(ATTR.minified)).toEqual({ stringValue: stack });
    expect(String(get('code.file.path')?.stringValue)).toMatch(/symbolicate\/app\/cart\.js$/);
    // int64 in proto3 JSON is a decimal string.
    expect([get('code.line.number'), get('code.column.number')])
      .toEqual([{ intValue: String(top.line) }, { intValue: String(top.column) }]);
    expect(get('code.function.name')).toEqual({ stringValue: 'priceOf' });
    // Replaced where they were, not added again.
    expect(attrs.filter((a) => a.key === 'code.file.path')).toHaveLength(1);
    expect(attrs.map((a) => a.key).slice(0, 7)).toEqual(errorAttrs().map((a) => a.key));
    // The test runner's own frames have no map: counted on the record.
    expect(Number(get(ATTR.unmapped)?.intValue)).toBeGreaterThan(0);
  });

  test('nothing to do: the very same bytes back', async () => {
    const body = encode('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [str('a', 'b')] }] }] }] });
    const out = await symbolicateOtlpProtobuf(symbolicator, 'logs', body);
    expect(out).toEqual({ body, changed: 0 });
    expect(out.body).toBe(body);
    // Symbolicated once, the record says so, and a second pass leaves it.
    const once = await symbolicateOtlpProtobuf(symbolicator, 'logs', encode('logs', logsRequest('')));
    const twice = await symbolicateOtlpProtobuf(symbolicator, 'logs', once.body);
    expect(twice.changed).toBe(0);
    expect(twice.body).toBe(once.body);
  });

  test('a malformed body is the check\'s problem, and nothing is changed', async () => {
    const body = encode('logs', logsRequest(''));
    const out = await symbolicateOtlpProtobuf(symbolicator, 'logs', body.subarray(0, body.length - 5));
    expect(out.problem).toMatch(/runs past the end|truncated/);
    expect(out.changed).toBe(0);
  });
});

// Hand-made wire bytes, for what no encoder writes.
const varint = (n: number): number[] => {
  const o: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n);
  return o;
};
const field = (num: number, body: number[]): number[] => [...varint(num * 8 + 2), ...varint(body.length), ...body];
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const kv = (key: string, ...values: number[][]) => field(1, utf8(key)).concat(...values.map((v) => field(2, v)));
const sv = (s: string) => field(1, utf8(s));
/** ExportLogsServiceRequest { resource_logs { scope_logs { log_records { …record } } } } */
const logsWith = (record: number[]) => new Uint8Array(field(1, field(2, field(2, record))));
const attrsOf = (...kvs: number[][]) => kvs.flatMap((k) => field(6, k));

describe('findRecordAttributes: what counts as a record\'s attribute, read as a decoder would', () => {
  const find = (body: Uint8Array) => {
    const r = findRecordAttributes('logs', body, STACK_ATTRIBUTES);
    if (r.problem !== undefined) throw new Error(r.problem);
    return r.records.map((rec) => Object.fromEntries([...rec.attributes].map(([k, a]) => [k, a.value])));
  };

  test('a string value, an array of strings (debug IDs), and the first of a repeated key', () => {
    const ids = field(5, [...field(1, sv('https://x.test/a.js 1')), ...field(1, [...varint(3 * 8), 7]), ...field(1, sv('b 2'))]);
    const body = logsWith(attrsOf(kv('other', sv('x')), kv(ATTR.stacktrace, sv('s1')), kv(ATTR.debugIds, ids),
      kv(ATTR.stacktrace, sv('s2'))));
    expect(find(body)).toEqual([{ [ATTR.stacktrace]: 's1', [ATTR.debugIds]: ['https://x.test/a.js 1', undefined, 'b 2'] }]);
  });

  test('values a decoder would read otherwise are not strings: two value fields (merged), two kinds, another kind', () => {
    const cases: [string, number[]][] = [
      ['two value fields', kv(ATTR.stacktrace, sv('a'), sv('b'))],
      ['a string then an int (the int wins)', kv(ATTR.stacktrace, [...sv('a'), ...varint(3 * 8), 1])],
      ['an int', kv(ATTR.stacktrace, [...varint(3 * 8), 1])],
      ['no value', kv(ATTR.stacktrace)],
    ];
    for (const [what, attr] of cases) expect(find(logsWith(attrsOf(attr))), what).toEqual([{ [ATTR.stacktrace]: null }]);
    // An array is an array (not a stack: symbolication takes strings only).
    expect(find(logsWith(attrsOf(kv(ATTR.stacktrace, field(5, field(1, sv('a')))))))).toEqual([{ [ATTR.stacktrace]: ['a'] }]);
    // The last key field wins: a KeyValue that ends up named otherwise is not the stack.
    expect(find(logsWith(attrsOf([...kv(ATTR.stacktrace, sv('a')), ...field(1, utf8('renamed'))])))).toEqual([]);
    expect(find(logsWith(attrsOf([...field(1, utf8('renamed')), ...kv(ATTR.stacktrace, sv('a'))])))).toEqual([{ [ATTR.stacktrace]: 'a' }]);
  });

  test('only attributes of log records and span events: not a body\'s key-value list, not span or resource attributes', () => {
    // LogRecord.body = { kvlist_value { values { key: exception.stacktrace … } } }
    const inBody = logsWith(field(5, field(6, field(1, kv(ATTR.stacktrace, sv('s'))))));
    expect(find(inBody)).toEqual([]);
    const resource = new Uint8Array(field(1, field(1, field(1, kv(ATTR.stacktrace, sv('s'))))));
    expect(find(resource)).toEqual([]);
    const traces = enc.encodeTraces(tracesRequest(''));
    const r = findRecordAttributes('traces', traces, [ATTR.stacktrace]);
    // Two exception events; the spans' own attributes of that name are not events.
    expect(r.records?.map((x) => x.attributes.get(ATTR.stacktrace)?.value)).toEqual([stack, stack]);
    const metrics = enc.encodeMetrics({ resourceMetrics: [{ resource: { attributes: [str(ATTR.stacktrace, 's')] }, scopeMetrics: [] }] });
    expect(findRecordAttributes('metrics', metrics, [ATTR.stacktrace]).records).toEqual([]);
  });

  test('a malformed body: the check\'s own problem, the same as checkOtlpProtobuf\'s', () => {
    const body = logsWith(attrsOf(kv(ATTR.stacktrace, [...field(1, [0xff, 0xfe])])));
    expect(findRecordAttributes('logs', body, STACK_ATTRIBUTES).problem).toBe(checkOtlpProtobuf('logs', body));
    expect(checkOtlpProtobuf('logs', body)).toMatch(/UTF-8/);
    // And the finder's state does not leak into the next walk.
    expect(find(logsWith(attrsOf(kv(ATTR.stacktrace, sv('ok')))))).toEqual([{ [ATTR.stacktrace]: 'ok' }]);
  });

  test('setRecordAttributes: unknown fields kept, values written as string_value or int_value, bad values refused', () => {
    const unknown = [...varint(99 * 8), 5];
    const body = logsWith([...unknown, ...attrsOf(kv('a', sv('1')), kv(ATTR.file, sv('min.js')))]);
    const found = findRecordAttributes('logs', body, STACK_ATTRIBUTES).records!;
    const out = setRecordAttributes(body, [{ record: found[0], attributes: { [ATTR.file]: 'cart.js', [ATTR.line]: 16 } }]);
    const want = attrsOf(kv('a', sv('1')), kv(ATTR.file, sv('cart.js')), kv(ATTR.line, [...varint(3 * 8), 16]));
    expect(out).toEqual(logsWith([...unknown, ...want]));
    for (const bad of [-1, 1.5, 2 ** 60]) {
      expect(() => setRecordAttributes(body, [{ record: found[0], attributes: { [ATTR.line]: bad } }])).toThrow(RangeError);
    }
  });
});
