// The browser SDKs Plume is weighed and timed against, each set up as its documentation's
// quick start sets it up, from the current releases in bench/node_modules (bench/package.json).
// One list for `npm run size` (bytes) and the browser benches (start-up, first request), so
// that both judge the same code.
//
// The OTel entries read three optional globals so a bench page can set them: otelEndpoint
// (the OTLP base URL, default the page's origin), batchDelay (BatchSpanProcessor's
// scheduledDelayMillis) and otelPropagateTo (propagateTraceHeaderCorsUrls for fetch).
import { build } from 'esbuild';
import { BENCH } from './lib.js';

const OTEL_TRACES_IMPORTS = `
import { WebTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
const base = window.otelEndpoint || location.origin;
const resource = resourceFromAttributes({ 'service.name': 'shop' });
`;
// sdk-trace-web re-exports sdk-trace-base's BatchSpanProcessor: one copy in the bundle.
const otelTraces = (zone: boolean) => `
const exporter = new OTLPTraceExporter({ url: base + '/v1/traces' });
const provider = new WebTracerProvider({ resource,
  spanProcessors: [new BatchSpanProcessor(exporter, window.batchDelay ? { scheduledDelayMillis: window.batchDelay } : {})] });
provider.register(${zone ? '{ contextManager: new ZoneContextManager() }' : ''});
registerInstrumentations({ instrumentations: [new FetchInstrumentation({ propagateTraceHeaderCorsUrls: window.otelPropagateTo || [] }),
  new DocumentLoadInstrumentation()] });
`;
const OTEL_ZONE = `import { ZoneContextManager } from '@opentelemetry/context-zone';\n`;
const OTEL_METRICS = `
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { metrics } from '@opentelemetry/api';
metrics.setGlobalMeterProvider(new MeterProvider({ resource,
  readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: base + '/v1/metrics' }) })] }));
`;

export interface Peer { name: string; code: string }

/** The OpenTelemetry web quick start: traces of fetch and document load, OTLP/protobuf, no zone. */
export const OTEL_QUICK_START: Peer = {
  name: 'OTel web quick start: traces (fetch + document-load, OTLP/proto), no zone',
  code: OTEL_TRACES_IMPORTS + otelTraces(false),
};

export const WEB_PEERS: Peer[] = [
  OTEL_QUICK_START,
  { name: 'OTel web: traces + zone.js', code: OTEL_TRACES_IMPORTS + OTEL_ZONE + otelTraces(true) },
  { name: 'OTel web: traces + metrics, no zone', code: OTEL_TRACES_IMPORTS + OTEL_METRICS + otelTraces(false) },
  { name: 'OTel web: traces + metrics + zone.js', code: OTEL_TRACES_IMPORTS + OTEL_ZONE + OTEL_METRICS + otelTraces(true) },
  {
    name: 'Sentry browser: errors',
    code: `import * as Sentry from '@sentry/browser'; Sentry.init({ dsn: 'https://k@o1.ingest.example.com/1' });`,
  },
  {
    name: 'Sentry browser: errors + tracing',
    code: `import * as Sentry from '@sentry/browser';
Sentry.init({ dsn: 'https://k@o1.ingest.example.com/1', integrations: [Sentry.browserTracingIntegration()], tracesSampleRate: 1 });`,
  },
  {
    name: 'Datadog RUM',
    code: `import { datadogRum } from '@datadog/browser-rum';
datadogRum.init({ applicationId: 'a', clientToken: 'pub', site: 'datadoghq.com', service: 'shop', sessionSampleRate: 100,
  trackResources: true, trackLongTasks: true, trackUserInteractions: true });`,
  },
  {
    name: 'Grafana Faro web-sdk',
    code: `import { initializeFaro, getWebInstrumentations } from '@grafana/faro-web-sdk';
initializeFaro({ url: 'https://faro.example.com/collect', app: { name: 'shop' }, instrumentations: [...getWebInstrumentations()] });`,
  },
  {
    name: 'Grafana Faro web-sdk + web-tracing',
    code: `import { initializeFaro, getWebInstrumentations } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';
initializeFaro({ url: 'https://faro.example.com/collect', app: { name: 'shop' },
  instrumentations: [...getWebInstrumentations(), new TracingInstrumentation()] });`,
  },
  {
    name: 'Elastic APM RUM',
    code: `import { init } from '@elastic/apm-rum'; init({ serviceName: 'shop', serverUrl: 'https://apm.example.com' });`,
  },
  {
    name: 'web-vitals alone (five metrics)',
    code: `import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
const report = (m) => navigator.sendBeacon('/vitals', JSON.stringify(m));
onCLS(report); onFCP(report); onINP(report); onLCP(report); onTTFB(report);`,
  },
];

/** One script (IIFE, minified, for a page's <script src>) of a peer, from bench/node_modules. */
export async function peerScript(peer: Peer): Promise<Uint8Array> {
  const r = await build({
    stdin: { contents: peer.code, resolveDir: BENCH, sourcefile: 'peer.js' }, bundle: true, minify: true, format: 'iife',
    platform: 'browser', target: 'es2020', write: false, logLevel: 'silent',
  });
  return r.outputFiles[0].contents;
}
