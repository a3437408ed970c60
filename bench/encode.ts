// npm run bench, part 1 — encoding browser-like span batches, every encoder in one process
// run, each starting from its natural in-memory form:
//   OTel JS (current)  ReadableSpans from @opentelemetry/sdk-trace 3.x -> ProtobufTraceSerializer
//                      of @opentelemetry/otlp-transformer 0.30x (what OTLPTraceExporter runs)
//   history            the same from sdk-trace-base 2.x and otlp-transformer 0.223
//   protobufjs         message objects (reflection with generated codecs, from the same schema);
//                      and from OTLP/JSON objects (fromObject + encode: a JS relay's path)
//   pbf                plain objects, a hand-written writer over Pbf
//   Plume records      the compact records the SDK holds after span end -> wasm / JS twin
//   Plume OTLP/JSON    plume/encoder's encodeTraces(req): OTLP/JSON objects as JSON.parse gives
//                      them (hex ids, nanosecond strings), the form a relay or an edge worker
//                      holds; the records are built inside the timing
// The weight issue's figure is the last against the first: plume/encoder from OTLP/JSON vs
// OTel's current serializer from ReadableSpans (target >= 2x at 512 spans).
// Peers come from bench/node_modules (bench/package.json; `npm run bench` installs them).
import { readFileSync } from 'node:fs';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import * as base2 from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes as resourceFromAttributes2 } from 'otel-resources-2';
import { ProtobufTraceSerializer as ProtobufTraceSerializer0223 } from 'otel-transformer-0223';
import { PbfWriter as Pbf } from 'pbf';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import { createEncoder } from '../src/encoder.js';
import { SIGNAL_TRACES } from '../src/encode/layout.js';
import { tracesRequest } from '../src/encode/otlp-json.js';
import { Records } from '../src/encode/records.js';
import { encodeRecords } from '../src/encode/twin.js';
import { loadWasmEncoder } from '../src/encode/wasm-bridge.js';
import { fmtRatio, median, printRounds, ratio, rounds, type Rounds } from './harness.js';

const T0 = 1764614400000.123;

interface Spec {
  traceId: string; spanId: string; parentSpanId: string; name: string; start: number; end: number;
  attrs: [string, string | number | boolean][]; event: boolean; error: boolean;
}

function specs(n: number): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < n; i++) {
    const path = ['/api/cart', '/api/items', '/api/user', '/static/app.js', '/api/search'][i % 5];
    out.push({
      traceId: (0x0af76519 + (i >> 4)).toString(16).padStart(8, '0') + '16cd43dd8448eb211c80319c',
      spanId: (0x10000000 + i).toString(16) + 'b7ad6b71',
      parentSpanId: i % 16 ? (0x10000000 + (i & ~15)).toString(16) + 'b7ad6b71' : '',
      name: i % 16 ? `GET ${path}` : 'documentLoad',
      start: T0 + i * 3.25, end: T0 + i * 3.25 + 20 + (i % 13),
      attrs: [
        ['http.request.method', 'GET'],
        ['url.full', `https://shop.example.com${path}?page=${i % 9}`],
        ['server.address', 'shop.example.com'],
        ['server.port', 443],
        ['http.response.status_code', i % 23 ? 200 : 503],
        ['session.id', '7f3c2a9b4e1d4c8a9b2e6f1a0c3d5e7b'],
        ['user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'],
        ['http.response.body.size', 1000 + i],
      ],
      event: i % 8 === 0, error: i % 23 === 0,
    });
  }
  return out;
}

const SERVICE = 'shop-web';
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const ns = (ms: number) => String(BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6)));
const anyValue = (v: string | number | boolean) =>
  typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : { intValue: v };

// ---- OTLP/JSON (Plume's encodeTraces input, and the source of the records)
function otlpJson(list: Spec[]) {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] },
      scopeSpans: [{
        scope: { name: 'plume', version: '0.1.0' },
        spans: list.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: 3,
          startTimeUnixNano: ns(s.start), endTimeUnixNano: ns(s.end),
          attributes: s.attrs.map(([key, v]) => ({ key, value: anyValue(v) })),
          events: s.event ? [{ timeUnixNano: ns(s.start + 5), name: 'exception', attributes: [
            { key: 'exception.type', value: { stringValue: 'TypeError' } },
            { key: 'exception.message', value: { stringValue: 'Failed to fetch' } }] }] : [],
          status: { code: s.error ? 2 : 0 },
        })),
      }],
    }],
  };
}

