// Request bodies for the collector tests, built with @bufbuild/protobuf from the official
// schema (proto/otlp.binpb) — independently of src/ and of the collector's own decoder.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(new URL('../../proto/otlp.binpb', import.meta.url))),
);
const desc = (name: string): DescMessage => {
  const d = registry.getMessage(name);
  if (!d) throw new Error(`no ${name}`);
  return d;
};

export type Signal = 'traces' | 'metrics' | 'logs';
const NAMES: Record<Signal, [string, string]> = {
  traces: ['opentelemetry.proto.collector.trace.v1', 'Trace'],
  metrics: ['opentelemetry.proto.collector.metrics.v1', 'Metrics'],
  logs: ['opentelemetry.proto.collector.logs.v1', 'Logs'],
};
export const REQUEST = Object.fromEntries(Object.entries(NAMES).map(([s, [p, n]]) => [s, desc(`${p}.Export${n}ServiceRequest`)])) as Record<Signal, DescMessage>;
export const RESPONSE = Object.fromEntries(Object.entries(NAMES).map(([s, [p, n]]) => [s, desc(`${p}.Export${n}ServiceResponse`)])) as Record<Signal, DescMessage>;

export const traceId = (): string => randomBytes(16).toString('hex');
export const spanId = (): string => randomBytes(8).toString('hex');
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/** Marks a JS number as an OTLP intValue (plain numbers become doubleValue). */
export class Int { constructor(readonly value: bigint) {} }
export const int = (v: number | bigint | string): Int => new Int(BigInt(v));

type AnyInit = Record<string, unknown>;
/** A JS value as an AnyValue init: string, boolean, Int, number (double), Uint8Array, array, object (kvlist), null. */
export function anyValue(v: unknown): AnyInit {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { value: { case: 'stringValue', value: v } };
  if (typeof v === 'boolean') return { value: { case: 'boolValue', value: v } };
  if (v instanceof Int) return { value: { case: 'intValue', value: v.value } };
  if (typeof v === 'bigint') return { value: { case: 'intValue', value: v } };
  if (typeof v === 'number') return { value: { case: 'doubleValue', value: v } };
  if (v instanceof Uint8Array) return { value: { case: 'bytesValue', value: v } };
  if (Array.isArray(v)) return { value: { case: 'arrayValue', value: { values: v.map(anyValue) } } };
  return { value: { case: 'kvlistValue', value: { values: attributes(v as Record<string, unknown>) } } };
}

export function attributes(obj: Record<string, unknown> = {}): AnyInit[] {
  return Object.entries(obj).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface SpanInit {
  traceId?: string;
  spanId?: string;
  /** Raw ids, to send lengths the hex helpers would not. */
  traceIdBytes?: Uint8Array;
  spanIdBytes?: Uint8Array;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  start?: bigint;
  end?: bigint;
  attributes?: Record<string, unknown>;
  events?: { name: string; time?: bigint; attributes?: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string; attributes?: Record<string, unknown> }[];
  status?: { code: number; message?: string };
  traceState?: string;
  flags?: number;
}

export const T0 = 1_764_614_400_123_456_789n;

export function spanInit(s: SpanInit): AnyInit {
  const start = s.start ?? T0;
  return {
    traceId: s.traceIdBytes ?? bytes(s.traceId ?? traceId()),
    spanId: s.spanIdBytes ?? bytes(s.spanId ?? spanId()),
    parentSpanId: s.parentSpanId ? bytes(s.parentSpanId) : new Uint8Array(),
    name: s.name ?? 'span',
    kind: s.kind ?? 1,
    startTimeUnixNano: start,
    endTimeUnixNano: s.end ?? start + 1_000_000n,
    attributes: attributes(s.attributes),
    events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: e.time ?? start, attributes: attributes(e.attributes) })),
    links: (s.links ?? []).map((l) => ({ traceId: bytes(l.traceId), spanId: bytes(l.spanId), attributes: attributes(l.attributes) })),
    status: s.status ? { code: s.status.code, message: s.status.message ?? '' } : undefined,
    traceState: s.traceState ?? '',
    flags: s.flags ?? 0,
  };
}

export interface ResourceInit { service?: string; attributes?: Record<string, unknown>; scope?: string }

function resource(r: ResourceInit): AnyInit {
  return { attributes: attributes({ ...(r.service ? { 'service.name': r.service } : {}), ...r.attributes }) };
}

