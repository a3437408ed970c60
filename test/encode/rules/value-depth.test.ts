// Issue 14, item 7: plume/encoder wrote AnyValues up to 64 levels deep, but protoc (and the
// C++, Java and Python protobuf runtimes) refuse a request with more than 100 messages
// nested below its root: 48 nested arrayValues or 32 kvlistValues in a span attribute.
// What Plume writes now stops at MAX_VALUE_DEPTH (16) levels, in the encoder and in the
// SDK's writers; a value deeper than that is written as an empty AnyValue and counted.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../../src/encoder.js';
import { MAX_VALUE_DEPTH } from '../../../src/encode/layout.js';
import { bothEncoders, encodeWith } from '../../helpers/encoders.js';
import { decodeToJson, protocDecode, referenceBytes, type Signal } from '../../helpers/otlp-schema.js';
import { setup } from './sdk-harness.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
type Kind = 'arrayValue' | 'kvlistValue';

/** `levels` arrays or kvlists, one in another, around `leaf` (kvlist keys k0, k1, … from the top). */
function nest(levels: number, kind: Kind, leaf: object): object {
  let v = leaf;
  for (let k = levels - 1; k >= 0; k--) {
    v = kind === 'arrayValue' ? { arrayValue: { values: [v] } } : { kvlistValue: { values: [{ key: `k${k}`, value: v }] } };
  }
  return v;
}
const attr = (value: object) => ({ key: 'deep', value });
const spanReq = (span: object) => ({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, ...span }] }] }] });
const metricReq = (metric: object) => ({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });

/** Every place an AnyValue can be, with the droppedAttributesCount that counts its cuts (if any). */
const PLACES: { name: string; signal: Signal; req: (v: object, dropped: number) => object; dropped?: (json: any) => number }[] = [
  {
    name: 'resource attribute', signal: 'logs',
    req: (v, d) => ({ resourceLogs: [{ resource: { attributes: [attr(v)], droppedAttributesCount: d } }] }),
    dropped: (j) => j.resourceLogs[0].resource.droppedAttributesCount,
  },
  {
    name: 'scope attribute', signal: 'logs',
    req: (v, d) => ({ resourceLogs: [{ scopeLogs: [{ scope: { name: 's', attributes: [attr(v)], droppedAttributesCount: d } }] }] }),
    dropped: (j) => j.resourceLogs[0].scopeLogs[0].scope.droppedAttributesCount,
  },
  {
    name: 'span attribute', signal: 'traces',
    req: (v, d) => spanReq({ attributes: [attr(v)], droppedAttributesCount: d }),
    dropped: (j) => j.resourceSpans[0].scopeSpans[0].spans[0].droppedAttributesCount,
  },
  {
    name: 'span event attribute', signal: 'traces',
    req: (v, d) => spanReq({ events: [{ name: 'e', attributes: [attr(v)], droppedAttributesCount: d }] }),
    dropped: (j) => j.resourceSpans[0].scopeSpans[0].spans[0].events[0].droppedAttributesCount,
  },
  {
    name: 'span link attribute', signal: 'traces',
    req: (v, d) => spanReq({ links: [{ traceId: TRACE, spanId: SPAN, attributes: [attr(v)], droppedAttributesCount: d }] }),
    dropped: (j) => j.resourceSpans[0].scopeSpans[0].spans[0].links[0].droppedAttributesCount,
  },
  {
    name: 'log body', signal: 'logs',
    req: (v, d) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: v, droppedAttributesCount: d }] }] }] }),
    dropped: (j) => j.resourceLogs[0].scopeLogs[0].logRecords[0].droppedAttributesCount,
  },
  {
    name: 'log attribute', signal: 'logs',
    req: (v, d) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [attr(v)], droppedAttributesCount: d }] }] }] }),
    dropped: (j) => j.resourceLogs[0].scopeLogs[0].logRecords[0].droppedAttributesCount,
  },
  {
    name: 'data point attribute', signal: 'metrics',
    req: (v) => metricReq({ name: 'g', gauge: { dataPoints: [{ asInt: 1, attributes: [attr(v)] }] } }),
  },
  {
    // The deepest place of all: 8 messages below the request down to the AnyValue.
    name: 'exemplar attribute', signal: 'metrics',
    req: (v) => metricReq({
      name: 'h', histogram: { dataPoints: [{ count: 1, exemplars: [{ asDouble: 1, filteredAttributes: [attr(v)] }] }] },
    }),
  },
  {
    name: 'metric metadata', signal: 'metrics',
    req: (v) => metricReq({ name: 'm', metadata: [attr(v)] }),
  },
];

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => ({ wasm, js } = await bothEncoders()));

