// An app and a library as OpenTelemetry users write them, compiled with tsc --strict against
// the packed plume and the real @opentelemetry/api and api-logs (test/api/types.test.ts).
// Everything here must compile; what must not is in refused.ts.
import * as api from '@opentelemetry/api';
import { logs, SeverityNumber as LogsSeverity, type Logger as LogsLogger } from '@opentelemetry/api-logs';
import {
  init, getActiveSpan, SpanKind, SpanStatusCode,
  type Attributes, type Baggage, type Context, type FinishedSpan, type Logger, type Meter, type Plume, type Span, type SpanOptions,
  type TimeInput, type Tracer,
} from 'plume';
import { fetchInstrumentation, init as initCustom, type Span as CustomSpan } from 'plume/custom';
import { createEncoder } from 'plume/encoder';
import { instrument, type Tracer as EdgeTracer } from 'plume/edge';
import wasm from 'plume/plume.wasm';
import { useZone, type ContextManager } from 'plume/zone';

// The app starts Plume; beforeSend gets a typed span.
const plume: Plume = init({
  endpoint: 'https://collector.example.com:4318',
  serviceName: 'shop-web',
  registerGlobals: true,
  beforeSend: (span: FinishedSpan) => {
    if (span.attributes['http.route'] === '/health') return null;
    span.attributes['user.email'] = 'REDACTED';
    span.name = span.name.toUpperCase();
    return span;
  },
});

// Plume's objects where the API's types are expected.
const tracer: api.Tracer = plume.tracer;
const meter: api.Meter = plume.meter;
const logger: api.Logger = plume.logger;
const logsLogger: LogsLogger = plume.getLogger('lib', '1.0.0');
const providers: [api.TracerProvider, api.MeterProvider, api.LoggerProvider] =
  [plume.tracerProvider, plume.meterProvider, plume.loggerProvider];
api.trace.setGlobalTracerProvider(plume.tracerProvider);
api.metrics.setGlobalMeterProvider(plume.meterProvider);
logs.setGlobalLoggerProvider(plume.loggerProvider);

// The API's objects where Plume's are expected.
const apiTracer: Tracer = api.trace.getTracer('lib', '1.0.0');
const apiMeter: api.Meter = api.metrics.getMeter('lib');
const ctx: Context = api.context.active();
const bag: Baggage = api.propagation.createBaggage({ tier: { value: 'gold', metadata: api.baggageEntryMetadataFromString('p=1') } });
plume.propagation.setBaggage(ctx, bag);
const ours: api.Baggage = plume.propagation.createBaggage({ tier: { value: 'gold' } });
api.propagation.setBaggage(api.context.active(), ours);
const entry: string | undefined = plume.propagation.getActiveBaggage()?.getEntry('tier')?.value;

// startActiveSpan: the callback's span and the return type are inferred, sync and async.
const n: number = plume.tracer.startActiveSpan('sync', (span) => {
  span.setAttribute('cart.items', 3).setAttributes({ 'cart.currency': 'EUR' });
  span.addEvent('priced', { total: 42 }, Date.now());
  span.setStatus({ code: SpanStatusCode.OK });
  span.end();
  return 1;
});
const s: Promise<string> = plume.tracer.startActiveSpan('async', { kind: SpanKind.CLIENT }, async (span) => {
  await fetch('/api');
  span.end(performance.now());
  return 'done';
});
const libOptions: api.SpanOptions = { kind: api.SpanKind.INTERNAL };
const viaApi: Promise<void> = apiTracer.startActiveSpan('lib.work', libOptions, api.ROOT_CONTEXT, async (span: api.Span) => {
  span.recordException(new Error('nope'));
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'nope' });
  span.end();
});

// Spans, contexts and trace state.
const options: SpanOptions = { kind: api.SpanKind.SERVER, attributes: { 'http.route': '/cart' } satisfies Attributes, startTime: [1, 2] };
const span: Span = plume.tracer.startSpan('handle', options, ctx);
const apiSpan: api.Span = span;
const custom: CustomSpan = apiSpan;
const sc: api.SpanContext = span.spanContext();
const ts: api.TraceState | undefined = sc.traceState?.set('vendor', 'v').unset('other');
span.addLink({ context: sc, attributes: { 'link.kind': 'follows' } });
getActiveSpan()?.setAttribute('active', true);
api.context.with(api.trace.setSpan(plume.context.active(), span), () => plume.tracer.startSpan('child').end());
const when: TimeInput = new Date();
span.end(when);
const headers: Record<string, string> = {};
plume.propagation.inject(plume.context.active(), headers);
api.propagation.inject(api.context.active(), headers);
const extracted: api.Context = plume.propagation.extract(api.ROOT_CONTEXT, headers);

// Metrics, the API's way.
const m: Meter = plume.getMeter('shop', '1.0.0');
const histogram: api.Histogram<{ route: string }> = m.createHistogram<{ route: string }>('http.duration', {
  unit: 's', valueType: api.ValueType.DOUBLE, advice: { explicitBucketBoundaries: [0.1, 1] },
});
histogram.record(0.2, { route: '/cart' });
m.createHistogram('lcp', { unit: 'ms', aggregation: 'exponential' }).record(1200);
const counter: api.Counter = m.createCounter('orders', { valueType: api.ValueType.INT });
counter.add(1, { tier: 'gold' }, ctx);
const gauge: api.ObservableGauge = m.createObservableGauge('queue');
gauge.addCallback((result) => result.observe(3, { queue: 'main' }));
const stock: api.ObservableUpDownCounter = apiMeter.createObservableUpDownCounter('stock');
m.addBatchObservableCallback((result) => { result.observe(stock, 1); result.observe(gauge, 2); }, [gauge, stock]);

// Logs, through Plume, api-logs and the API's own logs.
plume.logger.emit({
  severityNumber: api.SeverityNumber.INFO, severityText: 'INFO', body: { cart: [1, 2] }, attributes: { a: 1 }, exception: new Error('x'),
});
logsLogger.emit({ severityNumber: LogsSeverity.WARN, eventName: 'cart.abandoned', context: ctx });
const enabled: boolean = logger.enabled({ severityNumber: api.SeverityNumber.DEBUG });

// The encoder's bytes are a fetch body (TS 5.7+ refuses Uint8Array<ArrayBufferLike>).
const encoder = await createEncoder();
await fetch('https://collector.example.com:4318/v1/traces', {
  method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encoder.encodeTraces({ resourceSpans: [] }),
});

// The other entries.
initCustom({ endpoint: '/otlp' }, [fetchInstrumentation()]);
const compiled: WebAssembly.Module = wasm;
const edgeTracer: EdgeTracer = plume.tracer;
export default instrument({ fetch: async (_request: Request) => new Response('ok') }, { endpoint: 'https://c', wasm: compiled });
const manager: ContextManager = await useZone({ load: false });
api.context.setGlobalContextManager(manager);

export { n, s, viaApi, meter, providers, entry, ts, extracted, counter, enabled, edgeTracer, custom };
