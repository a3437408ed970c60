// double() looks strings up in a plain object literal (SPECIAL_DOUBLES), so "constructor",
// "toString", "valueOf", "__proto__"... find Object.prototype members: the function is
// returned as the "number" and written as NaN instead of the documented TypeError.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../../src/encoder.js';
import { bothEncoders } from '../../helpers/encoders.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const withAttr = (value: unknown) => ({
  resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value }] }] }] }],
});
const gauge = (asDouble: unknown) => ({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble }] } }] }] }],
});

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => ({ wasm, js } = await bothEncoders()));

describe('doubles given as strings that name Object.prototype members', () => {
  for (const s of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']) {
    it(`doubleValue "${s}" -> TypeError, like "abc"`, () => {
      expect(() => js.encodeTraces(withAttr({ doubleValue: 'abc' }))).toThrow(TypeError); // the documented result
      for (const enc of [wasm, js]) {
        let out: unknown;
        try { out = (decodeToJson('traces', enc.encodeTraces(withAttr({ doubleValue: s }))) as any).resourceSpans[0].scopeSpans[0].spans[0].attributes[0]; }
        catch (e) { out = e; }
        expect(out).toBeInstanceOf(TypeError);
      }
    });
  }
  it('gauge asDouble "toString" -> TypeError', () => {
    let out: unknown;
    try { out = decodeToJson('metrics', js.encodeMetrics(gauge('toString'))); } catch (e) { out = e; }
    expect(out).toBeInstanceOf(TypeError);
  });
});
