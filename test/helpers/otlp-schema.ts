// The independent judges of our bytes: @bufbuild/protobuf over the checked-in descriptor set
// (proto/otlp.binpb, built from the official .proto files) and protoc itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFileRegistry, fromBinary, fromJson, toBinary, toJson, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

export const DESCRIPTOR_SET = fileURLToPath(new URL('../../proto/otlp.binpb', import.meta.url));
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET)));

export type Signal = 'traces' | 'metrics' | 'logs';
export const REQUEST_TYPE: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
};

export function messageDesc(signal: Signal): DescMessage {
  const desc = registry.getMessage(REQUEST_TYPE[signal]);
  if (!desc) throw new Error(`no ${REQUEST_TYPE[signal]} in the descriptor set`);
  return desc;
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
/**
 * OTLP/JSON differs from proto3 JSON in one way that matters here: ids are hex, not base64.
 * @bufbuild refuses lone surrogates, so they are replaced by U+FFFD first, as TextEncoder does.
 */
export function toProto3Json(v: unknown): unknown {
  if (typeof v === 'string') return v.toWellFormed();
  if (Array.isArray(v)) return v.map(toProto3Json);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [
      k, ID_KEYS.has(k) && typeof x === 'string' ? Buffer.from(x, 'hex').toString('base64') : toProto3Json(x),
    ]));
  }
  return v;
}

/** Our bytes decoded by @bufbuild/protobuf, as proto3 JSON. */
export function decodeToJson(signal: Signal, bytes: Uint8Array): unknown {
  const desc = messageDesc(signal);
  return toJson(desc, fromBinary(desc, bytes));
}

/** The request as @bufbuild/protobuf reads and re-encodes it: the reference bytes. */
export function referenceBytes(signal: Signal, otlpJson: unknown): Uint8Array {
  const desc = messageDesc(signal);
  // deno-lint-ignore no-explicit-any
  return toBinary(desc, fromJson(desc, toProto3Json(otlpJson) as any));
}

/** protoc --decode with the official schema: text format, fields in number order. Throws on bad bytes. */
export function protocDecode(signal: Signal, bytes: Uint8Array): string {
  return execFileSync('protoc', [`--decode=${REQUEST_TYPE[signal]}`, `--descriptor_set_in=${DESCRIPTOR_SET}`], {
    input: bytes,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}