export function tracesBody(groups: (ResourceInit & { spans: SpanInit[] })[]): Uint8Array {
  return toBinary(REQUEST.traces, create(REQUEST.traces, {
    resourceSpans: groups.map((g) => ({
      resource: resource(g),
      scopeSpans: [{ scope: { name: g.scope ?? 'test-scope', version: '1.0.0' }, spans: g.spans.map(spanInit) }],
    })),
  } as MessageInitShape<DescMessage>));
}

/** Metrics as init objects of the Metric message (name, unit, data: { case, value }). */
export function metricsBody(groups: (ResourceInit & { metrics: AnyInit[] })[]): Uint8Array {
  return toBinary(REQUEST.metrics, create(REQUEST.metrics, {
    resourceMetrics: groups.map((g) => ({
      resource: resource(g),
      scopeMetrics: [{ scope: { name: g.scope ?? 'test-scope' }, metrics: g.metrics }],
    })),
  } as MessageInitShape<DescMessage>));
}

export interface HistogramPointInit {
  attributes?: Record<string, unknown>;
  bounds: number[];
  counts: number[];
  sum?: number;
  min?: number;
  max?: number;
  time?: bigint;
  start?: bigint;
}

export function histogram(name: string, unit: string, points: HistogramPointInit[], temporality = 1): AnyInit {
  return {
    name, unit, description: `${name} for tests`,
    data: {
      case: 'histogram',
      value: {
        aggregationTemporality: temporality,
        dataPoints: points.map((p) => ({
          attributes: attributes(p.attributes),
          startTimeUnixNano: p.start ?? T0,
          timeUnixNano: p.time ?? T0 + 1_000_000_000n,
          count: BigInt(p.counts.reduce((a, b) => a + b, 0)),
          sum: p.sum, min: p.min, max: p.max,
          bucketCounts: p.counts.map(BigInt),
          explicitBounds: p.bounds,
        })),
      },
    },
  };
}

export interface LogInit {
  time?: bigint;
  severityNumber?: number;
  severityText?: string;
  body?: unknown;
  attributes?: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  traceIdBytes?: Uint8Array;
  eventName?: string;
}

export function logsBody(groups: (ResourceInit & { logs: LogInit[] })[]): Uint8Array {
  return toBinary(REQUEST.logs, create(REQUEST.logs, {
    resourceLogs: groups.map((g) => ({
      resource: resource(g),
      scopeLogs: [{
        scope: { name: g.scope ?? 'test-scope' },
        logRecords: g.logs.map((l) => ({
          timeUnixNano: l.time ?? T0,
          observedTimeUnixNano: (l.time ?? T0) + 5n,
          severityNumber: l.severityNumber ?? 9,
          severityText: l.severityText ?? 'INFO',
          body: l.body === undefined ? undefined : anyValue(l.body),
          attributes: attributes(l.attributes),
          traceId: l.traceIdBytes ?? (l.traceId ? bytes(l.traceId) : new Uint8Array()),
          spanId: l.spanId ? bytes(l.spanId) : new Uint8Array(),
          eventName: l.eventName ?? '',
        })),
      }],
    })),
  } as MessageInitShape<DescMessage>));
}

export interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** A raw HTTP exchange, for headers fetch would add, hide or refuse (Origin, preflights). */
export function rawRequest(url: string, init: { method?: string; path?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(init.path ?? '/', url);
    const req = httpRequest(target, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function post(url: string, signal: Signal, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': typeof body === 'string' ? 'application/json' : 'application/x-protobuf', ...headers },
    body: body as BodyInit,
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

export function decodeResponse(signal: Signal, body: Uint8Array) {
  return fromBinary(RESPONSE[signal], body) as unknown as {
    partialSuccess?: { rejectedSpans?: bigint; rejectedDataPoints?: bigint; rejectedLogRecords?: bigint; errorMessage: string };
  };
}

/** google.rpc.Status is not in the OTLP descriptor set; two fields, read by hand. */
export function decodeStatus(body: Uint8Array): { code: number; message: string } {
  let code = 0;
  let message = '';
  let i = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = body[i++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return v;
    }
  };
  while (i < body.length) {
    const tag = varint();
    if (tag === 0x08) code = varint();
    else if (tag === 0x12) {
      const n = varint();
      message = Buffer.from(body.subarray(i, i + n)).toString();
      i += n;
    } else throw new Error(`unexpected tag ${tag} in Status`);
  }
  return { code, message };
}
