// The runtime-neutral core behind init(): tracers, meters and loggers wired to one exporter.
// Browser (../browser.ts) and edge (../edge/) entries add resource detection,
// instrumentations and lifecycle on top; nothing here touches window or document.
import { DATA_SUM } from '../encode/layout.js';
import type { EncoderLoader } from '../encode/loader.js';
import { now } from '../lib/clock.js';
import { setDebug } from '../lib/diag.js';
import { loadConsole } from '../lib/chunks.js';
import { once } from '../lib/once.js';
import { str } from '../lib/safe.js';
import { Exporter, type DebugSink, type ItemAttributes } from '../export/exporter.js';
import { POSSIBLE_DUPLICATE } from '../export/persist.js';
import type { FinishedSpan } from './span.js';
import type { MetricData } from '../record/metric.js';
import { createTransport, type Transport } from '../transport/index.js';
import type { Attributes } from './attributes.js';
import { cleanAttributes } from './attributes.js';
import type { ResolvedConfig } from './config.js';
import { context, type ContextAPI } from './context.js';
import { Logger } from './logger.js';
import { createMeter, type Meter, type SdkMeter } from './meter.js';
import type {
  Logger as ApiLogger, LoggerOptions, LoggerProvider, MeterOptions, MeterProvider, Tracer as ApiTracer, TracerOptions, TracerProvider,
} from './otel-api.js';
import { propagation, type PropagationAPI } from './propagation.js';
import type { RootSampler } from './sampler.js';
import { snapshotSpan, type RecordingSpan } from './span.js';
import { Tracer } from './tracer.js';

export const SDK_VERSION = '0.1.0';

export interface CoreOptions {
  /** Resource attributes the runtime detected; config values (service.*) win over them. */
  /** What the runtime knows about itself; a function is called at the first export. */
  detectedResource: Record<string, unknown> | (() => Record<string, unknown>);
  sampleRoot: RootSampler;
  /** Attributes every span and log record gets as it is recorded (session ids); see Exporter.itemAttributes. */
  itemAttributes?: ItemAttributes;
  encoder: EncoderLoader;
  transport?: Transport;
}

/** What init() returns. Its tracers, meters, loggers, contexts and baggage are @opentelemetry/api's types. */
export interface Plume {
  /** Plume's own tracer, meter and logger (scope "plume"). */
  tracer: ApiTracer;
  meter: Meter;
  logger: ApiLogger;
  /** A tracer, meter or logger for a named scope (a library's name and version); the same one for the same name and version. */
  getTracer(name: string, version?: string, options?: TracerOptions): ApiTracer;
  getMeter(name: string, version?: string, options?: MeterOptions): Meter;
  getLogger(name: string, version?: string, options?: LoggerOptions): ApiLogger;
  /** The providers @opentelemetry/api is given (registerGlobals), for registerInstrumentations({ tracerProvider, ... }) without it. */
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  context: ContextAPI;
  propagation: PropagationAPI;
  /**
   * Sends everything recorded so far; resolves when each request has been answered once, or
   * at once while the collector has asked for a pause (Retry-After, backoff): what waits then
   * stays queued for the retry, it is not lost. Never rejects.
   */
  flush(): Promise<void>;
  /** flush(), then records and sends nothing more (what a pause still holds is dropped). */
  shutdown(): Promise<void>;
  /** The active encoder: 'none' until one is ready, then 'wasm', or 'js' where wasm cannot run. */
  readonly encoder: 'wasm' | 'js' | 'none';
}

export interface Core extends Plume {
  exporter: Exporter;
  config: ResolvedConfig;
  resource: Attributes;
  /** Flush for a page that is going away: beacons, no waiting. */
  flushUnloading(): void;
  /** Sends what earlier pages of this origin persisted. */
  replay(): Promise<void>;
}

