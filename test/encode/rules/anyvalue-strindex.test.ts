// OTLP 1.11 (proto/ in this repo) added AnyValue.string_value_strindex (field 8) and says
// receivers of non-profiling signals "should treat the presence of this value as a non-fatal
// issue ... and process the data as if this value were absent or empty". The OTLP/JSON spec
// says receivers MUST ignore unknown fields; the README says "Unknown fields are ignored".
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../../src/encoder.js';
import { bothEncoders } from '../../helpers/encoders.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const req = (value: unknown) => ({
  resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: 'op', attributes: [
    { key: 'ok', value: { stringValue: 'kept' } }, { key: 'k', value },
  ] }] }] }],
});

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => ({ wasm, js } = await bothEncoders()));

describe('AnyValue fields the reader does not know', () => {
  it('stringValueStrindex (a field of the official AnyValue) is treated as an empty value, not a fatal error', () => {
    for (const enc of [wasm, js]) {
      const bytes = enc.encodeTraces(req({ stringValueStrindex: 3 }));
      const attrs = (decodeToJson('traces', bytes) as any).resourceSpans[0].scopeSpans[0].spans[0].attributes;
      expect(attrs[0]).toEqual({ key: 'ok', value: { stringValue: 'kept' } });
      expect(attrs[1].key).toBe('k');
    }
  });

  it('an unknown field next to a known kind is ignored (OTLP/JSON: receivers MUST ignore unknown fields)', () => {
    for (const enc of [wasm, js]) {
      const bytes = enc.encodeTraces(req({ stringValue: 'v', someFutureField: true }));
      const attrs = (decodeToJson('traces', bytes) as any).resourceSpans[0].scopeSpans[0].spans[0].attributes;
      expect(attrs[1]).toEqual({ key: 'k', value: { stringValue: 'v' } });
    }
  });
});
