// Batches finished spans and log records (already written as records), collects metrics,
// encodes each batch into requests that fit the transport (export/outbox.ts holds them until
// delivered) and hands them to the sender. Memory is bounded twice: at most maxQueueSize items
// per signal wait as records, at most maxQueueBytes as encoded requests. Every drop is counted
// by signal and reason and reported as the plume.exporter.dropped metric.
import { SIGNAL_LOGS, SIGNAL_METRICS, SIGNAL_TRACES } from '../encode/layout.js';
import type { EncoderLoader } from '../encode/loader.js';
import { guard, warnOnce, W_CALLBACK, W_DROPPED } from '../lib/diag.js';
import { whenIdle } from '../lib/idle.js';
import { encodeChunks, PRIORITY_ERROR, PRIORITY_METRIC, PRIORITY_NORMAL, RecordBatch } from '../record/batch.js';
import { writeLog, type FinishedLog } from '../record/log.js';
import { writeMetric, type MetricData } from '../record/metric.js';
import { writeSpan } from '../record/span.js';
import type { Attributes } from '../sdk/attributes.js';
import type { ResolvedConfig, Signal } from '../sdk/config.js';
import { cleanAttributes, type Limits } from '../sdk/attributes.js';
import { nameOf, snapshotSpan, type FinishedSpan } from '../sdk/span.js';
import { errorText, readOr } from '../lib/safe.js';
import type { Transport } from '../transport/index.js';
import { LIVE_SHARE, Sender } from '../transport/sender.js';
import { Outbox, payloadId } from './outbox.js';
import { loadReplay } from '../lib/chunks.js';
import { hasPersisted, persist, persistDropped, POSSIBLE_DUPLICATE, storage } from './persist.js';

const SIGNAL_CODE: Record<Signal, number> = { traces: SIGNAL_TRACES, metrics: SIGNAL_METRICS, logs: SIGNAL_LOGS };

/**
 * Attributes every span and log record gets as it is recorded (the browser's session ids), unless
 * it has one of them already (a session.end names the session that ended): then it keeps its own.
 * get() is undefined while they are not known yet: finished items then wait (bounded), so that
 * page start-up does not pay for the synchronous storage read a session needs (1-5 ms on a
 * cold page in Chromium, a fraction of that once it has loaded). resolve() makes them known;
 * every flush calls it first.
 */
export interface ItemAttributes { get(): Record<string, unknown> | undefined; resolve(): void }

/** debug: true - sees every item as it is recorded (export/console.ts prints them). */
export type DebugSink = (kind: 'span' | 'log' | 'metric', item: FinishedSpan | FinishedLog | MetricData) => void;

/**
 * A span after beforeSend, which may have set anything: its name and attribute values are
 * validated again as any input is (what is invalid is dropped and counted), into a copy.
 */
function checked(span: FinishedSpan, limits: Limits): FinishedSpan {
  const { values, dropped } = cleanAttributes(readOr(span, 'attributes'), limits);
  const name = nameOf(readOr(span, 'name')) ?? '';
  return { ...snapshotSpan(span), name, attributes: values, droppedAttributesCount: span.droppedAttributesCount + dropped };
}

