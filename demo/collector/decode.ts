// Request bodies → @bufbuild messages → flat rows, with the per-item checks that decide what
// partial_success reports. Every failure here is the client's fault and becomes a 400.
import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import {
  REQUEST,
  type PbAnyValue, type PbExemplar, type PbKeyValue, type PbLogsRequest, type PbMetricsRequest,
  type PbResource, type PbScope, type PbTracesRequest, type Signal,
} from './schema.js';
import type { Attributes, Exemplar, JsValue, LogRow, MetricRow, SpanRow } from './types.js';

export class DecodeError extends Error {}

export type BodyEncoding = 'protobuf' | 'json';

/**
 * What to do with a trace or span id of the wrong length. The OpenTelemetry Collector's
 * pdata refuses the whole request (400 "invalid length for TraceID"); 'item' rejects only
 * that span / point / record and reports it in partial_success, which keeps the rest.
 */
export type InvalidIdPolicy = 'item' | 'request';

export function decodeRequest(signal: Signal, encoding: BodyEncoding, body: Uint8Array): unknown {
  const desc = REQUEST[signal];
  if (encoding === 'protobuf') {
    try {
      return fromBinary(desc, body);
    } catch (err) {
      throw new DecodeError(`invalid protobuf ${desc.name}: ${messageOf(err)}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(quoteLargeIntegers(new TextDecoder().decode(body)));
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${messageOf(err)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DecodeError(`invalid JSON ${desc.name}: expected an object`);
  }
  hexIdsToBase64(json);
  try {
    return fromJson(desc, json as JsonValue, { ignoreUnknownFields: true });
  } catch (err) {
    throw new DecodeError(`invalid JSON ${desc.name}: ${messageOf(err)}`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * JSON.parse turns 1764614400123456789 into 1764614400123456800. OTLP/JSON allows int64 as
 * a bare number, so integer literals too long to be exact in a double are quoted before
 * parsing; proto3 JSON accepts quoted numbers for every integer and floating-point field.
 */
export function quoteLargeIntegers(text: string): string {
  if (!/\d{16}/.test(text)) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      i++;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = c === 0x2d ? i + 1 : i;
      const digits = j;
      while (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const next = text.charCodeAt(j);
      const integer = next !== 0x2e && next !== 0x65 && next !== 0x45;
      if (integer && j - digits > 15) {
        out += `${text.slice(copied, i)}"${text.slice(i, j)}"`;
        copied = j;
      }
      while (j < n && /[0-9.eE+-]/.test(text[j])) j++;
      i = j;
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id', 'parent_span_id']);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * OTLP/JSON's one departure from proto3 JSON: ids are hex, not base64. Only these keys are
 * rewritten; attribute keys are values (`{"key": ...}`), never object keys, so user data
 * cannot collide with them. Iterative, because hostile nesting must not overflow the stack.
 */
function hexIdsToBase64(root: object): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) if (item && typeof item === 'object') stack.push(item);
    } else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        const value = obj[key];
        if (ID_KEYS.has(key) && typeof value === 'string') {
          if (!HEX.test(value)) throw new DecodeError(`invalid JSON: ${key} "${value.slice(0, 40)}" is not a hex string`);
          obj[key] = Buffer.from(value, 'hex').toString('base64');
        } else if (value && typeof value === 'object') {
          stack.push(value);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Conversions shared by the three signals.

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** int64 as a number when exact, else as a decimal string: no silent precision loss. */
export function int64(v: bigint): number | string {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function double(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function anyValue(v: PbAnyValue | undefined): JsValue {
  const value = v?.value;
  switch (value?.case) {
    case 'stringValue': return value.value;
    case 'boolValue': return value.value;
    case 'intValue': return int64(value.value);
    case 'doubleValue': return double(value.value);
    case 'bytesValue': return Buffer.from(value.value).toString('base64');
    case 'arrayValue': return value.value.values.map(anyValue);
    case 'kvlistValue': return attributes(value.value.values);
    // A profiles-dictionary reference; meaningless without the dictionary, so kept as the index.
    case 'stringValueStrindex': return value.value;
    default: return null;
  }
}

export function attributes(kvs: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  if (!kvs) return out;
  for (const kv of kvs) out[kv.key] = anyValue(kv.value);
  return out;
}

function serviceOf(resource: Attributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}

function allZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/** Checks an id; returns why it is unusable, or '' when it is fine. */
function idProblem(field: string, bytes: Uint8Array, size: number, required: boolean, policy: InvalidIdPolicy): string {
  if (bytes.length === 0) return required ? `${field} is empty` : '';
  if (bytes.length !== size) {
    const problem = `${field} is ${bytes.length} bytes, must be ${size}`;
    if (policy === 'request') throw new DecodeError(`invalid length for ${field}: ${problem}`);
    return problem;
  }
  if (required && allZero(bytes)) return `${field} is all zeros`;
  return '';
}

export interface Flattened<Row> {
  rows: Row[];
  rejected: number;
  /** The first few reasons, for partial_success.error_message. */
  reasons: string[];
}

const MAX_REASONS = 5;

function collector<Row>(): Flattened<Row> & { reject(where: string, why: string): void } {
  const result = {
    rows: [] as Row[],
    rejected: 0,
    reasons: [] as string[],
    reject(where: string, why: string) {
      result.rejected++;
      if (result.reasons.length < MAX_REASONS) result.reasons.push(`${where}: ${why}`);
    },
  };
  return result;
}

function scopeOf(scope: PbScope | undefined): { name: string; version: string } {
  return { name: scope?.name ?? '', version: scope?.version ?? '' };
}

function resourceOf(resource: PbResource | undefined): { attrs: Attributes; service: string } {
  const attrs = attributes(resource?.attributes);
  return { attrs, service: serviceOf(attrs) };
}

// ---------------------------------------------------------------------------------------

export function flattenTraces(message: unknown, policy: InvalidIdPolicy): Flattened<SpanRow> {
  const req = message as PbTracesRequest;
  const out = collector<SpanRow>();
  req.resourceSpans.forEach((rs, ri) => {
    const resource = resourceOf(rs.resource);
    rs.scopeSpans.forEach((ss, si) => {
      const scope = scopeOf(ss.scope);
      ss.spans.forEach((span, i) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
        const problem =
          idProblem('trace_id', span.traceId, 16, true, policy) ||
          idProblem('span_id', span.spanId, 8, true, policy) ||
          idProblem('parent_span_id', span.parentSpanId, 8, false, policy) ||
          span.links.map((l, li) =>
            idProblem(`links[${li}].trace_id`, l.traceId, 16, true, policy) ||
            idProblem(`links[${li}].span_id`, l.spanId, 8, true, policy)).find(Boolean) || '';
        if (problem) return out.reject(where, problem);
        out.rows.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name,
          kind: span.kind,
          startTimeUnixNano: span.startTimeUnixNano.toString(),
          endTimeUnixNano: span.endTimeUnixNano.toString(),
          durationMs: Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
          statusCode: span.status?.code ?? 0,
          statusMessage: span.status?.message ?? '',
          service: resource.service,
          scope: scope.name,
          scopeVersion: scope.version,
          attributes: attributes(span.attributes),
          resource: resource.attrs,
          events: span.events.map((e) => ({
            name: e.name, timeUnixNano: e.timeUnixNano.toString(), attributes: attributes(e.attributes),
          })),
          links: span.links.map((l) => ({
            traceId: hex(l.traceId), spanId: hex(l.spanId), traceState: l.traceState,
            attributes: attributes(l.attributes), flags: l.flags,
          })),
          flags: span.flags,
          traceState: span.traceState,
        });
      });
    });
  });
  return out;
}

function exemplars(list: PbExemplar[], policy: InvalidIdPolicy): { rows: Exemplar[]; problem: string } {
  const rows: Exemplar[] = [];
  for (const [i, e] of list.entries()) {
    const problem =
      idProblem(`exemplars[${i}].trace_id`, e.traceId, 16, false, policy) ||
      idProblem(`exemplars[${i}].span_id`, e.spanId, 8, false, policy);
    if (problem) return { rows, problem };
    rows.push({
      timeUnixNano: e.timeUnixNano.toString(),
      value: e.value.case === 'asInt' ? int64(e.value.value) : e.value.case === 'asDouble' ? double(e.value.value) : null,
      traceId: hex(e.traceId),
      spanId: hex(e.spanId),
      filteredAttributes: attributes(e.filteredAttributes),
    });
  }
  return { rows, problem: '' };
}

const optionalDouble = (v: number | undefined): number | null => (v === undefined ? null : v);

export function flattenMetrics(message: unknown, policy: InvalidIdPolicy): Flattened<MetricRow> {
  const req = message as PbMetricsRequest;
  const out = collector<MetricRow>();
  req.resourceMetrics.forEach((rm, ri) => {
    const resource = resourceOf(rm.resource);
    rm.scopeMetrics.forEach((sm, si) => {
      const scope = scopeOf(sm.scope);
      sm.metrics.forEach((metric, mi) => {
        const data = metric.data;
        if (!data.case) return;
        const temporality = data.case === 'gauge' || data.case === 'summary' ? 0 : data.value.aggregationTemporality;
        const isMonotonic = data.case === 'sum' ? data.value.isMonotonic : false;
        const points = data.value.dataPoints as Array<{
          attributes: PbKeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number; exemplars?: PbExemplar[];
        }>;
        points.forEach((p, pi) => {
          const where = `resourceMetrics[${ri}].scopeMetrics[${si}].metrics[${mi}](${metric.name}).dataPoints[${pi}]`;
          const ex = exemplars(p.exemplars ?? [], policy);
          if (ex.problem) return out.reject(where, ex.problem);
          const row: MetricRow = {
            name: metric.name,
            unit: metric.unit,
            description: metric.description,
            type: data.case,
            temporality,
            isMonotonic,
            attributes: attributes(p.attributes),
            resource: resource.attrs,
            service: resource.service,
            scope: scope.name,
            startTimeUnixNano: p.startTimeUnixNano.toString(),
            timeUnixNano: p.timeUnixNano.toString(),
            flags: p.flags,
            exemplars: ex.rows,
          };
          switch (data.case) {
            case 'gauge':
            case 'sum': {
              const v = data.value.dataPoints[pi].value;
              row.value = v.case === 'asInt' ? int64(v.value) : v.case === 'asDouble' ? double(v.value) : null;
              break;
            }
            case 'histogram': {
              const h = data.value.dataPoints[pi];
              Object.assign(row, {
                count: int64(h.count), sum: optionalDouble(h.sum), min: optionalDouble(h.min), max: optionalDouble(h.max),
                bucketCounts: h.bucketCounts.map(int64), explicitBounds: [...h.explicitBounds],
              });
              break;
            }
            case 'exponentialHistogram': {
              const h = data.value.dataPoints[pi];
              const buckets = (b: { offset: number; bucketCounts: bigint[] } | undefined) =>
                ({ offset: b?.offset ?? 0, bucketCounts: (b?.bucketCounts ?? []).map(int64) });
              Object.assign(row, {
                count: int64(h.count), sum: optionalDouble(h.sum), min: optionalDouble(h.min), max: optionalDouble(h.max),
                scale: h.scale, zeroCount: int64(h.zeroCount), zeroThreshold: h.zeroThreshold,
                positive: buckets(h.positive), negative: buckets(h.negative),
              });
              break;
            }
            case 'summary': {
              const s = data.value.dataPoints[pi];
              Object.assign(row, {
                count: int64(s.count), sum: s.sum,
                quantileValues: s.quantileValues.map((q) => ({ quantile: q.quantile, value: q.value })),
              });
              break;
            }
          }
          out.rows.push(row);
        });
      });
    });
  });
  return out;
}

export function flattenLogs(message: unknown, policy: InvalidIdPolicy): Flattened<LogRow> {
  const req = message as PbLogsRequest;
  const out = collector<LogRow>();
  req.resourceLogs.forEach((rl, ri) => {
    const resource = resourceOf(rl.resource);
    rl.scopeLogs.forEach((sl, si) => {
      const scope = scopeOf(sl.scope);
      sl.logRecords.forEach((log, i) => {
        const problem =
          idProblem('trace_id', log.traceId, 16, false, policy) ||
          idProblem('span_id', log.spanId, 8, false, policy);
        if (problem) return out.reject(`resourceLogs[${ri}].scopeLogs[${si}].logRecords[${i}]`, problem);
        out.rows.push({
          timeUnixNano: log.timeUnixNano.toString(),
          observedTimeUnixNano: log.observedTimeUnixNano.toString(),
          severityNumber: log.severityNumber,
          severityText: log.severityText,
          body: anyValue(log.body),
          attributes: attributes(log.attributes),
          traceId: hex(log.traceId),
          spanId: hex(log.spanId),
          flags: log.flags,
          eventName: log.eventName,
          service: resource.service,
          scope: scope.name,
          resource: resource.attrs,
        });
      });
    });
  });
  return out;
}
