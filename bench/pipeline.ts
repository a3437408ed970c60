// npm run bench, part 2 — API to bytes: 512 spans started through the API with 8 attributes,
// ended, batched and encoded into OTLP/protobuf request bodies, in one process run:
//   OTel JS (current)  @opentelemetry/sdk-trace 3.x TracerProvider + BatchSpanProcessor, whose
//                      exporter serializes each batch with @opentelemetry/otlp-transformer's
//                      ProtobufTraceSerializer (what OTLPTraceExporter does before it sends);
//                      forceFlush() ends each op.
//   Plume              the SDK core with the wasm encoder and with the JS twin; default batch
//                      settings, a transport function that takes the bodies (cut to 32 KiB for
//                      the keepalive quota, as in a page); flush() ends each op.
//   history            OTel JS sdk-trace-base 2.x + otlp-transformer 0.223, measured as this
//                      bench did before (SimpleSpanProcessor into memory, one serializeRequest).
// Then what an unsampled span costs, and a profile of where Plume's time goes: each stage
// timed on its own (recording through the API, writing records, encoding and cutting into
// requests); what is left of the whole is the exporter's queue, outbox, sender and promises.
// Peers come from bench/node_modules (bench/package.json; `npm run bench` installs them).
import { readFileSync } from 'node:fs';
import { SpanKind as OtelKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes as resourceFromAttributes2 } from 'otel-resources-2';
import { ProtobufTraceSerializer as ProtobufTraceSerializer0223 } from 'otel-transformer-0223';
import { SIGNAL_TRACES } from '../src/encode/layout.js';
import { encoderLoader } from '../src/encode/loader.js';
import { encodeRecords } from '../src/encode/twin.js';
import { loadWasmEncoder } from '../src/encode/wasm-bridge.js';
import { encodeChunks, RecordBatch } from '../src/record/batch.js';
import { writeSpan } from '../src/record/span.js';
import { resolveConfig } from '../src/sdk/config.js';
import { createCore, type Core } from '../src/sdk/index.js';
import { traceIdRatio } from '../src/sdk/sampler.js';
import { SpanKind } from '../src/sdk/span.js';
import { LIVE_SHARE } from '../src/transport/sender.js';
import { fmtRatio, median, MS, printRounds, ratio, ROUNDS, rounds, type Contender } from './harness.js';
import { fmtSpread } from './lib.js';

const N = 512;
const attrs = (i: number) => ({
  'http.request.method': 'GET',
  'url.full': `https://shop.example.com/api/items/${i % 50}?page=${i % 9}`,
  'server.address': 'shop.example.com',
  'server.port': 443,
  'http.response.status_code': i % 23 ? 200 : 503,
  'session.id': '7f3c2a9b4e1d4c8a9b2e6f1a0c3d5e7b',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  'http.response.body.size': 1000 + i,
});
const ATTRS = Array.from({ length: N }, (_, i) => attrs(i));
const wasmBytes = readFileSync(new URL('../dist/plume.wasm', import.meta.url));

// ---- Plume
function plumeCore(mode: 'wasm' | 'js', sampled: boolean, sink: (body: Uint8Array) => void): Core {
  const config = resolveConfig({ serviceName: 'shop-web', transport: (body: Uint8Array) => { sink(body); } }, undefined);
  return createCore(config, {
    detectedResource: {}, sampleRoot: traceIdRatio(sampled ? 1 : 0),
    encoder: encoderLoader({ mode, wasm: mode === 'wasm' ? wasmBytes : undefined, twin: () => encodeRecords }),
  });
}
const spans = (core: Core) => {
  const t = core.tracer;
  for (let i = 0; i < N; i++) t.startSpan('GET', { kind: SpanKind.CLIENT, attributes: ATTRS[i] }).end();
};
function plume(mode: 'wasm' | 'js'): Contender & { core: Core } {
  let bytes = 0;
  const core = plumeCore(mode, true, (b) => { bytes += b.length; });
  return {
    name: `Plume (${mode === 'wasm' ? 'wasm encoder' : 'JS twin encoder'})`, async: true, core,
    async run() {
      bytes = 0;
      spans(core);
      await core.flush();
      return bytes;
    },
  };
}

// ---- OTel JS, current
function otel(sampled = true): Contender {
  let bytes = 0;
  const exporter: SpanExporter = {
    export(batch: ReadableSpan[], done) {
      bytes += ProtobufTraceSerializer.serializeRequest(batch)?.length ?? 0;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop-web' }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
    sampler: sampled ? undefined : new AlwaysOffSampler(),
  });
  const tracer = provider.getTracer('plume-bench');
  return {
    name: 'OTel JS sdk-trace 3.x + BatchSpanProcessor', async: true,
    async run() {
      bytes = 0;
      for (let i = 0; i < N; i++) tracer.startSpan('GET', { kind: OtelKind.CLIENT, attributes: ATTRS[i] }).end();
      await provider.forceFlush();
      return bytes;
    },
  };
}

