// Records.alloc() may replace `words` (it grows by doubling), so a writer that keeps the old
// array across an allocation writes into an array nobody reads: item 4 of issue 14 was one
// (`R.words[i] = f()` evaluates R.words before f, which allocated). Such a bug only shows
// when a growth happens at that exact allocation. Here every allocation moves the words
// (and poisons the old array), so every such write is lost on every run: the OTLP/JSON
// reader and the SDK's record writers (spans, metrics with Web Vitals-like histograms, logs)
// must still give what they were given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Records } from '../../../src/encode/records.js';
import { bothEncoders, encodeWith } from '../../helpers/encoders.js';
import { decodeToJson, referenceBytes } from '../../helpers/otlp-schema.js';
import { FIXTURES } from '../fixtures.js';
import { setup } from './sdk-harness.js';

const original = Records.prototype.alloc;
beforeAll(() => {
  Records.prototype.alloc = function moving(this: Records, n: number): number {
    const at = original.call(this, n);
    const old = this.words;
    const next = new Uint32Array(old.length);
    next.set(old);
    old.fill(0xdeadbeef);
    this.words = next;
    this.wordBytes = new Uint8Array(next.buffer);
    return at;
  };
});
afterAll(() => { Records.prototype.alloc = original; });

describe('every allocation moves the records', () => {
  // Each allocation copies all words: the 10,000-span fixture would take minutes.
  const fixtures = FIXTURES.filter((f) => JSON.stringify(f.req).length < 2e6);

  it('the OTLP/JSON reader: every encoder fixture as @bufbuild/protobuf reads it', async () => {
    const { wasm, js } = await bothEncoders();
    for (const { name, signal, req } of fixtures) {
      const ours = encodeWith(wasm, signal, req);
      expect(Buffer.from(encodeWith(js, signal, req)).equals(Buffer.from(ours)), `${name}: wasm and JS twin differ`).toBe(true);
      expect(decodeToJson(signal, ours), name).toEqual(decodeToJson(signal, referenceBytes(signal, req)));
    }
  });

  for (const mode of ['wasm', 'js'] as const) {
    it(`the SDK's writers: spans, histograms and log bodies (${mode})`, async () => {
      const { core, sent, spans, logs } = setup(mode);
      const parent = core.tracer.startSpan('parent', { attributes: { 'http.route': '/cart' } });
      const child = core.tracer.startSpan('child', { attributes: { n: 1, list: ['a', 'b'] } });
      child.addEvent('ev', { k: 'v', m: [1, 2] });
      child.addLink({ context: parent.spanContext(), attributes: { why: 'test' } });
      child.end();
      parent.end();
      const lcp = core.meter.createHistogram('browser.web_vital.lcp', { unit: 'ms', advice: { explicitBucketBoundaries: [2500, 4000] } });
      const exp = core.meter.createHistogram('exp', { aggregation: 'exponential' } as object);
      for (let k = 0; k < 30; k++) {
        lcp.record(100 * (k + 1), { rating: ['good', 'needs-improvement', 'poor'][k % 3], 'url.path': `/p/${k % 5}` });
        exp.record(k + 0.5, { k: k % 4 });
      }
      core.logger.emit({ body: { a: [1, { b: 'c' }], d: new Uint8Array([1, 2]), e: { f: { g: true } } }, attributes: { x: 'y' } });
      await core.flush();

      const [c, p] = spans();
      expect(p.attributes).toEqual([{ key: 'http.route', value: { stringValue: '/cart' } }]);
      expect(c.attributes).toEqual([
        { key: 'n', value: { intValue: '1' } },
        { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      ]);
      expect(c.events.map((e: any) => [e.name, e.attributes])).toEqual([['ev', [
        { key: 'k', value: { stringValue: 'v' } },
        { key: 'm', value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }] } } },
      ]]]);
      expect(c.links.map((l: any) => [l.spanId, l.attributes])).toEqual([[p.spanId, [{ key: 'why', value: { stringValue: 'test' } }]]]);

      const metrics = sent.filter((s) => s.signal === 'metrics')
        .flatMap((s) => s.json.resourceMetrics.flatMap((r: any) => r.scopeMetrics.flatMap((sm: any) => sm.metrics)));
      const hist = metrics.filter((m: any) => m.name === 'browser.web_vital.lcp').flatMap((m: any) => m.histogram.dataPoints);
      expect(hist).toHaveLength(15);
      for (const pt of hist) {
        const [rating, path] = pt.attributes.map((a: any) => a.value.stringValue);
        const ks = Array.from({ length: 30 }, (_, k) => k)
          .filter((k) => ['good', 'needs-improvement', 'poor'][k % 3] === rating && `/p/${k % 5}` === path);
        const values = ks.map((k) => 100 * (k + 1));
        expect(pt, `${rating} ${path}`).toMatchObject({
          count: String(values.length), sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values),
          explicitBounds: [2500, 4000],
        });
      }
      const xp = metrics.filter((m: any) => m.name === 'exp').flatMap((m: any) => m.exponentialHistogram.dataPoints);
      expect(xp).toHaveLength(4);
      for (const pt of xp) {
        const r = Number(pt.attributes[0].value.intValue);
        const values = Array.from({ length: 30 }, (_, k) => k).filter((k) => k % 4 === r).map((k) => k + 0.5);
        expect(pt, `exp ${r}`).toMatchObject({
          count: String(values.length), sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values),
        });
      }

      const [log] = logs();
      expect(log.attributes).toEqual([{ key: 'x', value: { stringValue: 'y' } }]);
      const kvlist = (values: object[]) => ({ kvlistValue: { values } });
      expect(log.body).toEqual(kvlist([
        { key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, kvlist([{ key: 'b', value: { stringValue: 'c' } }])] } } },
        { key: 'd', value: { bytesValue: 'AQI=' } },
        { key: 'e', value: kvlist([{ key: 'f', value: kvlist([{ key: 'g', value: { boolValue: true } }]) }]) },
      ]));
    });
  }
});
