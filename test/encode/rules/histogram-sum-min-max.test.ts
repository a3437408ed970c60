// Issue 14, item 4: encodeMetrics lost a histogram point's sum, min and max (the request
// below, resource 1, metric 4, point 35), identically in both encoders. Both encoders were
// right: the OTLP/JSON reader wrote the point's HAS_SUM | HAS_MIN | HAS_MAX bits with
// `R.words[at + HPT_BITS] = histogramHead(p, at)`, whose left side is evaluated before the
// call, and the call allocates the point's attribute slots. When that allocation grew the
// records (4096 words, doubling: which point it is depends on everything written before),
// the bits went into the array just replaced. The point is a fresh encoder's: a reused one
// has already grown.
import { describe, expect, it } from 'vitest';
import { bothEncoders, encodeWith } from '../../helpers/encoders.js';
import { decodeToJson, protocDecode, referenceBytes } from '../../helpers/otlp-schema.js';

const T0 = 1764614400000000000n;
const RATINGS = ['good', 'needs-improvement', 'poor'];

/** 2 resources x 5 histograms x `points` points, as the issue describes them. */
function request(points: number, resourceAttrs: number) {
  return {
    resourceMetrics: [0, 1].map((r) => ({
      resource: {
        attributes: Array.from({ length: resourceAttrs }, (_, a) => ({
          key: a ? `resource.attr.${a}` : 'service.name', value: { stringValue: `svc-${r}` },
        })),
      },
      scopeMetrics: [{
        scope: { name: 'plume' },
        metrics: [0, 1, 2, 3, 4].map((k) => ({
          name: `metric.${k}`, unit: 'ms',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: Array.from({ length: points }, (_, i) => ({
              attributes: [
                { key: 'rating', value: { stringValue: RATINGS[i % 3] } },
                { key: 'route', value: { stringValue: `/r/${k}` } },
              ],
              startTimeUnixNano: String(T0 + BigInt(i) * 1_000_000_000n),
              timeUnixNano: String(T0 + BigInt(i + 1) * 1_000_000_000n),
              count: '2', sum: (i + 1) * (k + 0.5), min: 0.5, max: 999.5,
              explicitBounds: [100, 1000], bucketCounts: ['1', '1', '0'],
            })),
          },
        })),
      }],
    })),
  };
}

describe('histogram points keep sum, min and max', () => {
  const cases = [
    { name: '40 points (lost: resource 1, metric 4, point 35)', points: 40, resourceAttrs: 1 },
    { name: '20 points (lost: resource 0, metric 4, point 17)', points: 20, resourceAttrs: 3 },
  ];
  for (const { name, points, resourceAttrs } of cases) {
    it(name, async () => {
      const req = request(points, resourceAttrs);
      const ref = referenceBytes('metrics', req);
      const refText = protocDecode('metrics', ref);
      const { wasm, js } = await bothEncoders(); // fresh records: the growth happens during this request
      for (const [kind, enc] of [['wasm', wasm], ['js', js]] as const) {
        const ours = encodeWith(enc, 'metrics', req);
        const json = decodeToJson('metrics', ours) as any;
        json.resourceMetrics.forEach((rm: any, r: number) => rm.scopeMetrics[0].metrics.forEach((m: any, k: number) => {
          m.histogram.dataPoints.forEach((p: any, i: number) => {
            const at = `${kind}: resource ${r}, metric ${k}, point ${i}`;
            expect({ sum: p.sum, min: p.min, max: p.max }, at).toEqual({ sum: (i + 1) * (k + 0.5), min: 0.5, max: 999.5 });
          });
        }));
        expect(json, kind).toEqual(decodeToJson('metrics', ref));
        expect(ours.length, kind).toBe(ref.length);
        const text = protocDecode('metrics', ours);
        expect(text.match(/^ *sum: /gm)?.length, `${kind}: protoc's sum lines`).toBe(2 * 5 * points);
        expect(text.match(/^ *min: 0\.5$/gm)?.length, `${kind}: protoc's min lines`).toBe(2 * 5 * points);
        expect(text.match(/^ *max: 999\.5$/gm)?.length, `${kind}: protoc's max lines`).toBe(2 * 5 * points);
        expect(text, kind).toBe(refText);
      }
    });
  }
});
