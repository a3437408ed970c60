// The OTLP schema the collector decodes with: the checked-in descriptor set built from the
// official .proto files. Deliberately independent of src/ — the collector judges the SDK's
// bytes, so it must not share a single line of encoding logic with it.
import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

const DESCRIPTOR_SET = new URL('../../proto/otlp.binpb', import.meta.url);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET)));

function message(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new Error(`${typeName} is missing from proto/otlp.binpb`);
  return desc;
}

const SERVICE_PACKAGE: Record<Signal, [string, string]> = {
  traces: ['opentelemetry.proto.collector.trace.v1', 'Trace'],
  metrics: ['opentelemetry.proto.collector.metrics.v1', 'Metrics'],
  logs: ['opentelemetry.proto.collector.logs.v1', 'Logs'],
};

export const REQUEST: Record<Signal, DescMessage> = {} as Record<Signal, DescMessage>;
export const RESPONSE: Record<Signal, DescMessage> = {} as Record<Signal, DescMessage>;
export const PARTIAL_SUCCESS: Record<Signal, DescMessage> = {} as Record<Signal, DescMessage>;
for (const signal of SIGNALS) {
  const [pkg, name] = SERVICE_PACKAGE[signal];
  REQUEST[signal] = message(`${pkg}.Export${name}ServiceRequest`);
  RESPONSE[signal] = message(`${pkg}.Export${name}ServiceResponse`);
  PARTIAL_SUCCESS[signal] = message(`${pkg}.Export${name}PartialSuccess`);
}

/** The field of Export*PartialSuccess that counts rejected items, per signal. */
export const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

// The shapes @bufbuild/protobuf produces for the OTLP messages, as far as the collector reads
// them. Registry-built descriptors give untyped messages; these interfaces keep the
// flattening code honest without generated code.
export interface PbAnyValue {
  value:
    | { case: 'stringValue'; value: string }
    | { case: 'boolValue'; value: boolean }
    | { case: 'intValue'; value: bigint }
    | { case: 'doubleValue'; value: number }
    | { case: 'arrayValue'; value: { values: PbAnyValue[] } }
    | { case: 'kvlistValue'; value: { values: PbKeyValue[] } }
    | { case: 'bytesValue'; value: Uint8Array }
    | { case: 'stringValueStrindex'; value: number }
    | { case: undefined; value?: undefined };
}
export interface PbKeyValue { key: string; value?: PbAnyValue }
export interface PbResource { attributes: PbKeyValue[] }
export interface PbScope { name: string; version: string; attributes: PbKeyValue[] }

export interface PbSpan {
  traceId: Uint8Array; spanId: Uint8Array; parentSpanId: Uint8Array; traceState: string; flags: number;
  name: string; kind: number; startTimeUnixNano: bigint; endTimeUnixNano: bigint;
  attributes: PbKeyValue[];
  events: { timeUnixNano: bigint; name: string; attributes: PbKeyValue[] }[];
  links: { traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PbKeyValue[]; flags: number }[];
  status?: { code: number; message: string };
}
export interface PbTracesRequest {
  resourceSpans: { resource?: PbResource; scopeSpans: { scope?: PbScope; spans: PbSpan[] }[] }[];
}

export interface PbExemplar {
  filteredAttributes: PbKeyValue[]; timeUnixNano: bigint; spanId: Uint8Array; traceId: Uint8Array;
  value: { case: 'asDouble'; value: number } | { case: 'asInt'; value: bigint } | { case: undefined; value?: undefined };
}
interface PbPointBase { attributes: PbKeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number }
export interface PbNumberPoint extends PbPointBase {
  value: { case: 'asDouble'; value: number } | { case: 'asInt'; value: bigint } | { case: undefined; value?: undefined };
  exemplars: PbExemplar[];
}
export interface PbHistogramPoint extends PbPointBase {
  count: bigint; sum?: number; min?: number; max?: number; bucketCounts: bigint[]; explicitBounds: number[];
  exemplars: PbExemplar[];
}
export interface PbExpBuckets { offset: number; bucketCounts: bigint[] }
export interface PbExpHistogramPoint extends PbPointBase {
  count: bigint; sum?: number; min?: number; max?: number; scale: number; zeroCount: bigint; zeroThreshold: number;
  positive?: PbExpBuckets; negative?: PbExpBuckets; exemplars: PbExemplar[];
}
export interface PbSummaryPoint extends PbPointBase {
  count: bigint; sum: number; quantileValues: { quantile: number; value: number }[];
}
export interface PbMetric {
  name: string; description: string; unit: string;
  data:
    | { case: 'gauge'; value: { dataPoints: PbNumberPoint[] } }
    | { case: 'sum'; value: { dataPoints: PbNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean } }
    | { case: 'histogram'; value: { dataPoints: PbHistogramPoint[]; aggregationTemporality: number } }
    | { case: 'exponentialHistogram'; value: { dataPoints: PbExpHistogramPoint[]; aggregationTemporality: number } }
    | { case: 'summary'; value: { dataPoints: PbSummaryPoint[] } }
    | { case: undefined; value?: undefined };
}
export interface PbMetricsRequest {
  resourceMetrics: { resource?: PbResource; scopeMetrics: { scope?: PbScope; metrics: PbMetric[] }[] }[];
}

export interface PbLogRecord {
  timeUnixNano: bigint; observedTimeUnixNano: bigint; severityNumber: number; severityText: string;
  body?: PbAnyValue; attributes: PbKeyValue[]; flags: number; traceId: Uint8Array; spanId: Uint8Array; eventName: string;
}
export interface PbLogsRequest {
  resourceLogs: { resource?: PbResource; scopeLogs: { scope?: PbScope; logRecords: PbLogRecord[] }[] }[];
}