export function createCore(config: ResolvedConfig, opts: CoreOptions): Core {
  setDebug(config.debug);
  // Needed by the first export, not before: a page does not pay for it while it loads.
  const resource = once(() => cleanAttributes({
    ...(typeof opts.detectedResource === 'function' ? opts.detectedResource() : opts.detectedResource),
    // serviceName wins over resource['service.name'] unless it is only the default.
    'service.name': config.serviceName,
    ...config.resource,
    ...(config.serviceName.startsWith('unknown_service') ? {} : { 'service.name': config.serviceName }),
    ...(config.serviceVersion ? { 'service.version': config.serviceVersion } : {}),
    ...(config.environment ? { 'deployment.environment.name': config.environment } : {}),
  }, { ...config.limits, attributeCount: 1024 }).values);
  const transport = opts.transport ?? createTransport(config);
  const exporter = new Exporter(config, resource, transport, opts.encoder);
  exporter.itemAttributes = opts.itemAttributes;
  let enabled = true;
  const isEnabled = () => enabled;

  const tracerCore = {
    limits: config.limits,
    sampleRoot: opts.sampleRoot,
    sink: { onEnd: (span: RecordingSpan) => exporter.onSpanEnd(span) },
    enabled: isEnabled,
  };
  const loggerCore = {
    limits: config.limits,
    emit: (log: Parameters<Exporter['onLog']>[0]) => exporter.onLog(log),
    enabled: isEnabled,
  };
  const meterCore = {
    limits: config.limits,
    temporality: config.metrics.temporality,
    histogramAggregation: config.metrics.histogramAggregation,
    enabled: isEnabled,
  };

  const cache = <T>(make: (name: string, version?: string) => T) => {
    const m = new Map<string, T>();
    return (name: string, version?: string): T => {
      // A caller's name or version whose toString throws is no name: ''.
      const n = str(name) ?? '';
      const ver = version === undefined ? undefined : str(version) ?? '';
      const key = `${n}@${ver ?? ''}`;
      let v = m.get(key);
      if (!v) m.set(key, (v = make(n, ver)));
      return v;
    };
  };
  const meters: SdkMeter[] = [];
  const getTracer = cache((name, version) => new Tracer({ name, version }, tracerCore));
  const getLogger = cache((name, version) => new Logger({ name, version }, loggerCore));
  const getMeter = cache((name, version) => {
    const m = createMeter({ name, version }, meterCore);
    meters.push(m);
    return m;
  });
  if (config.debug) {
    // The printer is imported on demand. Items recorded before it has loaded are held (a
    // finished span's data stays valid: it only drops its references) and printed in order.
    const held: Parameters<DebugSink>[] = [];
    exporter.debug = (kind, item) => { if (held.length < 1000) held.push([kind, kind === 'span' ? snapshotSpan(item as FinishedSpan) : item]); };
    loadConsole().then((m) => {
      exporter.debug = m.printer(resource());
      for (const args of held.splice(0)) exporter.debug(...args);
    }, () => { exporter.debug = undefined; });
  }
  const plumeScope = { name: 'plume', version: SDK_VERSION };
  exporter.collectors.push(() => meters.flatMap((m) => m.collect()));
  const droppedSince = { t: now() };
  exporter.collectors.push(() => droppedMetric(exporter, plumeScope, config.metrics.temporality === 'delta', droppedSince));

  let metricsTimer: ReturnType<typeof setInterval> | undefined = setInterval(
    () => void exporter.flush(false, true), config.metrics.exportIntervalMillis);
  // Node and workers: an interval must not keep the process alive on its own.
  (metricsTimer as { unref?: () => void }).unref?.();

  const core: Core = {
    tracer: getTracer('plume', SDK_VERSION),
    meter: getMeter('plume', SDK_VERSION),
    logger: getLogger('plume', SDK_VERSION),
    getTracer, getMeter, getLogger,
    tracerProvider: { getTracer }, meterProvider: { getMeter }, loggerProvider: { getLogger },
    context, propagation,
    exporter, config,
    get resource() { return resource(); },
    get encoder() { return opts.encoder.kind(); },
    flush: async () => {
      await Promise.all(meters.map((m) => m.ready()));
      await exporter.flush(false);
    },
    flushUnloading: () => { if (enabled) void exporter.flush(true); },
    // After shutdown a page shown again must not take what other pages stored.
    replay: () => (enabled ? exporter.replay() : Promise.resolve()),
    async shutdown() {
      if (!enabled) return;
      await core.flush();
      // What that flush had to drop (a 4xx on the last request) is still reported, once.
      if (exporter.dropped.size) await exporter.flush(false);
      enabled = false;
      if (metricsTimer) clearInterval(metricsTimer);
      metricsTimer = undefined;
      // OTel's rule: no export after shutdown; retries pending now stop (no timer left alive).
      exporter.sender.close();
    },
  };
  return core;
}

/**
 * plume.exporter.dropped: what the exporter had to drop, by signal and reason; and
 * plume.exporter.possible_duplicates: what it sent again although it may have arrived, by signal.
 */
function droppedMetric(exporter: Exporter, scope: { name: string; version: string }, delta: boolean, since: { t: number }): MetricData[] {
  const t = now();
  // The interval the counts cover: since the last collection (delta), or since the start.
  const start = since.t;
  if (delta) since.t = t;
  if (exporter.dropped.size === 0) return [];
  const dropped: MetricData['points'] = [], duplicates: MetricData['points'] = [];
  for (const [key, n] of exporter.dropped) {
    const [signal, reason] = key.split('/');
    const attributes: Attributes = reason === POSSIBLE_DUPLICATE ? { signal } : { signal, reason };
    const point = { attributes, start, time: t, value: n, isInt: true, exemplars: [] };
    (reason === POSSIBLE_DUPLICATE ? duplicates : dropped).push(point);
  }
  if (delta) exporter.dropped.clear();
  const sum = (name: string, description: string, points: MetricData['points']): MetricData[] => (points.length ? [{
    name, description, unit: '{item}', dataKind: DATA_SUM, temporality: delta ? 1 : 2, monotonic: true, points, scope,
  }] : []);
  return [
    ...sum('plume.exporter.dropped', 'Telemetry items Plume could not deliver', dropped),
    ...sum('plume.exporter.possible_duplicates', 'Telemetry items Plume sent again that may have arrived already', duplicates),
  ];
}
