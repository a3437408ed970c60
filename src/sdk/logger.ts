// Logger: emit() log records that carry the active trace and span ids, so logs link to traces.
import { now, toMs } from '../lib/clock.js';
import { cleanAttributes, type Limits } from './attributes.js';
import { context, type Context } from './context.js';
import type { Scope } from './span.js';
import { getSpan, isValidSpanContext } from './span-context.js';
import type { FinishedLog } from '../record/log.js';

export const SeverityNumber = {
  UNSPECIFIED: 0, TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21,
} as const;

export interface LogRecordInput {
  timestamp?: unknown;
  observedTimestamp?: unknown;
  severityNumber?: number;
  severityText?: string;
  body?: unknown;
  attributes?: Record<string, unknown>;
  eventName?: string;
  context?: Context;
}

export interface LoggerCore {
  limits: Limits;
  emit(log: FinishedLog): void;
  enabled(): boolean;
}

export class Logger {
  constructor(readonly scope: Scope, private readonly core: LoggerCore) {}

  emit(record: LogRecordInput): void {
    if (!this.core.enabled() || !record || typeof record !== 'object') return;
    const span = getSpan(record.context ?? context.active());
    // As OTel's SDK: the ids even of an unsampled trace (the flags say so), which may still
    // be kept elsewhere (the server's trace this page continues).
    const given = span?.spanContext();
    const sc = isValidSpanContext(given) ? given : undefined;
    const { values, dropped } = cleanAttributes(record.attributes, this.core.limits);
    const t = now();
    const sev = record.severityNumber;
    this.core.emit({
      time: toMs(record.timestamp) ?? t,
      observedTime: toMs(record.observedTimestamp) ?? t,
      severityNumber: typeof sev === 'number' && sev >= 0 && sev <= 24 ? sev | 0 : 0,
      severityText: typeof record.severityText === 'string' ? record.severityText : '',
      body: record.body,
      attributes: values,
      dropped,
      eventName: typeof record.eventName === 'string' ? record.eventName : '',
      spanContext: sc,
      scope: this.scope,
    });
  }
}