// ---- OTel JS 2.x + 0.223, as measured before (history)
function otelHistory(): Contender {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes2({ 'service.name': 'shop-web' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('plume-bench');
  return {
    name: 'history: OTel JS sdk-trace-base 2.x + transformer 0.223',
    run() {
      for (let i = 0; i < N; i++) tracer.startSpan('GET', { kind: OtelKind.CLIENT, attributes: ATTRS[i] }).end();
      const bytes = ProtobufTraceSerializer0223.serializeRequest(exporter.getFinishedSpans()) ?? new Uint8Array(0);
      exporter.reset();
      return bytes;
    },
  };
}

const OTEL = 'OTel JS sdk-trace 3.x + BatchSpanProcessor';
const pw = plume('wasm'), pj = plume('js');
const main = await rounds([otel(), pw, pj, otelHistory()]);
printRounds(`pipeline: ${N} spans through the API (8 attributes), ended, batched, encoded to request bodies`, main, OTEL);
const by = (name: string) => main.find((r) => r.name.startsWith(name))!;
console.log(`  Plume wasm / current OTel      ${fmtRatio(ratio(by('Plume (wasm'), by('OTel JS sdk-trace 3')))}  (target >= 3x)`);
console.log(`  Plume JS twin / current OTel   ${fmtRatio(ratio(by('Plume (JS'), by('OTel JS sdk-trace 3')))}`);
console.log(`  Plume wasm / history row       ${fmtRatio(ratio(by('Plume (wasm'), by('history')))}`);
for (const p of [pw, pj]) {
  const dropped = [...p.core.exporter.dropped].map(([k, v]) => `${k} ${v}`).join(', ');
  if (dropped) console.log(`  INVALID: ${p.name} dropped ${dropped}: its figure is not API to bytes`);
  if (p.core.encoder !== (p === pw ? 'wasm' : 'js')) console.log(`  INVALID: ${p.name} encoded with ${p.core.encoder}`);
}

// ---- unsampled: what a span costs when its session (or its parent) is not sampled
const pu = plumeCore('wasm', false, () => {}), ou = otel(false);
const unsampled = await rounds([
  { name: 'OTel JS sdk-trace 3.x', async: true, run: ou.run },
  { name: 'Plume', run: () => { spans(pu); return 0; } },
]);
const ns = (r: { ops: number[] }) => r.ops.map((o) => 1e9 / (o * N));
const nsFmt = (r: { ops: number[] }) =>
  `${median(ns(r)).toFixed(0)} ns (${Math.min(...ns(r)).toFixed(0)}–${Math.max(...ns(r)).toFixed(0)})`;
console.log(`\nunsampled span (start with 8 attributes + end), per span, median (min–max) of rounds:`);
console.log(`  Plume ${nsFmt(unsampled[1])}, OTel JS sdk-trace 3.x ${nsFmt(unsampled[0])}`);

// ---- where Plume's time goes (wasm), per 512 spans: the same work as the pipeline, timed
// stage by stage inside each iteration (performance.now() around every record write; its
// own cost, about 1,024 calls, lands in "recording"). Iterations alternate between the
// encoding the pipeline does (cut into requests of at most 32 KiB) and one request uncut.
const resource = pw.core.resource;
const wasm = await loadWasmEncoder(wasmBytes);
const encode = (rec: RecordBatch['rec'], root: number) => wasm.encode(SIGNAL_TRACES, rec, root);
const prof = plumeCore('wasm', true, () => {});
const batch = new RecordBatch();
let writing = 0;
prof.exporter.onSpanEnd = (s) => { const t = performance.now(); writeSpan(batch, s); writing += performance.now() - t; };
const times = { recording: [] as number[], writing: [] as number[], cut: [] as number[], whole: [] as number[] };
for (let round = -1, k = 0; round < ROUNDS; round++) {
  const end = performance.now() + (round < 0 ? MS / 3 : MS); // round -1 warms up, untimed
  while (performance.now() < end) {
    batch.reset();
    writing = 0;
    const t0 = performance.now();
    spans(prof);
    const t1 = performance.now();
    if (k++ % 2) encodeChunks(batch, resource, LIVE_SHARE, encode, false);
    else encode(batch.rec, batch.finish(resource));
    const t2 = performance.now();
    if (round < 0) continue;
    times.recording.push((t1 - t0 - writing) * 1000);
    times.writing.push(writing * 1000);
    (k % 2 ? times.whole : times.cut).push((t2 - t1) * 1000);
  }
}
const total = median(by('Plume (wasm').ops.map((o) => 1e6 / o));
const med = (a: number[]) => median(a);
console.log(`\nwhere Plume's time goes, wasm, per ${N} spans, µs per iteration: median (IQR, min–max) over ${ROUNDS} rounds`);
const stage = (label: string, v: number[]) =>
  console.log(`  ${label.padEnd(66)} ${fmtSpread(v, 0)}  ${(100 * med(v) / total).toFixed(0)}%`);
stage('recording: start with 8 attributes + end, through the API', times.recording);
stage('record writing: finished spans into compact records', times.writing);
stage('encoding, cut into requests of at most 32 KiB (what the pipeline does)', times.cut);
stage('  (the same batch encoded as one request, for comparison)', times.whole);
const rest = total - med(times.recording) - med(times.writing) - med(times.cut);
console.log(`  ${'batching and hand-off: exporter queue, outbox, sender, promises'.padEnd(66)} ${rest.toFixed(0)} ` +
  `(the whole pipeline's ${total.toFixed(0)} µs, median of its rounds above, minus the medians above)`);
