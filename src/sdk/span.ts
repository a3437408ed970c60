// The recording span. It lives in JS only until end(): then it is written once into the
// batch's compact records (record/span.ts) and its attributes, events and links released.
import { guard, isDebug, warnOnce, W_INTERNAL, W_WRONG_TYPE } from '../lib/diag.js';
import { now, toMs } from '../lib/clock.js';
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { read, readOr, str, UNREADABLE } from '../lib/safe.js';
import { AttributeBag, DEFAULT_LIMITS, type Attributes, type Limits } from './attributes.js';
import type {
  Exception, Link, Span as ApiSpan, SpanAttributes, SpanAttributeValue, SpanContext, SpanKind as SpanKindValue, SpanStatus,
  SpanStatusCode as SpanStatusCodeValue, TimeInput,
} from './otel-api.js';
import { toTraceState } from './trace-state.js';

/** The OTel API's SpanKind values (OTLP's are these plus one). */
export const SpanKind = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as const;
export type SpanKind = SpanKindValue;
export const SpanStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type SpanStatusCode = SpanStatusCodeValue;

export interface SpanEvent { readonly name: string; readonly time: number; readonly attributes: Attributes; readonly dropped: number }
export interface SpanLink { readonly context: SpanContext; readonly attributes: Attributes; readonly dropped: number }
/** The instrumentation scope: the name and version given to getTracer/getMeter/getLogger. */
export interface Scope { readonly name: string; readonly version?: string }

/**
 * A finished span, as beforeSend and the record writer see it. beforeSend may change its name
 * and its attributes' values (redact, delete); the rest is what happened and stays as it is.
 * Times are epoch milliseconds.
 */
export interface FinishedSpan {
  name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  /** The parent's span id, '' for a root span. */
  readonly parentSpanId: string;
  /** Whether the parent came from another process (traceparent, Server-Timing, <meta>). */
  readonly parentIsRemote: boolean;
  readonly startTime: number;
  readonly endTime: number;
  /** Values may be changed or deleted; what is written is validated as any attribute is. */
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLink[];
  readonly droppedLinksCount: number;
  readonly status: Readonly<SpanStatus>;
  readonly scope: Scope;
}

export interface SpanSink { onEnd(span: RecordingSpan): void }

/**
 * A finished span that outlives end(): end() lets the span's own attributes, events and
 * links go once its sink returns, so whoever keeps one for later keeps this copy.
 */
export function snapshotSpan(s: FinishedSpan): FinishedSpan {
  const sc = s.spanContext();
  return { ...s, name: s.name, attributes: s.attributes, droppedAttributesCount: s.droppedAttributesCount, spanContext: () => sc };
}

/** A span or event name: a string as it is, anything else as String() makes it; undefined (and a warning) when that throws. */
export function nameOf(name: unknown): string | undefined {
  if (typeof name === 'string') return name;
  const s = str(name);
  if (s === undefined) warnOnce(W_WRONG_TYPE, 'a span or event name could not be read as a string (its toString threw): ignored');
  return s;
}

const NO_EVENTS: SpanEvent[] = [];
const NO_LINKS: SpanLink[] = [];
const EMPTY_BAG = new AttributeBag(DEFAULT_LIMITS);

export class RecordingSpan implements ApiSpan, FinishedSpan {
  name: string;
  startTime: number;
  endTime = 0;
  private bag: AttributeBag;
  events: SpanEvent[] = NO_EVENTS;
  droppedEventsCount = 0;
  links: SpanLink[] = NO_LINKS;
  droppedLinksCount = 0;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  private ended = false;

  constructor(
    private readonly ctx: SpanContext,
    name: string,
    readonly kind: SpanKind,
    readonly parentSpanId: string,
    readonly parentIsRemote: boolean,
    startTime: number | undefined,
    readonly scope: Scope,
    private readonly limits: Limits,
    private readonly sink: SpanSink,
  ) {
    this.name = nameOf(name) ?? '';
    this.startTime = startTime ?? now();
    this.bag = new AttributeBag(limits);
  }

  get attributes(): Attributes { return this.bag.values; }
  get droppedAttributesCount(): number { return this.bag.dropped; }

  spanContext(): SpanContext { return this.ctx; }
  isRecording(): boolean { return !this.ended; }

  setAttribute(key: string, value: SpanAttributeValue): this {
    if (!this.ended) this.bag.set(key, value);
    return this;
  }

  setAttributes(attributes: SpanAttributes): this {
    if (!this.ended) this.bag.setAll(attributes);
    return this;
  }

