// Bad input: a TypeError naming the field path, before anything is encoded.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../../src/encoder.js';
import { bothEncoders } from '../helpers/encoders.js';
import { decodeToJson } from '../helpers/otlp-schema.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const traces = (span: Record<string, unknown>) => ({
  resourceSpans: [{ scopeSpans: [{}, { spans: [{ traceId: TRACE, spanId: SPAN, name: 'ok' }, span] }] }],
});
const S = 'resourceSpans[0].scopeSpans[1].spans[1]';
const withAttr = (value: unknown) => traces({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'a', value: { stringValue: 'x' } }, { key: 'k', value }] });

const CASES: [string, object, string][] = [
  ['trace id of the wrong length', traces({ traceId: 'abc', spanId: SPAN }), `${S}.traceId: expected 32 hex chars`],
  ['non-hex trace id', traces({ traceId: 'zz'.repeat(16), spanId: SPAN }), `${S}.traceId: expected 32 hex chars`],
  ['missing span id', traces({ traceId: TRACE }), `${S}.spanId: expected 16 hex chars`],
  ['parent id of the wrong length', traces({ traceId: TRACE, spanId: SPAN, parentSpanId: '00' }), `${S}.parentSpanId: expected 16 hex chars`],
  ['int64 above max', withAttr({ intValue: '9223372036854775808' }), `${S}.attributes[1].value.intValue: an int64 out of range: 9223372036854775808`],
  ['int64 below min', withAttr({ intValue: '-9223372036854775809' }), `${S}.attributes[1].value.intValue: an int64 out of range: -9223372036854775809`],
  ['int64 not an integer', withAttr({ intValue: 1.5 }), `${S}.attributes[1].value.intValue: expected an int64 (decimal string or integer)`],
  ['int64 not decimal', withAttr({ intValue: '0x10' }), `${S}.attributes[1].value.intValue: expected an int64 (decimal string or integer)`],
  ['negative uint64 time', traces({ traceId: TRACE, spanId: SPAN, startTimeUnixNano: '-1' }), `${S}.startTimeUnixNano: a uint64 out of range: -1`],
  ['uint64 above max', traces({ traceId: TRACE, spanId: SPAN, endTimeUnixNano: '18446744073709551616' }), `${S}.endTimeUnixNano: a uint64 out of range: 18446744073709551616`],
  ['two AnyValue kinds', withAttr({ stringValue: 'a', intValue: 1 }), `${S}.attributes[1].value: more than one AnyValue kind set ('stringValue', 'intValue')`],
  ['string of the wrong type', traces({ traceId: TRACE, spanId: SPAN, name: 5 }), `${S}.name: expected a string`],
  ['uint32 out of range', traces({ traceId: TRACE, spanId: SPAN, droppedAttributesCount: -1 }), `${S}.droppedAttributesCount: a uint32 out of range: -1`],
  ['enum out of int32 range', traces({ traceId: TRACE, spanId: SPAN, kind: 2 ** 31 }), `${S}.kind: an int32 out of range: 2147483648`],
  ['double that is not a number', withAttr({ doubleValue: 'abc' }), `${S}.attributes[1].value.doubleValue: expected a number`],
  ['bytes that are not base64', withAttr({ bytesValue: '***' }), `${S}.attributes[1].value.bytesValue: expected base64 bytes`],
  ['attributes not an array', traces({ traceId: TRACE, spanId: SPAN, attributes: {} }), `${S}.attributes: expected an array`],
  ['nested array element kind', withAttr({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: 'x' }] } }), `${S}.attributes[1].value.arrayValue.values[1].intValue: expected an int64 (decimal string or integer)`],
  ['resourceSpans not an array', { resourceSpans: 1 }, 'resourceSpans: expected an array'],
];

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => ({ wasm, js } = await bothEncoders()));

describe('bad input', () => {
  for (const [name, req, message] of CASES) {
    it(`${name} -> TypeError with the field path`, () => {
      for (const enc of [wasm, js]) {
        expect(() => enc.encodeTraces(req)).toThrow(TypeError);
        expect(() => enc.encodeTraces(req)).toThrow(message);
      }
    });
  }

  it('metrics and logs paths', () => {
    expect(() => js.encodeMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asInt: 'x' }] } }] }] }] }))
      .toThrow('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt: expected an int64 (decimal string or integer)');
    expect(() => js.encodeMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [] }, sum: { dataPoints: [] } }] }] }] }))
      .toThrow("resourceMetrics[0].scopeMetrics[0].metrics[0]: more than one data kind set ('gauge', 'sum')");
    expect(() => js.encodeMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ histogram: { dataPoints: [{ bucketCounts: [1, -2] }] } }] }] }] }))
      .toThrow('resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[1]: a uint64 out of range: -2');
    expect(() => js.encodeLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{}, { traceId: 'x' }] }] }] }))
      .toThrow('resourceLogs[0].scopeLogs[0].logRecords[1].traceId: expected 32 hex chars');
  });

  it('nothing is half-written: the next request encodes as if the bad one never came', async () => {
    const good = traces({ traceId: TRACE, spanId: SPAN, name: 'second', attributes: [{ key: 'z', value: { intValue: 1 } }] });
    const fresh = await createEncoder({ implementation: 'js' });
    for (const enc of [wasm, js]) {
      expect(() => enc.encodeTraces(withAttr({ stringValue: 'a', intValue: 1 }))).toThrow(TypeError);
      const bytes = enc.encodeTraces(good);
      expect(Buffer.from(bytes).equals(Buffer.from(fresh.encodeTraces(good)))).toBe(true);
      const spans = (decodeToJson('traces', bytes) as any).resourceSpans[0].scopeSpans[1].spans;
      expect(spans.map((s: any) => s.name)).toEqual(['ok', 'second']);
    }
  });

  it('rejects a non-object request and an unknown implementation', async () => {
    expect(() => js.encodeLogs(null as unknown as object)).toThrow('request: expected an object');
    await expect(createEncoder({ implementation: 'fast' as 'js' })).rejects.toThrow(TypeError);
  });
});

describe('64-bit integers', () => {
  it('decimal strings and numbers of every length round-trip exactly (checked against BigInt)', () => {
    const values: (string | number)[] = ['0', '-0', '007', '-9223372036854775808', '9223372036854775807'];
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 600; k++) {
      const digits = 1 + Math.floor(rand() * 19);
      let s = String(1 + Math.floor(rand() * 8)); // 19 digits from 9 would pass int64 max
      while (s.length < digits) s += Math.floor(rand() * 10);
      values.push(rand() < 0.5 ? `-${s}` : s);
      if (digits < 16) values.push(Number(rand() < 0.5 ? `-${s}` : s));
    }
    const attributes = values.map((v, k) => ({ key: `k${k}`, value: { intValue: v } }));
    const req = traces({ traceId: TRACE, spanId: SPAN, attributes, startTimeUnixNano: '18446744073709551615' });
    const span = (decodeToJson('traces', js.encodeTraces(req)) as any).resourceSpans[0].scopeSpans[1].spans[1];
    expect(span.startTimeUnixNano).toBe('18446744073709551615');
    span.attributes.forEach((a: any, k: number) => {
      expect(a.value.intValue, String(values[k])).toBe(String(BigInt(values[k])));
    });
  });
});
