// What every entry (plume, plume/custom, plume/edge, plume/zone) exports besides its own: the
// OTel API's values Plume has, and the types of everything it hands out, by name. Those types
// are @opentelemetry/api's (otel-api.ts): a library typed against the API takes Plume's
// objects, and an app can type its own code against plume alone.
export { SpanKind, SpanStatusCode, type FinishedSpan, type Scope, type SpanEvent, type SpanLink } from './span.js';
export { SeverityNumber } from './logger.js';
export { ValueType, type InstrumentOptions, type Meter } from './meter.js';
export { context, ROOT_CONTEXT, type ContextAPI } from './context.js';
export { propagation, type PropagationAPI } from './propagation.js';
export { getActiveSpan, getSpan, setSpan } from './span-context.js';
export type { BeforeSend, InstrumentationsConfig, PlumeConfig, SendInfo, Signal, TransportFunction, UrlMatcher } from './config.js';
export type { Plume } from './index.js';
export type {
  AnyValue, Attributes, AttributeValue, Baggage, BaggageEntry, BaggageEntryMetadata, BatchObservableCallback, BatchObservableResult,
  Context, ContextManager, Counter, Exception, Gauge, Histogram, HrTime, Link, Logger, LoggerOptions, LoggerProvider, LogRecord,
  MeterOptions, MeterProvider, MetricAdvice, MetricAttributes, MetricAttributeValue, MetricOptions, Observable, ObservableCallback,
  ObservableCounter, ObservableGauge, ObservableResult, ObservableUpDownCounter, Span, SpanAttributes, SpanAttributeValue, SpanContext,
  SpanOptions, SpanStatus, TextMapGetter, TextMapPropagator, TextMapSetter, TimeInput, TraceState, Tracer, TracerOptions,
  TracerProvider, UpDownCounter,
} from './otel-api.js';