// ---- OTel JS: real ReadableSpans, from the current SDK or (history) the 2.x one
interface Tracing { getTracer(name: string, version: string): { startSpan: typeof otelStart } }
declare function otelStart(name: string, opts: object, ctx: unknown): {
  addEvent(n: string, a: object, t: number): void; setStatus(s: { code: number }): void; end(t: number): void };
function otelSpans(list: Spec[], make: () => { provider: Tracing; finished(): ReadableSpan[] }): ReadableSpan[] {
  const { provider, finished } = make();
  const tracer = provider.getTracer('plume', '0.1.0');
  for (const s of list) {
    const ctx = s.parentSpanId
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(s.name, { kind: SpanKind.CLIENT, startTime: s.start, attributes: Object.fromEntries(s.attrs) }, ctx);
    if (s.event) span.addEvent('exception', { 'exception.type': 'TypeError', 'exception.message': 'Failed to fetch' }, s.start + 5);
    if (s.error) span.setStatus({ code: 2 });
    span.end(s.end);
  }
  return finished();
}
const otelCurrent = () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    spanLimits: { attributeCountLimit: 128 },
  });
  return { provider: provider as unknown as Tracing, finished: () => exporter.getFinishedSpans() };
};
const otelHistory = () => {
  const exporter = new base2.InMemorySpanExporter();
  const provider = new base2.BasicTracerProvider({
    resource: resourceFromAttributes2({ 'service.name': SERVICE }),
    spanProcessors: [new base2.SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 128 },
  });
  return { provider: provider as unknown as Tracing, finished: () => exporter.getFinishedSpans() as unknown as ReadableSpan[] };
};

// ---- protobufjs over the checked-in descriptor set
const root = (protobuf.Root as any).fromDescriptor(readFileSync(new URL('../proto/otlp.binpb', import.meta.url)));
const PbjsRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
function pbjsMessage(list: Spec[]) {
  const long = (ms: number) => protobuf.util.Long.fromString(ns(ms), true);
  return PbjsRequest.fromObject({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] },
      scopeSpans: [{
        scope: { name: 'plume', version: '0.1.0' },
        spans: list.map((s) => ({
          traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : undefined,
          name: s.name, kind: 3, startTimeUnixNano: long(s.start), endTimeUnixNano: long(s.end),
          attributes: s.attrs.map(([key, v]) => ({ key, value: anyValue(v) })),
          events: s.event ? [{ timeUnixNano: long(s.start + 5), name: 'exception', attributes: [
            { key: 'exception.type', value: { stringValue: 'TypeError' } },
            { key: 'exception.message', value: { stringValue: 'Failed to fetch' } }] }] : [],
          status: { code: s.error ? 2 : 0 },
        })),
      }],
    }],
  });
}

// ---- pbf, hand-written (the fastest pure-JS style: no reflection, no intermediate objects)
interface PbfSpan { traceId: Uint8Array; spanId: Uint8Array; parentSpanId?: Uint8Array; name: string; start: number; end: number;
  attrs: [string, string | number | boolean][]; events: { time: number; name: string; attrs: [string, string][] }[]; code: number }
function pbfSpans(list: Spec[]): PbfSpan[] {
  return list.map((s) => ({
    traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : undefined,
    name: s.name, start: s.start * 1e6, end: s.end * 1e6, attrs: s.attrs,
    events: s.event ? [{ time: (s.start + 5) * 1e6, name: 'exception', attrs: [['exception.type', 'TypeError'], ['exception.message', 'Failed to fetch']] }] : [],
    code: s.error ? 2 : 0,
  }));
}
function pbfValue(v: string | number | boolean, p: Pbf) {
  if (typeof v === 'string') p.writeStringField(1, v);
  else if (typeof v === 'boolean') p.writeBooleanField(2, v);
  else p.writeVarintField(3, v);
}
function pbfKeyValue(kv: [string, string | number | boolean], p: Pbf) {
  p.writeStringField(1, kv[0]);
  p.writeMessage(2, pbfValue, kv[1]);
}
function pbfSpan(s: PbfSpan, p: Pbf) {
  p.writeBytesField(1, s.traceId);
  p.writeBytesField(2, s.spanId);
  if (s.parentSpanId) p.writeBytesField(4, s.parentSpanId);
  p.writeStringField(5, s.name);
  p.writeVarintField(6, 3);
  p.writeFixed64Field(7, s.start);
  p.writeFixed64Field(8, s.end);
  for (const a of s.attrs) p.writeMessage(9, pbfKeyValue, a);
  for (const e of s.events) p.writeMessage(11, (ev: PbfSpan['events'][0], q: Pbf) => {
    q.writeFixed64Field(1, ev.time);
    q.writeStringField(2, ev.name);
    for (const a of ev.attrs) q.writeMessage(3, pbfKeyValue, a);
  }, e);
  p.writeMessage(15, (code: number, q: Pbf) => { if (code) q.writeVarintField(3, code); }, s.code);
}
function pbfEncode(spans: PbfSpan[]): Uint8Array {
  const p = new Pbf();
  p.writeMessage(1, (_: unknown, rs: Pbf) => {
    rs.writeMessage(1, (__: unknown, r: Pbf) => r.writeMessage(1, pbfKeyValue, ['service.name', SERVICE]), null);
    rs.writeMessage(2, (___: unknown, ss: Pbf) => {
      ss.writeMessage(1, (____: unknown, sc: Pbf) => { sc.writeStringField(1, 'plume'); sc.writeStringField(2, '0.1.0'); }, null);
      for (const s of spans) ss.writeMessage(2, pbfSpan, s);
    }, null);
  }, null);
  return p.finish();
}

