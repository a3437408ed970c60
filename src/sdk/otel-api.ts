// The OpenTelemetry API's interfaces (@opentelemetry/api 1.10 and @opentelemetry/api-logs),
// as Plume implements and hands them out. Types only: nothing here exists at run time.
//
// They are copies, not imports, so that an app without @opentelemetry/api installed still gets
// complete types. They are written to be the same structural types as the API's, so Plume's
// tracer, spans, meter, logger, contexts and baggage are assignable where the API's types are
// expected, and the API's objects where Plume takes them (test/types checks both ways with
// the real package). Two deliberate differences, both for that two-way assignability:
// - The API's enums (SpanKind, SpanStatusCode, SeverityNumber, ValueType, TraceFlags) are
//   unions of their values here: TypeScript relates a numeric literal union and a numeric
//   enum both ways, and refuses values outside them (kind 9, status code 7) as the enum does.
// - BaggageEntryMetadata's brand is `any`, not the API's private unique symbol: no other
//   declaration can name that symbol, and with any the API's metadata is assignable to ours
//   and ours to the API's.

/** The API's Context: an immutable map keyed by symbols. */
export interface Context {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): Context;
  deleteValue(key: symbol): Context;
}

export interface ContextManagementToken { dispose(): void }

export interface ContextManager {
  active(): Context;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F>;
  bind<T>(context: Context, target: T): T;
  enable(): this;
  disable(): this;
  attach?(context: Context): ContextManagementToken;
}

/** Attribute values: the API (1.10) types them as any value; what Plume keeps is in the README ("attribute values"). */
export type AnyValue = unknown;
export type AttributeValue = AnyValue;
export interface Attributes { [attributeKey: string]: AnyValue }
export type SpanAttributes = Attributes;
export type SpanAttributeValue = AttributeValue;

/** [seconds, nanoseconds] */
export type HrTime = [number, number];
/** Epoch milliseconds or a performance.now() value, a Date, or [seconds, nanoseconds]. */
export type TimeInput = HrTime | number | Date;

interface ExceptionWithCode { code: string | number; name?: string; message?: string; stack?: string }
interface ExceptionWithMessage { code?: string | number; message: string; name?: string; stack?: string }
interface ExceptionWithName { code?: string | number; message?: string; name: string; stack?: string }
export type Exception = ExceptionWithCode | ExceptionWithMessage | ExceptionWithName | string;

/** The API's SpanKind values (OTLP's are these plus one). */
export type SpanKind = 0 | 1 | 2 | 3 | 4;
/** UNSET 0, OK 1, ERROR 2. */
export type SpanStatusCode = 0 | 1 | 2;
export interface SpanStatus { code: SpanStatusCode; message?: string }

/** The W3C tracestate as the API has it: immutable, every change returns a new one. */
export interface TraceState {
  set(key: string, value: string): TraceState;
  unset(key: string): TraceState;
  get(key: string): string | undefined;
  serialize(): string;
}

export interface SpanContext {
  traceId: string;
  spanId: string;
  isRemote?: boolean;
  traceFlags: number;
  traceState?: TraceState;
}

export interface Link {
  context: SpanContext;
  attributes?: SpanAttributes;
  droppedAttributesCount?: number;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  startTime?: TimeInput;
  root?: boolean;
}

export interface Span {
  spanContext(): SpanContext;
  setAttribute(key: string, value: SpanAttributeValue): this;
  setAttributes(attributes: SpanAttributes): this;
  addEvent(name: string, attributesOrStartTime?: SpanAttributes | TimeInput, startTime?: TimeInput): this;
  addLink(link: Link): this;
  addLinks(links: Link[]): this;
  setStatus(status: SpanStatus): this;
  updateName(name: string): this;
  end(endTime?: TimeInput): void;
  isRecording(): boolean;
  recordException(exception: Exception, time?: TimeInput): void;
}

export interface Tracer {
  startSpan(name: string, options?: SpanOptions, context?: Context): Span;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
}

export interface TracerOptions { schemaUrl?: string }
export interface TracerProvider { getTracer(name: string, version?: string, options?: TracerOptions): Tracer }

// ---- metrics

/** INT 0, DOUBLE 1. */
export type ValueType = 0 | 1;
export interface MetricAdvice { explicitBucketBoundaries?: number[] }
export interface MetricOptions {
  description?: string;
  unit?: string;
  valueType?: ValueType;
  advice?: MetricAdvice;
}
export type MetricAttributes = Attributes;
export type MetricAttributeValue = AttributeValue;