  addEvent(name: string, attributesOrTime?: SpanAttributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if (this.events.length >= this.limits.eventCount) { this.droppedEventsCount++; return this; }
    let attrs: unknown = attributesOrTime;
    if (time === undefined && toMs(attributesOrTime) !== undefined) { time = attributesOrTime as TimeInput; attrs = undefined; }
    const bag = new AttributeBag(this.limits);
    bag.setAll(attrs);
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push({ name: nameOf(name) ?? '', time: toMs(time) ?? now(), attributes: bag.values, dropped: bag.dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended || !link) return this;
    let c: SpanContext, attributes: unknown, context: SpanContext;
    try {
      ({ context: c, attributes } = link);
      if (!c) return this;
      // A copy, read once: the caller's object may change later, and its traceState may be anyone's.
      const { traceId, spanId, traceFlags, isRemote, traceState } = c;
      const flags = typeof traceFlags === 'number' ? traceFlags : 0;
      context = { traceId, spanId, traceFlags: flags, isRemote: isRemote === true, traceState: toTraceState(traceState) };
    } catch {
      this.droppedLinksCount++;
      return this;
    }
    // A link must point at a real span; anything else is dropped and counted.
    if (this.links.length >= this.limits.linkCount || !isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) {
      this.droppedLinksCount++;
      return this;
    }
    const bag = new AttributeBag(this.limits);
    bag.setAll(attributes);
    if (this.links === NO_LINKS) this.links = [];
    this.links.push({ context, attributes: bag.values, dropped: bag.dropped });
    return this;
  }

  addLinks(links: Link[]): this {
    // A list that cannot be walked (a Proxy) counts as one dropped link.
    try {
      if (Array.isArray(links)) for (const l of links) this.addLink(l);
    } catch {
      this.droppedLinksCount++;
    }
    return this;
  }

  /** OTel rules: OK is final; UNSET changes nothing; a message only goes with ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.ended || !status || this.status.code === SpanStatusCode.OK) return this;
    const code = readOr(status, 'code');
    if (code === SpanStatusCode.OK) this.status = { code: 1 };
    else if (code === SpanStatusCode.ERROR) {
      const message = readOr(status, 'message');
      this.status = { code: 2, message: typeof message === 'string' ? message : undefined };
    }
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = nameOf(name) ?? this.name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.addEvent('exception', exceptionAttributes(exception), time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      if (isDebug()) warnOnce(W_INTERNAL, `span "${this.name}" ended more than once; later end() calls are ignored`);
      return;
    }
    this.ended = true;
    const t = toMs(endTime) ?? now();
    // A clock that went backwards (or a wrong endTime) must not produce a negative duration.
    this.endTime = t < this.startTime ? this.startTime : t;
    guard(() => this.sink.onEnd(this));
    // The record holds the data now; let the JS objects go (shared empties: no allocation).
    this.events = NO_EVENTS;
    this.links = NO_LINKS;
    this.bag = EMPTY_BAG;
  }
}

/**
 * exception.* attributes (semantic conventions) from whatever was thrown. Each field is read
 * on its own: one whose getter throws (or whose toString does) is left out, the rest stay.
 */
export function exceptionAttributes(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e && typeof e === 'object') {
    const name = read(e, 'name');
    const type = typeof name === 'string' && name ? name : readOr(readOr(e, 'constructor'), 'name');
    if (type && typeof type === 'string') out['exception.type'] = type;
    const message = read(e, 'message');
    const m = message === undefined || message === UNREADABLE ? undefined : str(message);
    if (m !== undefined) out['exception.message'] = m;
    const stack = read(e, 'stack');
    if (typeof stack === 'string') out['exception.stacktrace'] = stack;
    if (!out['exception.type']) {
      const code = read(e, 'code');
      const c = code === undefined || code === UNREADABLE ? undefined : str(code);
      if (c !== undefined) out['exception.type'] = c;
    }
  } else {
    const m = str(e);
    if (m !== undefined) out['exception.message'] = m;
  }
  return out;
}

/** A span that records nothing: unsampled, after shutdown, or a remote parent. It still carries its context. */
export class NonRecordingSpan implements ApiSpan {
  constructor(private readonly ctx: SpanContext) {}
  spanContext(): SpanContext { return this.ctx; }
  isRecording(): boolean { return false; }
  setAttribute(): this { return this; }
  setAttributes(): this { return this; }
  addEvent(): this { return this; }
  addLink(): this { return this; }
  addLinks(): this { return this; }
  setStatus(): this { return this; }
  updateName(): this { return this; }
  recordException(): void {}
  end(): void {}
}

