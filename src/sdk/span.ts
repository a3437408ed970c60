// The recording span. It lives in JS only until end(): then it is written once into the
// batch's compact records (record/span.ts) and its attributes, events and links released.
import { guard, isDebug, warnOnce, W_INTERNAL } from '../lib/diag.js';
import { now, toMs } from '../lib/clock.js';
import { isValidSpanId, isValidTraceId } from '../lib/ids.js';
import { AttributeBag, DEFAULT_LIMITS, type Attributes, type Limits } from './attributes.js';
import type { SpanContext, SpanLike } from './span-context.js';

/** The OTel API's SpanKind values (OTLP's are these plus one). */
export const SpanKind = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as const;
export const SpanStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanStatus { code: number; message?: string }
export interface Link { context: SpanContext; attributes?: Record<string, unknown> }
export interface SpanEvent { name: string; time: number; attributes: Attributes; dropped: number }
export interface SpanLink { context: SpanContext; attributes: Attributes; dropped: number }
export interface Scope { name: string; version?: string }

/** What a finished span looks like to the record writer and to beforeSend. */
export interface FinishedSpan {
  name: string;
  kind: number;
  spanContext(): SpanContext;
  parentSpanId: string;
  /** Whether the parent came from another process (traceparent, Server-Timing, <meta>). */
  parentIsRemote: boolean;
  startTime: number;
  endTime: number;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  scope: Scope;
}

export interface SpanSink { onEnd(span: Span): void }

/**
 * A finished span that outlives end(): end() lets the span's own attributes, events and
 * links go once its sink returns, so whoever keeps one for later keeps this copy.
 */
export function snapshotSpan(s: FinishedSpan): FinishedSpan {
  const sc = s.spanContext();
  return { ...s, name: s.name, attributes: s.attributes, droppedAttributesCount: s.droppedAttributesCount, spanContext: () => sc };
}

const NO_EVENTS: SpanEvent[] = [];
const NO_LINKS: SpanLink[] = [];
const EMPTY_BAG = new AttributeBag(DEFAULT_LIMITS);

export class Span implements SpanLike, FinishedSpan {
  name: string;
  startTime: number;
  endTime = 0;
  private bag: AttributeBag;
  events: SpanEvent[] = NO_EVENTS;
  droppedEventsCount = 0;
  links: SpanLink[] = NO_LINKS;
  droppedLinksCount = 0;
  status: SpanStatus = { code: 0 };
  private ended = false;

  constructor(
    private readonly ctx: SpanContext,
    name: string,
    readonly kind: number,
    readonly parentSpanId: string,
    readonly parentIsRemote: boolean,
    startTime: number | undefined,
    readonly scope: Scope,
    private readonly limits: Limits,
    private readonly sink: SpanSink,
  ) {
    this.name = String(name);
    this.startTime = startTime ?? now();
    this.bag = new AttributeBag(limits);
  }

  get attributes(): Attributes { return this.bag.values; }
  set attributes(v: Attributes) { this.bag = new AttributeBag(this.limits); this.bag.setAll(v); }
  get droppedAttributesCount(): number { return this.bag.dropped; }

  spanContext(): SpanContext { return this.ctx; }
  isRecording(): boolean { return !this.ended; }

  setAttribute(key: string, value: unknown): this {
    if (!this.ended) this.bag.set(key, value);
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    if (!this.ended) this.bag.setAll(attributes);
    return this;
  }

  addEvent(name: string, attributesOrTime?: unknown, time?: unknown): this {
    if (this.ended) return this;
    if (this.events.length >= this.limits.eventCount) { this.droppedEventsCount++; return this; }
    let attrs = attributesOrTime;
    if (time === undefined && toMs(attributesOrTime) !== undefined) { time = attributesOrTime; attrs = undefined; }
    const bag = new AttributeBag(this.limits);
    bag.setAll(attrs);
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push({ name: String(name), time: toMs(time) ?? now(), attributes: bag.values, dropped: bag.dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended || !link || !link.context) return this;
    const c = link.context;
    // A link must point at a real span; anything else is dropped and counted.
    if (this.links.length >= this.limits.linkCount || !isValidTraceId(c.traceId) || !isValidSpanId(c.spanId)) {
      this.droppedLinksCount++;
      return this;
    }
    const bag = new AttributeBag(this.limits);
    bag.setAll(link.attributes);
    if (this.links === NO_LINKS) this.links = [];
    this.links.push({ context: link.context, attributes: bag.values, dropped: bag.dropped });
    return this;
  }

  addLinks(links: Link[]): this {
    if (Array.isArray(links)) for (const l of links) this.addLink(l);
    return this;
  }

  /** OTel rules: OK is final; UNSET changes nothing; a message only goes with ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.ended || !status || this.status.code === SpanStatusCode.OK) return this;
    if (status.code === SpanStatusCode.OK) this.status = { code: 1 };
    else if (status.code === SpanStatusCode.ERROR) {
      this.status = { code: 2, message: typeof status.message === 'string' ? status.message : undefined };
    }
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = String(name);
    return this;
  }

  recordException(exception: unknown, time?: unknown): void {
    this.addEvent('exception', exceptionAttributes(exception), time);
  }

  end(endTime?: unknown): void {
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

/** exception.* attributes (semantic conventions) from whatever was thrown. */
export function exceptionAttributes(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e && typeof e === 'object') {
    const err = e as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; constructor?: { name?: string } };
    const type = typeof err.name === 'string' && err.name ? err.name : err.constructor?.name;
    if (type) out['exception.type'] = String(type);
    if (err.message !== undefined) out['exception.message'] = String(err.message);
    if (typeof err.stack === 'string') out['exception.stacktrace'] = err.stack;
    if (!out['exception.type'] && err.code !== undefined) out['exception.type'] = String(err.code);
  } else {
    out['exception.message'] = String(e);
  }
  return out;
}

/** A span that records nothing: unsampled, or after shutdown. It still carries its context. */
export class NonRecordingSpan implements SpanLike {
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

export type AnySpan = Span | NonRecordingSpan;
