// debug: true - every finished span, metric point and log record printed readably, as the
// OTel getting-started guide's console exporter does. Loaded on demand (a separate chunk),
// so pages without debug never download it. It only reads: what is sent does not change.
import type { FinishedLog } from '../record/log.js';
import type { MetricData } from '../record/metric.js';
import type { FinishedSpan } from '../sdk/span.js';

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];
const iso = (ms: number) => new Date(ms).toISOString();

function printSpan(s: FinishedSpan, resource: object): void {
  const sc = s.spanContext();
  console.log('[plume] span', {
    name: s.name, kind: KIND[s.kind], traceId: sc.traceId, spanId: sc.spanId, parentSpanId: s.parentSpanId || undefined,
    scope: s.scope, start: iso(s.startTime), durationMs: +(s.endTime - s.startTime).toFixed(3),
    status: { code: STATUS[s.status.code], message: s.status.message }, attributes: { ...s.attributes },
    events: s.events.map((e) => ({ name: e.name, time: iso(e.time), attributes: e.attributes })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes })),
    dropped: { attributes: s.droppedAttributesCount, events: s.droppedEventsCount, links: s.droppedLinksCount },
    resource,
  });
}

function printLog(l: FinishedLog): void {
  console.log('[plume] log', {
    time: iso(l.time), severity: l.severityText || l.severityNumber, eventName: l.eventName || undefined, body: l.body,
    attributes: l.attributes, traceId: l.spanContext?.traceId, spanId: l.spanContext?.spanId, scope: l.scope,
  });
}

function printMetric(m: MetricData): void {
  for (const p of m.points) {
    const { exemplars, attributes, start, time, ...value } = p as unknown as Record<string, unknown> & { start: number; time: number };
    console.log('[plume] metric', {
      name: m.name, unit: m.unit || undefined, scope: m.scope, attributes, start: iso(start), time: iso(time), ...value,
      exemplars: (exemplars as unknown[]).length || undefined,
    });
  }
}

/** The exporter's debug sink: prints each item as it is recorded. */
export const printer = (resource: object) => (kind: string, item: unknown): void => {
  if (kind === 'span') printSpan(item as FinishedSpan, resource);
  else if (kind === 'log') printLog(item as FinishedLog);
  else printMetric(item as MetricData);
};
