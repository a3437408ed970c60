// OTLP/JSON requests covering every field and the edge cases the encoders must agree on.
import type { Signal } from '../helpers/otlp-schema.js';

export interface Fixture { name: string; signal: Signal; req: Record<string, unknown> }

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';
const T0 = '1764614400123456789';
const T1 = '1764614400223456789';

const resource = (attributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'shop-web' } }]) => ({ attributes });
const spans = (list: unknown[], extra: Record<string, unknown> = {}) => ({
  resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 'plume', version: '0.1.0' }, spans: list }], ...extra }],
});
const span = (over: Record<string, unknown> = {}) => ({
  traceId: TRACE, spanId: SPAN, name: 'GET /api/cart', kind: 3, startTimeUnixNano: T0, endTimeUnixNano: T1, ...over,
});
const attr = (key: string, value: unknown) => ({ key, value });

function nested(depth: number): unknown {
  let v: unknown = { stringValue: 'leaf' };
  for (let k = 0; k < depth; k++) {
    v = k % 2 ? { arrayValue: { values: [v, { intValue: k }] } } : { kvlistValue: { values: [attr(`k${k}`, v)] } };
  }
  return v;
}

function browserSpans(n: number): unknown[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(16, '0');
    out.push(span({
      spanId: hex, parentSpanId: i ? PARENT : '', name: `HTTP GET ${i % 7}`,
      attributes: [
        attr('http.request.method', { stringValue: 'GET' }),
        attr('url.full', { stringValue: `https://shop.example.com/api/items/${i}?q=x` }),
        attr('server.address', { stringValue: 'shop.example.com' }),
        attr('server.port', { intValue: 443 }),
        attr('http.response.status_code', { intValue: 200 + (i % 5) }),
        attr('session.id', { stringValue: 'e3b0c44298fc1c14' }),
        attr('ratio', { doubleValue: i / 3 }),
        attr('cached', { boolValue: i % 2 === 0 }),
      ],
      events: i % 10 === 0 ? [{ timeUnixNano: T0, name: 'exception', attributes: [attr('exception.type', { stringValue: 'TypeError' })] }] : [],
      status: { code: i % 11 === 0 ? 2 : 0 },
    }));
  }
  return out;
}

