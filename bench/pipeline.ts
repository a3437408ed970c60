// npm run bench, part 2 — API to bytes: 512 spans started through the API with 8
// attributes, ended, and encoded, with Plume (wasm and JS twin) and with OTel JS
// (sdk-trace-base + otlp-transformer), in the same process. Plus the cost of an unsampled span.
import { readFileSync } from 'node:fs';
import { SpanKind as OtelKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encoderLoader } from '../src/encode/loader.js';
import { encodeRecords } from '../src/encode/twin.js';
import { resolveConfig } from '../src/sdk/config.js';
import { createCore } from '../src/sdk/index.js';
import { traceIdRatio } from '../src/sdk/sampler.js';
import { SpanKind } from '../src/sdk/span.js';
import { measure, printTable } from './harness.js';

const MS = Number(process.env.BENCH_MS ?? 1000);
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

function plume(mode: 'wasm' | 'js', sampled = true) {
  let bytes = 0;
  const config = resolveConfig({
    serviceName: 'shop-web',
    transport: () => {},
    batch: { maxExportBatchSize: 10_000, maxQueueSize: 10_000, scheduledDelayMillis: 600_000 },
  }, undefined);
  const wasm = mode === 'wasm' ? readFileSync(new URL('../dist/plume.wasm', import.meta.url)) : undefined;
  const core = createCore(config, {
    detectedResource: {}, sampleRoot: traceIdRatio(sampled ? 1 : 0),
    encoder: encoderLoader({ mode, wasm, twin: () => encodeRecords }),
  });
  return {
    core,
    run(): number {
      bytes = 0;
      const t = core.tracer;
      for (let i = 0; i < N; i++) {
        const s = t.startSpan('GET', { kind: SpanKind.CLIENT, attributes: ATTRS[i] });
        s.end();
      }
      // flush() encodes synchronously (in requests of at most 32 KiB, the live keepalive share)
      // into the outbox; here delivery is instant: the bytes are taken out at once.
      void core.exporter.flush(false, false);
      const outbox = core.exporter.outbox;
      for (const p of [...outbox.all()]) { bytes += p.body.length; outbox.remove(p); }
      return bytes;
    },
  };
}

function otel(sampled = true) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop-web' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    sampler: sampled ? undefined : new AlwaysOffSampler(),
  });
  const tracer = provider.getTracer('plume-bench');
  return {
    run(): Uint8Array {
      for (let i = 0; i < N; i++) tracer.startSpan('GET', { kind: OtelKind.CLIENT, attributes: ATTRS[i] }).end();
      const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) ?? new Uint8Array(0);
      exporter.reset();
      return bytes;
    },
  };
}

const pw = plume('wasm'), pj = plume('js'), ot = otel();
const rows = [
  measure('OTel JS sdk-trace-base + otlp-transformer', () => ot.run(), MS),
  measure('Plume (wasm encoder)', () => pw.run(), MS),
  measure('Plume (JS twin encoder)', () => pj.run(), MS),
];
printTable(`pipeline: ${N} spans through the API (8 attributes), ended, encoded`, rows, 'OTel JS sdk-trace-base + otlp-transformer');
const ratio = rows[1].opsPerSec / rows[0].opsPerSec;
console.log(`  Plume wasm / OTel          ${ratio.toFixed(2)}x  (target >= 3x)`);
console.log(`  Plume JS twin / OTel       ${(rows[2].opsPerSec / rows[0].opsPerSec).toFixed(2)}x`);

// Unsampled: what a span costs when its session (or its parent) is not sampled.
const pu = plume('wasm', false), ou = otel(false);
const perSpan = (run: () => unknown) => {
  const r = measure('x', () => { run(); return 0; }, MS);
  return 1e9 / (r.opsPerSec * N);
};
const pNs = perSpan(() => pu.run()), oNs = perSpan(() => ou.run());
console.log(`\nunsampled span (start with 8 attributes + end): Plume ${pNs.toFixed(0)} ns/span, OTel JS ${oNs.toFixed(0)} ns/span`);
