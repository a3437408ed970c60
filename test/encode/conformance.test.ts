// For every fixture: wasm and JS twin bytes are identical; protoc accepts them and prints the
// same text as for the bytes @bufbuild/protobuf writes from the same request; @bufbuild
// decodes them back to the same data.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../src/encoder.js';
import { bothEncoders, encodeWith } from '../helpers/encoders.js';
import { decodeToJson, protocDecode, referenceBytes } from '../helpers/otlp-schema.js';
import { FIXTURES } from './fixtures.js';

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => {
  ({ wasm, js } = await bothEncoders());
  expect(wasm.kind).toBe('wasm');
  expect(js.kind).toBe('js');
});

describe('OTLP conformance', () => {
  for (const { name, signal, req } of FIXTURES) {
    it(name, () => {
      const ours = encodeWith(wasm, signal, req);
      const twin = encodeWith(js, signal, req);
      expect(Buffer.from(twin).equals(Buffer.from(ours)), 'wasm and JS twin bytes differ').toBe(true);

      const ref = referenceBytes(signal, req);
      // proto3 has one encoding per message up to field order, so the lengths must agree.
      expect(ours.length).toBe(ref.length);
      expect(decodeToJson(signal, ours)).toEqual(decodeToJson(signal, ref));

      const text = protocDecode(signal, ours);
      if (ours.length > 0) expect(text.length).toBeGreaterThan(0);
      expect(text).toBe(protocDecode(signal, ref));
    });
  }
});
