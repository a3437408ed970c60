// Row shapes the collector stores and answers queries with. Timestamps stay decimal strings
// (uint64 nanoseconds do not fit a double); everything else is plain JSON-able data.

/**
 * An OTLP AnyValue as plain JS: string, boolean, number (int64 when it fits a double
 * exactly, else a decimal string), array, object (kvlist), base64 string (bytes), null (empty).
 * Non-finite doubles are kept as the strings 'NaN', 'Infinity', '-Infinity' so that rows
 * survive a JSON round trip through the store.
 */
export type JsValue = string | number | boolean | null | JsValue[] | { [key: string]: JsValue };
export type Attributes = Record<string, JsValue>;

export interface SpanEvent { name: string; timeUnixNano: string; attributes: Attributes }
export interface SpanLink { traceId: string; spanId: string; traceState: string; attributes: Attributes; flags: number }

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  statusCode: number;
  statusMessage: string;
  service: string;
  scope: string;
  scopeVersion: string;
  attributes: Attributes;
  resource: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  flags: number;
  traceState: string;
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

export interface Exemplar {
  timeUnixNano: string;
  value: number | string | null;
  traceId: string;
  spanId: string;
  filteredAttributes: Attributes;
}

export interface ExpBuckets { offset: number; bucketCounts: (number | string)[] }

export interface MetricRow {
  name: string;
  unit: string;
  description: string;
  type: MetricType;
  /** AggregationTemporality as in OTLP: 0 unspecified (gauge, summary), 1 delta, 2 cumulative. */
  temporality: number;
  isMonotonic: boolean;
  attributes: Attributes;
  resource: Attributes;
  service: string;
  scope: string;
  startTimeUnixNano: string;
  timeUnixNano: string;
  flags: number;
  exemplars: Exemplar[];
  /** gauge and sum points. */
  value?: number | string | null;
  /** histogram, exponentialHistogram and summary points. */
  count?: number | string;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  bucketCounts?: (number | string)[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number | string;
  zeroThreshold?: number;
  positive?: ExpBuckets;
  negative?: ExpBuckets;
  quantileValues?: { quantile: number; value: number }[];
}

export interface LogRow {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: JsValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  flags: number;
  eventName: string;
  service: string;
  scope: string;
  resource: Attributes;
}

export interface TraceSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  services: string[];
  spanCount: number;
  errorCount: number;
  error: boolean;
  startTimeUnixNano: string;
  startMs: number;
  durationMs: number;
  sessionId: string;
}

export type StatusFilter = 'error' | 'ok' | 'unset' | number;

export interface SpanQuery { service?: string; name?: string; traceId?: string; status?: StatusFilter; sessionId?: string; limit?: number }
export interface TraceQuery { service?: string; name?: string; status?: 'error' | 'ok'; sessionId?: string; limit?: number }
export interface MetricQuery { name?: string; service?: string; limit?: number }
export interface LogQuery { service?: string; traceId?: string; severityMin?: number; limit?: number }
