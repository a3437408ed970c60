// A recording OTLP/HTTP collector on the page's own origin (handlers for startStaticServer):
// it keeps the raw requests, and delivered() decodes them with @bufbuild/protobuf over the
// official protos, each item with its scope and hex ids. No CORS, no store: what the page sent.
import type { Handler } from '../helpers/static-server.js';
import { decodeToJson, type Signal } from '../helpers/otlp-schema.js';

// deno-lint-ignore no-explicit-any
type Json = any;
const hex = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString('hex') : '');

/** An attribute's value from OTLP/JSON's key-value list. */
export const attr = (item: Json, key: string): unknown => {
  const v = item?.attributes?.find((a: Json) => a.key === key)?.value;
  return v && (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
};

export function recordingCollector(base = '/otlp') {
  let bodies: { signal: Signal; body: Buffer }[] = [];
  const otlp = (signal: Signal): Handler => (_req, res, body) => {
    bodies.push({ signal, body });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  };
  const handlers: Record<string, Handler> = {
    [`${base}/v1/traces`]: otlp('traces'), [`${base}/v1/metrics`]: otlp('metrics'), [`${base}/v1/logs`]: otlp('logs'),
  };
  /** Every span, log record and metric received so far. */
  const delivered = () => {
    const out = { spans: [] as Json[], logs: [] as Json[], metrics: [] as Json[] };
    for (const { signal, body } of bodies) {
      const j = decodeToJson(signal, body) as Json;
      for (const r of j.resourceSpans ?? []) for (const sc of r.scopeSpans) for (const x of sc.spans) out.spans.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), parentSpanId: hex(x.parentSpanId), scope: sc.scope });
      for (const r of j.resourceLogs ?? []) for (const sc of r.scopeLogs) for (const x of sc.logRecords) out.logs.push({ ...x, traceId: hex(x.traceId), spanId: hex(x.spanId), scope: sc.scope });
      for (const r of j.resourceMetrics ?? []) for (const sc of r.scopeMetrics) for (const x of sc.metrics) out.metrics.push({ ...x, scope: sc.scope });
    }
    return out;
  };
  return { handlers, delivered, reset: () => { bodies = []; } };
}