describe('plume/encoder: values deeper than receivers read', () => {
  it(`${MAX_VALUE_DEPTH} levels cost at most 8 + 3 x ${MAX_VALUE_DEPTH} nested messages: a margin under protoc's 100`, () => {
    // (8 messages down to the deepest AnyValue, an exemplar's; 3 per kvlist level, 2 per array.)
    expect(8 + 3 * MAX_VALUE_DEPTH).toBeLessThanOrEqual(60);
  });

  for (const place of PLACES) {
    for (const kind of ['kvlistValue', 'arrayValue'] as const) {
      it(`${place.name}, ${kind}: protoc reads the deepest value written; deeper is cut and counted`, () => {
        // The deepest value: written whole, nothing cut.
        const deepest = place.req(nest(MAX_VALUE_DEPTH, kind, { stringValue: 'leaf' }), 2);
        for (const enc of [wasm, js]) {
          const ours = encodeWith(enc, place.signal, deepest);
          expect(enc.valuesCut).toBe(0);
          const ref = referenceBytes(place.signal, deepest);
          expect(decodeToJson(place.signal, ours)).toEqual(decodeToJson(place.signal, ref));
          expect(protocDecode(place.signal, ours)).toBe(protocDecode(place.signal, ref));
        }

        // One level deeper, and far deeper (50 levels: the whole request is more than protoc
        // reads): written as the deepest value with an empty AnyValue for the part cut.
        const cutTo = place.req(nest(MAX_VALUE_DEPTH, kind, {}), place.dropped ? 3 : 2);
        const expected = decodeToJson(place.signal, referenceBytes(place.signal, cutTo));
        const text = protocDecode(place.signal, referenceBytes(place.signal, cutTo));
        expect(() => protocDecode(place.signal, referenceBytes(place.signal, place.req(nest(50, kind, {}), 2)))).toThrow();
        for (const levels of [MAX_VALUE_DEPTH + 1, 50]) {
          const deeper = place.req(nest(levels, kind, { stringValue: 'leaf' }), 2);
          const ours = encodeWith(wasm, place.signal, deeper);
          expect(wasm.valuesCut, `${levels} levels`).toBe(1);
          expect(Buffer.from(encodeWith(js, place.signal, deeper)).equals(Buffer.from(ours))).toBe(true);
          expect(js.valuesCut).toBe(1);
          const json = decodeToJson(place.signal, ours);
          expect(json, `${levels} levels`).toEqual(expected);
          if (place.dropped) expect(place.dropped(json)).toBe(3); // 2 given + 1 cut
          expect(protocDecode(place.signal, ours)).toBe(text);
        }
      });
    }
  }

  it('counts every value cut, reads nothing below the cut, and survives input of any depth', () => {
    // Two deep branches, and input far deeper than a recursive reader's stack: a chain of
    // 200,000 arrays (below the cut, with values that are not even valid), and an object
    // that holds itself.
    let chain: object = { stringValue: 'leaf' };
    for (let k = 0; k < 200_000; k++) {
      chain = { arrayValue: { values: k < 199_000 ? [chain, { intValue: 'not read, not checked' }] : [chain] } };
    }
    const cyclic: any = { kvlistValue: { values: [{ key: 'self' }] } };
    cyclic.kvlistValue.values[0].value = cyclic;
    const twoBranches = { arrayValue: { values: [nest(20, 'arrayValue', {}), nest(30, 'kvlistValue', {})] } };
    const req = spanReq({ droppedAttributesCount: 1, attributes: [attr(twoBranches), attr(chain), attr(cyclic)] });
    for (const enc of [wasm, js]) {
      const json: any = decodeToJson('traces', encodeWith(enc, 'traces', req));
      expect(enc.valuesCut).toBe(4);
      expect(json.resourceSpans[0].scopeSpans[0].spans[0].droppedAttributesCount).toBe(5);
      // The next call starts counting afresh.
      encodeWith(enc, 'traces', { resourceSpans: [] });
      expect(enc.valuesCut).toBe(0);
    }
  });
});

