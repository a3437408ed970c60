// Batches finished spans and log records (already written as records), collects metrics,
// encodes each batch to OTLP/protobuf and hands the bytes to the transport. Bounded: a
// signal's queue holds at most maxQueueSize items; what does not fit is dropped and counted
// in the plume.exporter.dropped metric.
import { SIGNAL_LOGS, SIGNAL_METRICS, SIGNAL_TRACES } from '../encode/layout.js';
import type { EncoderLoader } from '../encode/loader.js';
import { guard, warnOnce, W_CALLBACK, W_DROPPED } from '../lib/diag.js';
import { RecordBatch } from '../record/batch.js';
import { writeLog, type FinishedLog } from '../record/log.js';
import { writeMetric, type MetricData } from '../record/metric.js';
import { writeSpan } from '../record/span.js';
import type { Attributes } from '../sdk/attributes.js';
import type { ResolvedConfig, Signal } from '../sdk/config.js';
import type { FinishedSpan } from '../sdk/span.js';
import type { Transport } from '../transport/index.js';

const SIGNAL_CODE: Record<Signal, number> = { traces: SIGNAL_TRACES, metrics: SIGNAL_METRICS, logs: SIGNAL_LOGS };

/** debug: true - sees every item as it is recorded (export/console.ts prints them). */
export interface DebugSink { span(s: FinishedSpan): void; log(l: FinishedLog): void; metric(m: MetricData): void }

export class Exporter {
  private spans = new RecordBatch();
  private logs = new RecordBatch();
  private metricsBatch = new RecordBatch();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Drops by "signal/reason", reported as plume.exporter.dropped at the next collection. */
  readonly dropped = new Map<string, number>();
  /** Whoever can add metric data at collection time (meters). */
  collectors: (() => MetricData[])[] = [];
  private pending: Promise<unknown>[] = [];
  debug?: DebugSink;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly resource: Attributes,
    private readonly transport: Transport,
    private readonly encoder: EncoderLoader,
  ) {}

  countDrop(signal: Signal, reason: string, n = 1): void {
    const key = `${signal}/${reason}`;
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + n);
    warnOnce(W_DROPPED, `${signal} dropped (${reason}); counted in plume.exporter.dropped`);
  }

  onSpanEnd(span: FinishedSpan): void {
    const before = this.config.beforeSend;
    if (before) {
      let keep: unknown;
      try {
        keep = before(span);
      } catch (e) {
        warnOnce(W_CALLBACK, `beforeSend threw (${(e as Error)?.message ?? e}); the span is sent unchanged`);
        keep = span;
      }
      if (keep === null || keep === false) return;
    }
    if (this.debug) guard(() => this.debug!.span(span));
    if (this.spans.count >= this.config.batch.maxQueueSize) return this.countDrop('traces', 'queue_full');
    writeSpan(this.spans, span);
    this.itemAdded(this.spans);
  }

  onLog(log: FinishedLog): void {
    if (this.debug) guard(() => this.debug!.log(log));
    if (this.logs.count >= this.config.batch.maxQueueSize) return this.countDrop('logs', 'queue_full');
    writeLog(this.logs, log, this.config.limits.attributeValueLength);
    this.itemAdded(this.logs);
  }

  private itemAdded(batch: RecordBatch): void {
    if (batch.count >= this.config.batch.maxExportBatchSize) {
      // Not inside span.end(): the caller's code goes on, the encode runs right after.
      if (!this.timer || batch.count === this.config.batch.maxExportBatchSize) this.schedule(0);
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

  private send(signal: Signal, batch: RecordBatch, unloading: boolean): void {
    if (batch.count === 0) return;
    const items = batch.count;
    const encode = this.encoder.current();
    if (!encode) {
      if (unloading) {
        batch.reset();
        return this.countDrop(signal, 'encoder_not_ready', items);
      }
      // flush() waited for the encoder; only a failed load gets here. The records wait.
      return;
    }
    let body: Uint8Array | undefined;
    try {
      const root = batch.finish(this.resource);
      body = encode(SIGNAL_CODE[signal], batch.rec, root);
    } finally {
      batch.reset();
    }
    const p = this.transport.send(signal, body, items, unloading).then((ok) => {
      if (!ok) this.countDrop(signal, 'export_failed', items);
    });
    this.pending.push(p);
    void p.finally(() => { this.pending = this.pending.filter((x) => x !== p); });
  }

  /** Encodes and sends everything pending. `withMetrics` also collects the meters. */
  async flush(unloading: boolean, withMetrics = true): Promise<void> {
    // A live flush can wait for the encoder; a page going away cannot.
    if (!unloading && !this.encoder.current()) await this.encoder.ready().catch(() => undefined);
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    guard(() => this.send('traces', this.spans, unloading));
    guard(() => this.send('logs', this.logs, unloading));
    if (withMetrics) {
      guard(() => {
        for (const collect of this.collectors) {
          for (const m of collect()) {
            if (this.debug) guard(() => this.debug!.metric(m));
            writeMetric(this.metricsBatch, m);
          }
        }
        this.metricsBatch.count && this.send('metrics', this.metricsBatch, unloading);
      });
    }
    await Promise.all(this.pending);
  }
}
