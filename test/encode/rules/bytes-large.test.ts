// A valid bytesValue of a few MB: the BASE64 check in src/encode/otlp-json.ts is a regex
// with a quantified group, whose backtracking stack runs out at ~4.5 M base64 chars (~3.3 MB
// of bytes): the encoder throws RangeError "Maximum call stack size exceeded" for valid input.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoder } from '../../../src/encoder.js';
import { bothEncoders } from '../../helpers/encoders.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const bytes = new Uint8Array(4 * 1024 * 1024).map((_, i) => i * 7);
const b64 = Buffer.from(bytes).toString('base64');
const req = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TRACE, spanId: SPAN, body: { bytesValue: b64 } }] }] }] };

let wasm: Encoder;
let js: Encoder;
beforeAll(async () => ({ wasm, js } = await bothEncoders()));

describe('bytesValue of 4 MB', () => {
  it('encodes (twin)', () => {
    const out = js.encodeLogs(req);
    expect(out.length).toBeGreaterThan(bytes.length);
  });
  it('encodes (wasm)', () => {
    const out = wasm.encodeLogs(req);
    expect(out.length).toBeGreaterThan(bytes.length);
  });
});