/** Depth of the nesting of an AnyValue as @bufbuild decodes it, and what is at the bottom. */
function depthOf(v: any): { levels: number; bottom: unknown } {
  let levels = 0;
  while (v && (v.kvlistValue || v.arrayValue)) {
    levels++;
    v = v.kvlistValue ? v.kvlistValue.values?.[0]?.value : v.arrayValue.values?.[0];
  }
  return { levels, bottom: v };
}

describe('the SDK: log bodies and span attributes deeper than receivers read', () => {
  for (const mode of ['wasm', 'js'] as const) {
    it(`a log body is written ${MAX_VALUE_DEPTH} levels deep, the rest cut and counted in dropped_attributes_count (${mode})`, async () => {
      const { core, sent, logs } = setup(mode);
      let deep: unknown = 'leaf';
      for (let k = 0; k < 40; k++) deep = k % 2 ? [deep] : { k: deep };
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      core.logger.emit({ body: deep });
      core.logger.emit({ body: cyclic, attributes: { ok: 'x', bad: { not: 'an attribute value' } } });
      let exact: unknown = 'leaf';
      for (let k = 0; k < MAX_VALUE_DEPTH; k++) exact = { k: exact };
      core.logger.emit({ body: exact });
      await core.flush();
      const [first, second, third] = logs();
      expect(depthOf(first.body)).toEqual({ levels: MAX_VALUE_DEPTH, bottom: {} });
      expect(first.droppedAttributesCount).toBe(1);
      expect(second.body).toEqual({ kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }, { key: 'self', value: {} }] } });
      expect(second.droppedAttributesCount).toBe(2); // the object attribute and the cycle
      expect(depthOf(third.body)).toEqual({ levels: MAX_VALUE_DEPTH, bottom: { stringValue: 'leaf' } });
      expect(third.droppedAttributesCount).toBeUndefined();
      for (const s of sent) expect(() => protocDecode(s.signal, s.body)).not.toThrow();
    });

    // beforeSend's changes are validated again like any input (export/exporter.ts): an array
    // holding arrays is no attribute value, so it is dropped and counted before any writer sees it.
    it(`arrays in arrays that beforeSend puts in a span are dropped and counted, a cyclic one too (${mode})`, async () => {
      let deep: unknown = ['leaf'];
      for (let k = 1; k < 30; k++) deep = [deep, k];
      const cyclic: unknown[] = [1];
      cyclic.push(cyclic);
      // beforeSend is handed the finished span and may write anything into its attributes.
      const beforeSend = (span: any) => { span.attributes.deep = deep; span.attributes.cyclic = cyclic; return span; };
      const { core, sent, spans } = setup(mode, { beforeSend });
      core.tracer.startSpan('s', { attributes: { n: 1 } }).end();
      await core.flush();
      const [s] = spans();
      const attrs = Object.fromEntries(s.attributes.map((a: any) => [a.key, a.value]));
      expect(attrs.n).toEqual({ intValue: '1' });
      expect(attrs.deep).toBeUndefined();
      expect(attrs.cyclic).toBeUndefined();
      expect(s.droppedAttributesCount).toBe(2);
      for (const x of sent) expect(() => protocDecode(x.signal, x.body)).not.toThrow();
    });
  }
});
