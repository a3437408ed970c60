// The relay's protobuf walker accepts every well-formed OTLP message shape (reference
// encoder: @bufbuild/protobuf) — a false refusal would be a lost browser export.
import { describe, expect, it } from 'vitest';
import { checkOtlpProtobuf } from '../../../src/edge/otlp-walk.js';
import { referenceBytes } from '../../helpers/otlp-schema.js';

const kv = (key: string, value: unknown) => ({ key, value });
const anyAll = [
  kv('s', { stringValue: 'é€😀' }), kv('b', { boolValue: true }), kv('i', { intValue: '-5' }), kv('d', { doubleValue: 1.5 }),
  kv('a', { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }, {}] } }),
  kv('k', { kvlistValue: { values: [kv('n', { bytesValue: 'AAEC' })] } }), kv('e', {}),
];
const resource = { attributes: anyAll, droppedAttributesCount: 1 };
const scope = { name: 'n', version: 'v', attributes: anyAll, droppedAttributesCount: 2 };
const T = 'ab'.repeat(16), S = 'cd'.repeat(8);

describe('otlp walker: valid messages', () => {
  it('traces with everything', () => {
    const body = referenceBytes('traces', { resourceSpans: [{ resource, schemaUrl: 'u', scopeSpans: [{ scope, schemaUrl: 'u', spans: [{
      traceId: T, spanId: S, parentSpanId: S, traceState: 'a=b', name: 'x', kind: 2, flags: 257,
      startTimeUnixNano: '1', endTimeUnixNano: '18446744073709551615', attributes: anyAll, droppedAttributesCount: 3,
      events: [{ timeUnixNano: '5', name: 'exception', attributes: anyAll, droppedAttributesCount: 1 }], droppedEventsCount: 4,
      links: [{ traceId: T, spanId: S, traceState: 'x=y', attributes: anyAll, droppedAttributesCount: 1, flags: 256 }], droppedLinksCount: 5,
      status: { code: 2, message: 'bad' },
    }] }] }] });
    expect(checkOtlpProtobuf('traces', body)).toBeUndefined();
  });

  it('metrics of every kind', () => {
    const ex = { filteredAttributes: anyAll, timeUnixNano: '1', asDouble: 2.5, spanId: S, traceId: T };
    const exInt = { timeUnixNano: '1', asInt: '-7' };
    const body = referenceBytes('metrics', { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [
      { name: 'g', description: 'd', unit: 'ms', metadata: anyAll, gauge: { dataPoints: [{ attributes: anyAll, startTimeUnixNano: '1', timeUnixNano: '2', asDouble: 1.5, exemplars: [ex, exInt], flags: 1 }, { asInt: '-3' }] } },
      { name: 's', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: '9' }] } },
      { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ attributes: anyAll, startTimeUnixNano: '1', timeUnixNano: '2', count: '3', sum: 1.5, bucketCounts: ['1', '2', '0'], explicitBounds: [0.5, 1], exemplars: [ex], flags: 1, min: 0.1, max: 9 }] } },
      { name: 'e', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ attributes: anyAll, startTimeUnixNano: '1', timeUnixNano: '2', count: '9', sum: 3, scale: -3, zeroCount: '1', positive: { offset: -2, bucketCounts: ['1', '300'] }, negative: { offset: 5, bucketCounts: ['2'] }, flags: 1, exemplars: [ex], min: -1, max: 5, zeroThreshold: 0.001 }] } },
      { name: 'q', summary: { dataPoints: [{ attributes: anyAll, startTimeUnixNano: '1', timeUnixNano: '2', count: '4', sum: 2, quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 1, value: 3 }], flags: 1 }] } },
    ] }] }] });
    expect(checkOtlpProtobuf('metrics', body)).toBeUndefined();
  });

  it('logs with everything', () => {
    const body = referenceBytes('logs', { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords: [{
      timeUnixNano: '1', observedTimeUnixNano: '2', severityNumber: 17, severityText: 'ERROR', body: { kvlistValue: { values: anyAll } },
      attributes: anyAll, droppedAttributesCount: 1, flags: 1, traceId: T, spanId: S, eventName: 'ev',
    }] }] }] });
    expect(checkOtlpProtobuf('logs', body)).toBeUndefined();
  });
});