export class Exporter {
  private spans = new RecordBatch();
  private logs = new RecordBatch();
  private metricsBatch = new RecordBatch();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Drops by "signal/reason", reported as plume.exporter.dropped at the next collection; under
   * POSSIBLE_DUPLICATE, items sent again that may have arrived (plume.exporter.possible_duplicates).
   */
  readonly dropped = new Map<string, number>();
  /** Whoever can add metric data at collection time (meters). */
  collectors: (() => MetricData[])[] = [];
  debug?: DebugSink;
  itemAttributes?: ItemAttributes;
  /** Finished spans and logs waiting for itemAttributes. */
  private waiting: (FinishedSpan | FinishedLog)[] = [];
  private replayed = false;
  private replaying: Promise<void> | undefined;
  private released = false;
  /** Work that produces items, done at the next export rather than now. */
  private deferred: (() => void)[] = [];
  readonly outbox: Outbox;
  readonly sender: Sender;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly resource: () => Attributes,
    transport: Transport,
    private readonly encoder: EncoderLoader,
  ) {
    this.outbox = new Outbox(config.batch.maxQueueBytes, (p, reason) => this.countDrop(p.signal, reason, p.items));
    this.sender = new Sender(this.outbox, transport, (signal, reason, n) => this.countDrop(signal, reason, n));
  }

  countDrop(signal: Signal, reason: string, n = 1): void {
    if (n <= 0) return;
    const key = `${signal}/${reason}`;
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + n);
    if (reason !== POSSIBLE_DUPLICATE) warnOnce(W_DROPPED, `${signal} dropped (${reason}); counted in plume.exporter.dropped`);
  }

  /** Whether the item waits for its item attributes (they are added to it otherwise). */
  private waits(item: FinishedSpan | FinishedLog, span: boolean): boolean {
    const ia = this.itemAttributes;
    if (!ia) return false;
    const extra = ia.get();
    if (extra) {
      const own = item.attributes;
      for (const k in extra) if (Object.prototype.hasOwnProperty.call(own, k)) return false;
      Object.assign(own, extra);
      return false;
    }
    this.waiting.push(span ? snapshotSpan(item as FinishedSpan) : item);
    // A burst before they are known: know them now rather than hold more than one batch.
    if (this.waiting.length >= this.config.batch.maxExportBatchSize) this.release();
    else if (this.waiting.length === 1) {
      // Something needs them now: learn them once the main thread is idle. Left to a page
      // going away, that work (a storage read, writing every waiting item) comes before its
      // beacons, and a closing tab may not wait for it. (The browser readies the encoder
      // after load on its own.)
      whenIdle(() => guard(() => this.release()), 1000, 0);
      if (!this.timer) this.schedule(this.config.batch.scheduledDelayMillis);
    }
    return true;
  }

  /**
   * Runs fn at the next export, and makes sure there is one: items that can be made as well
   * later as now (the page-load spans, from timings that no longer change) cost the loading
   * page nothing.
   */
  atExport(fn: () => void): void {
    this.deferred.push(fn);
    if (!this.timer) this.schedule(this.config.batch.scheduledDelayMillis);
  }

  /** Makes the item attributes known and records what waited for them. */
  release(): void {
    if (!this.itemAttributes || this.released) return;
    this.released = true;
    this.itemAttributes.resolve();
    const items = this.waiting;
    this.waiting = [];
    // One at a time: an item that fails cannot take the ones after it along.
    for (const item of items) guard(() => ('severityNumber' in item ? this.onLog(item) : this.onSpanEnd(item)));
  }

  onSpanEnd(span: FinishedSpan): void {
    if (this.waits(span, true)) return;
    const before = this.config.beforeSend;
    if (before) {
      let keep: unknown;
      try {
        keep = before(span);
      } catch (e) {
        warnOnce(W_CALLBACK, `beforeSend threw (${errorText(e)}); the span is sent as it is`);
        keep = span;
      }
      if (keep === null || keep === false) return;
      if (keep !== span && keep !== undefined) {
        warnOnce(W_CALLBACK, 'beforeSend returned neither the span it was given nor null: that span is sent');
      }
      try { span = checked(span, this.config.limits); } catch { return this.countDrop('traces', 'invalid'); }
    }
    if (this.debug) guard(() => this.debug!('span', span));
    if (this.full(this.spans)) return this.countDrop('traces', 'queue_full');
    // try/catch, not guard(): no closure per span on the hot path.
    try { writeSpan(this.spans, span); } catch { return this.countDrop('traces', 'invalid'); }
    this.itemAdded('traces', this.spans);
  }

  onLog(log: FinishedLog): void {
    if (this.waits(log, false)) return;
    if (this.debug) guard(() => this.debug!('log', log));
    if (this.full(this.logs)) return this.countDrop('logs', 'queue_full');
    // Never thrown at emit(): a record that cannot be written is counted instead.
    try { writeLog(this.logs, log, this.config.limits.attributeValueLength); } catch { return this.countDrop('logs', 'invalid'); }
    this.itemAdded('logs', this.logs);
  }

  /** Records not yet encoded are bounded by count and by bytes (a burst can outrun the timer). */
  private full(batch: RecordBatch): boolean {
    return batch.count >= this.config.batch.maxQueueSize || batch.rec.size >= this.config.batch.maxQueueBytes;
  }

  private itemAdded(signal: Signal, batch: RecordBatch): void {
    if (batch.count >= this.config.batch.maxExportBatchSize) {
      // A full batch is encoded now (well under a millisecond in wasm for 512 spans): a burst
      // then fills the bounded outbox with compact bytes instead of overflowing the records.
      guard(() => this.enqueue(signal, batch, LIVE_SHARE, false));
      this.sender.pump();
    } else if (!this.timer) {
      this.schedule(this.config.batch.scheduledDelayMillis);
    }
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush(false, false);
    }, ms);
  }

  /**
   * Encodes a batch (or, going away, its items of one priority, the batch reset by the
   * caller) into requests of at most `limit` bytes and queues them.
   */
  private enqueue(signal: Signal, batch: RecordBatch, limit: number, unloading: boolean, room?: { left: number }, only?: number): void {
    if (batch.count === 0) return;
    const count = only === undefined ? batch.count : batch.items.filter((it) => it.priority === only).length;
    if (count === 0) return;
    const encode = this.encoder.current();
    if (!encode) {
      // Only a page going away before any encoder could load gets here (a live flush waits).
      if (unloading) {
        this.countDrop(signal, 'encoder_not_ready', batch.count);
        batch.reset();
      }
      return;
    }
    try {
      const chunks = encodeChunks(batch, this.resource(), limit, (rec, root) => encode(SIGNAL_CODE[signal], rec, root), unloading, room, only);
      for (const c of chunks) {
        this.outbox.push({ id: payloadId(), signal, body: c.body, items: c.items, priority: c.priority, attempts: 0, inflight: false, keepalive: false });
      }
    } catch (e) {
      this.countDrop(signal, 'encode_failed', count);
      guard(() => { throw e; });
    } finally {
      if (only === undefined) batch.reset();
    }
  }

  private collectMetrics(): void {
    for (const collect of this.collectors) {
      for (const m of collect()) {
        if (this.debug) guard(() => this.debug!('metric', m));
        writeMetric(this.metricsBatch, m);
      }
    }
  }

  /** Encodes everything pending and sends it. Resolves when each request has been tried once. */
  async flush(unloading: boolean, withMetrics = true): Promise<void> {
    for (const fn of this.deferred.splice(0)) guard(fn);
    guard(() => this.release());
    // What earlier pages persisted: the browser entry looks at the first idle moment after load
    // where an earlier page of ours is likely (browser-core.ts); the first export looks in any
    // case (a visit's first page, or what an earlier page wrote after that look).
    if (!unloading && !this.replayed) {
      this.replayed = true;
      await this.replay().catch(() => undefined);
    }
    // A live flush waits for the encoder (compiled off the main thread); a page going away
    // cannot, and enqueue() compiles synchronously then.
    if (!unloading && this.encoder.kind() === 'none') await this.encoder.ready().catch(() => undefined);
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (withMetrics) guard(() => this.collectMetrics());
    const batches = [['logs', this.logs], ['traces', this.spans], ['metrics', this.metricsBatch]] as const;
    if (unloading) {
      // Going away, requests are cut to fill what the quota still allows, in order of value
      // across signals (error logs and spans, then metrics, then the rest): what does not fit
      // is persisted, and that should be the least valuable part. No part is over our live
      // share of the quota: what is persisted, the next page then sends with keepalive.
      const room = { left: this.sender.budget() };
      const limit = Math.max(1024, Math.min(room.left, LIVE_SHARE));
      for (const priority of [PRIORITY_ERROR, PRIORITY_METRIC, PRIORITY_NORMAL]) {
        for (const [signal, batch] of batches) guard(() => this.enqueue(signal, batch, limit, true, room, priority));
      }
      for (const [, batch] of batches) batch.reset();
      return this.unload();
    }
    for (const [signal, batch] of batches) guard(() => this.enqueue(signal, batch, LIVE_SHARE, false));
    this.sender.pump();
    await this.sender.settled();
  }

  private unload(): void {
    // What could not leave waits in storage for the next page of this origin.
    const { lost, reason } = persist(this.sender.unload(), this.config.batch.persistMaxChars);
    for (const p of lost) this.countDrop(p.signal, reason, p.items);
    // Drops not yet reported travel with them; where they cannot be stored they stay here,
    // for this page to report if it lives on (hidden, then shown).
    if (persistDropped(this.dropped)) this.dropped.clear();
  }

  /**
   * Queues what earlier pages (or this one, before it was hidden) persisted, and their drop
   * counts (export/replay.ts, loaded only when there is something to read).
   */
  replay(): Promise<void> {
    // One at a time: the load-idle look and the first export's may overlap.
    return (this.replaying ??= (async () => {
      const st = storage();
      // A part that cannot load (offline, blocked) leaves the data where it is, for a later try.
      if (st && hasPersisted(st)) await loadReplay().then((m) => m.replayPersisted(st, this.outbox, this.dropped)).catch(() => undefined);
      this.sender.pump();
    })().finally(() => { this.replaying = undefined; }));
  }
}