// ---- run
const wasmBytes = readFileSync(new URL('../dist/plume.wasm', import.meta.url));
const wasm = await loadWasmEncoder(wasmBytes);
const wasmJson = await createEncoder({ implementation: 'wasm', wasm: wasmBytes });
const jsJson = await createEncoder({ implementation: 'js' });

const OTEL = 'OTel JS ProtobufTraceSerializer, current';
const summary: Record<number, Rounds[]> = {};
for (const n of [10, 512, 4096]) {
  const list = specs(n);
  const json = otlpJson(list);
  const rec = new Records();
  const rootOff = tracesRequest(rec, json);
  const otel = otelSpans(list, otelCurrent);
  const otelOld = otelSpans(list, otelHistory);
  const pbjs = pbjsMessage(list);
  const pbfList = pbfSpans(list);
  const rows = await rounds([
    { name: OTEL, run: () => ProtobufTraceSerializer.serializeRequest(otel)! },
    {
      name: 'history: OTel JS serializer 0.223 (sdk-trace-base 2.x)',
      run: () => ProtobufTraceSerializer0223.serializeRequest(otelOld as never)!,
    },
    { name: 'protobufjs (reflection codegen)', run: () => PbjsRequest.encode(pbjs).finish() },
    { name: 'protobufjs, from OTLP/JSON (fromObject + encode)', run: () => PbjsRequest.encode(PbjsRequest.fromObject(json)).finish() },
    { name: 'pbf (hand-written)', run: () => pbfEncode(pbfList) },
    { name: 'Plume wasm, from records', run: () => wasm.encode(SIGNAL_TRACES, rec, rootOff) },
    { name: 'Plume JS twin, from records', run: () => encodeRecords(SIGNAL_TRACES, rec, rootOff) },
    { name: 'Plume wasm, encodeTraces(OTLP/JSON)', run: () => wasmJson.encodeTraces(json) },
    { name: 'Plume JS twin, encodeTraces(OTLP/JSON)', run: () => jsJson.encodeTraces(json) },
  ]);
  summary[n] = rows;
  printRounds(`encode ${n} spans (8 attributes each, an event on every 8th)`, rows, OTEL);
}

const at512 = summary[512];
const by = (name: string) => at512.find((r) => r.name.startsWith(name))!;
const fastestPureJs = median(by('protobufjs (').ops) > median(by('pbf').ops) ? by('protobufjs (') : by('pbf');
console.log('\ntargets at 512 spans (a benchmark, not a test; median of per-round ratios, range):');
const target = (label: string, r: Rounds, b: Rounds, goal = '') => console.log(`  ${label.padEnd(74)} ${fmtRatio(ratio(r, b))}${goal}`);
target('plume/encoder from OTLP/JSON (wasm) / OTel serializer from ReadableSpans', by('Plume wasm, encodeTraces'), by(OTEL),
  '  (target >= 2x)');
target('plume/encoder from OTLP/JSON (JS twin) / OTel serializer', by('Plume JS twin, encodeTraces'), by(OTEL));
target('wasm from records / OTel serializer', by('Plume wasm, from records'), by(OTEL), '  (target >= 4x)');
target(`wasm from records / fastest pure JS (${fastestPureJs.name.split(' ')[0]})`, by('Plume wasm, from records'), fastestPureJs,
  '  (target >= 2x)');
target('JS twin from records / OTel serializer', by('Plume JS twin, from records'), by(OTEL), '  (target >= 1.5x)');
console.log(`  ${'dist/plume.wasm'.padEnd(74)} ${wasmBytes.length} bytes (target <= 12288)`);
