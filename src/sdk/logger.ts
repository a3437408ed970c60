// Logger: emit() log records that carry the active trace and span ids, so logs link to traces.
// The API's Logger (@opentelemetry/api 1.10 and api-logs): emit(), enabled(), and a record's
// `exception` as the semantic conventions' exception.* attributes.
import { now, toMs } from '../lib/clock.js';
import { readOr } from '../lib/safe.js';
import { AttributeBag, type Limits } from './attributes.js';
import { context } from './context.js';
import type { Context, Logger as ApiLogger, LogRecord, SeverityNumber as SeverityNumberValue } from './otel-api.js';
import { exceptionAttributes, type Scope } from './span.js';
import { getSpan, spanContextOf } from './span-context.js';
import type { FinishedLog } from '../record/log.js';

export type { LogRecord } from './otel-api.js';

export const SeverityNumber = {
  UNSPECIFIED: 0, TRACE: 1, TRACE2: 2, TRACE3: 3, TRACE4: 4, DEBUG: 5, DEBUG2: 6, DEBUG3: 7, DEBUG4: 8,
  INFO: 9, INFO2: 10, INFO3: 11, INFO4: 12, WARN: 13, WARN2: 14, WARN3: 15, WARN4: 16,
  ERROR: 17, ERROR2: 18, ERROR3: 19, ERROR4: 20, FATAL: 21, FATAL2: 22, FATAL3: 23, FATAL4: 24,
} as const;
export type SeverityNumber = SeverityNumberValue;

export interface LoggerCore {
  limits: Limits;
  emit(log: FinishedLog): void;
  enabled(): boolean;
}

const FIELDS = [
  'timestamp', 'observedTimestamp', 'severityNumber', 'severityText', 'body', 'attributes', 'eventName', 'context', 'exception',
] as const;

export class Logger implements ApiLogger {
  constructor(readonly scope: Scope, private readonly core: LoggerCore) {}

  /** Whether a record would be recorded now: false only after shutdown (Plume has no per-logger filters). */
  enabled(_options?: { context?: Context; severityNumber?: SeverityNumber; eventName?: string }): boolean {
    return this.core.enabled();
  }

  emit(record: LogRecord): void {
    if (!this.core.enabled() || !record || typeof record !== 'object') return;
    let r: LogRecord;
    // Read once; a record whose getters (or Proxy traps) throw gives what can be read.
    try {
      const { timestamp, observedTimestamp, severityNumber, severityText, body, attributes, eventName, context: c, exception } = record;
      r = { timestamp, observedTimestamp, severityNumber, severityText, body, attributes, eventName, context: c, exception };
    } catch {
      r = {};
      for (const k of FIELDS) (r as Record<string, unknown>)[k] = readOr(record, k);
    }
    // As OTel's SDK: the ids even of an unsampled trace (the flags say so), which may still
    // be kept elsewhere (the server's trace this page continues).
    const sc = spanContextOf(getSpan(r.context ?? context.active()));
    const bag = new AttributeBag(this.core.limits);
    bag.setAll(r.attributes);
    // As OTel's SDK: an exception's attributes, where those given have none of the same key.
    if (r.exception !== undefined) {
      const ex = exceptionAttributes(r.exception);
      for (const k in ex) if (!Object.prototype.hasOwnProperty.call(bag.values, k)) bag.set(k, ex[k]);
    }
    const t = now();
    const sev = r.severityNumber;
    this.core.emit({
      time: toMs(r.timestamp) ?? t,
      observedTime: toMs(r.observedTimestamp) ?? t,
      severityNumber: typeof sev === 'number' && sev >= 0 && sev <= 24 ? sev | 0 : 0,
      severityText: typeof r.severityText === 'string' ? r.severityText : '',
      body: r.body,
      attributes: bag.values,
      dropped: bag.dropped,
      eventName: typeof r.eventName === 'string' ? r.eventName : '',
      spanContext: sc,
      scope: this.scope,
    });
  }
}
