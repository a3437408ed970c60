// Plume started with init() in node (no page: the instrumentations find nothing to patch), its
// requests captured by a transport function and decoded by @bufbuild/protobuf over the
// official protos: what a collector would receive, read by a decoder that is not ours.
import { decodeToJson, type Signal } from '../helpers/otlp-schema.js';

// deno-lint-ignore no-explicit-any
type Json = any;
export const hex = (b64: string | undefined): string => (b64 ? Buffer.from(b64, 'base64').toString('hex') : '');

export interface Delivered {
  spans: Json[];
  logs: Json[];
  metrics: Json[];
}

/** init()'s config for node: captured requests, no instrumentation. */
export function capture(extra: Record<string, unknown> = {}) {
  const sent: { signal: Signal; json: Json }[] = [];
  const config = {
    endpoint: 'https://collector.example', serviceName: 'api-test', encoder: 'js',
    transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, json: decodeToJson(signal, body) }); },
    instrumentations: { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false },
    ...extra,
  };
  /** Every span, log record and metric delivered so far, each with its scope ({ name, version }). */
  const delivered = (): Delivered => {
    const out: Delivered = { spans: [], logs: [], metrics: [] };
    for (const s of sent) {
      const key = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' }[s.signal];
      for (const r of s.json[key] ?? []) {
        for (const sc of r.scopeSpans ?? []) for (const x of sc.spans) out.spans.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), parentSpanId: hex(x.parentSpanId), scope: sc.scope });
        for (const sc of r.scopeLogs ?? []) for (const x of sc.logRecords) out.logs.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), scope: sc.scope });
        for (const sc of r.scopeMetrics ?? []) for (const x of sc.metrics) out.metrics.push({ ...x, scope: sc.scope });
      }
    }
    return out;
  };
  return { config, sent, delivered };
}

/** An attribute's value from OTLP/JSON's key-value list. */
export const attr = (item: Json, key: string): unknown => {
  const v = item.attributes?.find((a: Json) => a.key === key)?.value;
  return v && (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
};