export const FIXTURES: Fixture[] = [
  { name: 'traces: empty request', signal: 'traces', req: {} },
  { name: 'traces: empty resource and scope', signal: 'traces', req: { resourceSpans: [{ scopeSpans: [{}] }, { resource: {} }] } },
  { name: 'traces: zero spans', signal: 'traces', req: spans([]) },
  {
    name: 'traces: every span field', signal: 'traces', req: spans([span({
      traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', parentSpanId: PARENT, flags: 0x301,
      attributes: [attr('http.request.method', { stringValue: 'GET' }), attr('http.response.status_code', { intValue: '200' })],
      droppedAttributesCount: 3,
      events: [
        { timeUnixNano: T0, name: 'exception', attributes: [attr('exception.message', { stringValue: 'boom' })], droppedAttributesCount: 1 },
        { timeUnixNano: '0', name: '' },
      ],
      droppedEventsCount: 4,
      links: [{ traceId: TRACE, spanId: PARENT, traceState: 'k=v', attributes: [attr('link', { boolValue: true })], droppedAttributesCount: 2, flags: 1 }],
      droppedLinksCount: 5,
      status: { code: 2, message: 'Internal Server Error' },
    })], { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
  },
  {
    name: 'traces: every span kind and status code', signal: 'traces',
    req: spans([0, 1, 2, 3, 4, 5].flatMap((kind) => [0, 1, 2].map((code) => span({ kind, status: { code, message: code ? `c${code}` : '' } }))).concat([span({ status: {} }), span({ status: undefined })])),
  },
  {
    name: 'traces: empty strings', signal: 'traces',
    req: spans([span({ name: '', traceState: '', attributes: [attr('', { stringValue: '' }), attr('empty-value', {}), { key: 'no-value' }] })]),
  },
  {
    name: 'traces: non-ASCII and astral-plane text', signal: 'traces',
    req: spans([span({ name: 'café — 日本語 — 😀𝄞', attributes: [attr('ключ', { stringValue: 'Zürich 🇨🇭 \u0000 \u2028' })] })]),
  },
  {
    name: 'traces: lone surrogates (replaced as TextEncoder does)', signal: 'traces',
    req: spans([span({ name: 'a\uD800b\uDC00c\uD83D', attributes: [attr('\uDFFF', { stringValue: '\uD800' })] })]),
  },
  { name: 'traces: a 1 MB string', signal: 'traces', req: spans([span({ attributes: [attr('big', { stringValue: 'x'.repeat(1 << 20) + 'é' })] })]) },
  {
    name: 'traces: int64 min/max and negative ints', signal: 'traces', req: spans([span({
      attributes: [
        attr('min', { intValue: '-9223372036854775808' }), attr('max', { intValue: '9223372036854775807' }),
        attr('neg', { intValue: -1 }), attr('neg-str', { intValue: '-200' }), attr('zero', { intValue: 0 }),
        attr('2^53+1', { intValue: '9007199254740993' }), attr('num', { intValue: 4294967296 }),
      ],
      startTimeUnixNano: '18446744073709551615', endTimeUnixNano: 0,
    })]),
  },
  {
    name: 'traces: NaN, ±Infinity, -0 and extreme doubles', signal: 'traces', req: spans([span({
      attributes: [
        attr('nan', { doubleValue: 'NaN' }), attr('inf', { doubleValue: 'Infinity' }), attr('-inf', { doubleValue: '-Infinity' }),
        attr('zero', { doubleValue: 0 }), attr('-zero', { doubleValue: -0 }), attr('max', { doubleValue: 1.7976931348623157e308 }),
        attr('min', { doubleValue: 5e-324 }), attr('pi', { doubleValue: 3.141592653589793 }),
      ],
    })]),
  },
  {
    name: 'traces: nested arrays and kvlists', signal: 'traces', req: spans([span({
      attributes: [
        attr('deep', nested(16)), // the deepest written (src/encode/layout.ts: MAX_VALUE_DEPTH)
        attr('arr', { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: false }, { doubleValue: 2.5 }, { intValue: '7' }, {}, { arrayValue: {} }] } }),
        attr('kv', { kvlistValue: { values: [attr('a', { stringValue: 'b' }), attr('empty', { kvlistValue: { values: [] } })] } }),
      ],
    })]),
  },
  {
    name: 'traces: bytes values', signal: 'traces', req: spans([span({
      attributes: [attr('empty', { bytesValue: '' }), attr('bin', { bytesValue: 'AAEC/w==' }), attr('text', { bytesValue: 'aGVsbG8gd29ybGQ=' })],
    })]),
  },
  {
    name: 'traces: resource entity refs and schema urls', signal: 'traces', req: {
      resourceSpans: [{
        resource: {
          attributes: [attr('service.name', { stringValue: 'a' })], droppedAttributesCount: 2,
          entityRefs: [{ schemaUrl: 's', type: 'service', idKeys: ['service.name', ''], descriptionKeys: ['service.version'] }, {}],
        },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          { scope: { name: 'a', version: '1', attributes: [attr('x', { intValue: 1 })], droppedAttributesCount: 1 }, schemaUrl: 'u', spans: [span()] },
          { scope: { name: 'b' }, spans: [span({ spanId: PARENT })] },
        ],
      }, { resource: resource([attr('service.name', { stringValue: 'b' })]), scopeSpans: [{ spans: [span()] }] }],
    },
  },
  { name: 'traces: 512 browser spans', signal: 'traces', req: spans(browserSpans(512)) },
  { name: 'traces: 10,000 spans', signal: 'traces', req: spans(browserSpans(10_000)) },

  // ---- metrics
  { name: 'metrics: empty request', signal: 'metrics', req: {} },
  {
    name: 'metrics: gauge and sum with exemplars', signal: 'metrics', req: {
      resourceMetrics: [{
        resource: resource(),
        scopeMetrics: [{
          scope: { name: 'plume' },
          metrics: [
            { name: 'g', unit: '1', description: 'a gauge', gauge: { dataPoints: [
              { asDouble: 0.5, timeUnixNano: T0, attributes: [attr('a', { stringValue: 'b' })] },
              { asInt: '-3', startTimeUnixNano: T0, timeUnixNano: T1, flags: 1 },
              { timeUnixNano: T1 },
              { asDouble: 0 }, { asInt: 0 },
            ] } },
            { name: 'c', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{
              asInt: '9223372036854775807', timeUnixNano: T1,
              exemplars: [
                { asDouble: 1.25, timeUnixNano: T0, traceId: TRACE, spanId: SPAN, filteredAttributes: [attr('user', { stringValue: 'u1' })] },
                { asInt: 7, timeUnixNano: T0 },
                {},
              ],
            }] } },
            { name: 'ud', sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [{ asDouble: -1.5 }] } },
            { name: 'no-data', metadata: [attr('m', { boolValue: true })] },
          ],
        }],
      }],
    },
  },
  {
    name: 'metrics: explicit-bucket histogram', signal: 'metrics', req: {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'http.client.request.duration', unit: 's', histogram: {
        aggregationTemporality: 1, dataPoints: [
          { startTimeUnixNano: T0, timeUnixNano: T1, count: '6', sum: 1.75, min: 0.01, max: 0.9,
            bucketCounts: ['1', 2, '0', '3'], explicitBounds: [0.005, 0.1, 0.5],
            attributes: [attr('http.request.method', { stringValue: 'GET' })],
            exemplars: [{ asDouble: 0.9, traceId: TRACE, spanId: SPAN, timeUnixNano: T1 }] },
          { count: 0, sum: 0, bucketCounts: [], explicitBounds: [] },
          { count: '18446744073709551615', flags: 1, min: 'NaN' },
        ] } }] }] }],
    },
  },
  {
    name: 'metrics: exponential histogram', signal: 'metrics', req: {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'browser.web_vital.lcp', unit: 'ms', exponentialHistogram: {
        aggregationTemporality: 2, dataPoints: [
          { startTimeUnixNano: T0, timeUnixNano: T1, count: '10', sum: 12345.5, scale: -3, zeroCount: '2', zeroThreshold: 1e-9,
            positive: { offset: -2, bucketCounts: ['1', '0', '300', '18446744073709551615'] },
            negative: { offset: 5, bucketCounts: [1] }, min: 0, max: 9000, flags: 1,
            exemplars: [{ asInt: 4000, spanId: SPAN, traceId: TRACE }], attributes: [attr('rating', { stringValue: 'good' })] },
          { scale: 20, positive: {}, negative: { offset: 0, bucketCounts: [] } },
          { scale: 0, zeroThreshold: 0 },
        ] } }] }] }],
    },
  },
  {
    name: 'metrics: summary', signal: 'metrics', req: {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 's', summary: { dataPoints: [
        { startTimeUnixNano: T0, timeUnixNano: T1, count: '3', sum: 6.5, flags: 0,
          quantileValues: [{ quantile: 0, value: 1 }, { quantile: 0.5, value: 2 }, { quantile: 1, value: 3.5 }, {}],
          attributes: [attr('k', { stringValue: 'v' })] },
        { count: 0 },
      ] } }] }] }],
    },
  },

  // ---- logs
  { name: 'logs: empty request', signal: 'logs', req: {} },
  {
    name: 'logs: every field and body kind', signal: 'logs', req: {
      resourceLogs: [{
        resource: resource(), schemaUrl: 'x',
        scopeLogs: [{
          scope: { name: 'plume' }, schemaUrl: 'y',
          logRecords: [
            { timeUnixNano: T0, observedTimeUnixNano: T1, severityNumber: 17, severityText: 'ERROR',
              body: { stringValue: 'Uncaught TypeError: x is undefined' }, traceId: TRACE, spanId: SPAN, flags: 1,
              eventName: 'browser.error', droppedAttributesCount: 1,
              attributes: [attr('exception.type', { stringValue: 'TypeError' }), attr('exception.stacktrace', { stringValue: 'at a (b.js:1:2)\n'.repeat(20) })] },
            { body: { kvlistValue: { values: [attr('k', { intValue: -1 })] } }, severityNumber: 9 },
            { body: { arrayValue: { values: [{ doubleValue: 'Infinity' }, { bytesValue: 'AA==' }] } } },
            { body: { boolValue: false } }, { body: { intValue: '-9223372036854775808' } }, { body: {} }, {},
            { severityNumber: 24, traceId: '', spanId: '' },
          ],
        }],
      }],
    },
  },
];