export interface Counter<A extends MetricAttributes = MetricAttributes> { add(value: number, attributes?: A, context?: Context): void }
export interface UpDownCounter<A extends MetricAttributes = MetricAttributes> {
  add(value: number, attributes?: A, context?: Context): void;
}
export interface Gauge<A extends MetricAttributes = MetricAttributes> { record(value: number, attributes?: A, context?: Context): void }
export interface Histogram<A extends MetricAttributes = MetricAttributes> { record(value: number, attributes?: A, context?: Context): void }

export interface ObservableResult<A extends MetricAttributes = MetricAttributes> {
  observe(this: ObservableResult<A>, value: number, attributes?: A): void;
}
export interface BatchObservableResult<A extends MetricAttributes = MetricAttributes> {
  observe(this: BatchObservableResult<A>, metric: Observable<A>, value: number, attributes?: A): void;
}
export type ObservableCallback<A extends MetricAttributes = MetricAttributes> =
  (observableResult: ObservableResult<A>) => void | Promise<void>;
export type BatchObservableCallback<A extends MetricAttributes = MetricAttributes> =
  (observableResult: BatchObservableResult<A>) => void | Promise<void>;
export interface Observable<A extends MetricAttributes = MetricAttributes> {
  addCallback(callback: ObservableCallback<A>): void;
  removeCallback(callback: ObservableCallback<A>): void;
}
export type ObservableCounter<A extends MetricAttributes = MetricAttributes> = Observable<A>;
export type ObservableUpDownCounter<A extends MetricAttributes = MetricAttributes> = Observable<A>;
export type ObservableGauge<A extends MetricAttributes = MetricAttributes> = Observable<A>;

export interface Meter {
  createGauge<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): Gauge<A>;
  createHistogram<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): Histogram<A>;
  createCounter<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): Counter<A>;
  createUpDownCounter<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): UpDownCounter<A>;
  createObservableGauge<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): ObservableGauge<A>;
  createObservableCounter<A extends MetricAttributes = MetricAttributes>(name: string, options?: MetricOptions): ObservableCounter<A>;
  createObservableUpDownCounter<A extends MetricAttributes = MetricAttributes>(
    name: string, options?: MetricOptions): ObservableUpDownCounter<A>;
  addBatchObservableCallback<A extends MetricAttributes = MetricAttributes>(
    callback: BatchObservableCallback<A>, observables: Observable<A>[]): void;
  removeBatchObservableCallback<A extends MetricAttributes = MetricAttributes>(
    callback: BatchObservableCallback<A>, observables: Observable<A>[]): void;
}

export interface MeterOptions { schemaUrl?: string }
export interface MeterProvider { getMeter(name: string, version?: string, options?: MeterOptions): Meter }

// ---- logs (the API's logs, as in @opentelemetry/api 1.10 and @opentelemetry/api-logs)

/** 0 (UNSPECIFIED) to 24 (FATAL4): TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24. */
export type SeverityNumber =
  0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24;

export interface LogRecord {
  eventName?: string;
  timestamp?: TimeInput;
  observedTimestamp?: TimeInput;
  severityNumber?: SeverityNumber;
  severityText?: string;
  body?: AnyValue;
  attributes?: Attributes;
  /** Recorded as exception.type, exception.message and exception.stacktrace attributes. */
  exception?: unknown;
  context?: Context;
}

export interface Logger {
  emit(logRecord: LogRecord): void;
  enabled(options?: { context?: Context; severityNumber?: SeverityNumber; eventName?: string }): boolean;
}

export interface LoggerOptions { schemaUrl?: string; attributes?: Attributes }
export interface LoggerProvider { getLogger(name: string, version?: string, options?: LoggerOptions): Logger }

// ---- baggage and propagation

export type BaggageEntryMetadata = { toString(): string } & {
  // The API brands this with a unique symbol of its own, which no other declaration can name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  __TYPE__: any;
};
export interface BaggageEntry { value: string; metadata?: BaggageEntryMetadata }
export interface Baggage {
  getEntry(key: string): BaggageEntry | undefined;
  getAllEntries(): [string, BaggageEntry][];
  setEntry(key: string, entry: BaggageEntry): Baggage;
  removeEntry(key: string): Baggage;
  removeEntries(...key: string[]): Baggage;
  clear(): Baggage;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TextMapSetter<Carrier = any> { set(carrier: Carrier, key: string, value: string): void }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TextMapGetter<Carrier = any> {
  keys(carrier: Carrier): string[];
  get(carrier: Carrier, key: string): undefined | string | string[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TextMapPropagator<Carrier = any> {
  inject(context: Context, carrier: Carrier, setter: TextMapSetter<Carrier>): void;
  extract(context: Context, carrier: Carrier, getter: TextMapGetter<Carrier>): Context;
  fields(): string[];
}
