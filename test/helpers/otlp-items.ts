// Decoded OTLP requests (proto3 JSON, as otlp-schema.ts's decodeToJson gives them) as flat
// lists of spans, log records and metrics, each with its scope and its ids in hex: what the
// API tests compare, in node and in the browser specs.
import { decodeToJson, type Signal } from './otlp-schema.js';

// deno-lint-ignore no-explicit-any
type Json = any;
const hex = (b64?: string): string => (b64 ? Buffer.from(b64, 'base64').toString('hex') : '');

export interface Items { spans: Json[]; logs: Json[]; metrics: Json[] }

/** Every item of these requests, in order. */
export function itemsOf(requests: { signal: Signal; body: Uint8Array }[]): Items {
  const out: Items = { spans: [], logs: [], metrics: [] };
  for (const { signal, body } of requests) {
    const j = decodeToJson(signal, body) as Json;
    for (const r of j.resourceSpans ?? []) {
      for (const sc of r.scopeSpans ?? []) {
        for (const x of sc.spans) {
          out.spans.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), parentSpanId: hex(x.parentSpanId), scope: sc.scope });
        }
      }
    }
    for (const r of j.resourceLogs ?? []) {
      for (const sc of r.scopeLogs ?? []) {
        for (const x of sc.logRecords) out.logs.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), scope: sc.scope });
      }
    }
    for (const r of j.resourceMetrics ?? []) {
      for (const sc of r.scopeMetrics ?? []) for (const x of sc.metrics) out.metrics.push({ ...x, scope: sc.scope });
    }
  }
  return out;
}

/** An attribute's value from OTLP/JSON's key-value list. */
export const attr = (item: Json, key: string): unknown => {
  const v = item?.attributes?.find((a: Json) => a.key === key)?.value;
  return v && (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
};
