// The relay's OTLP checks: every encoder fixture passes (ours and @bufbuild/protobuf's bytes,
// and the fixtures themselves as OTLP/JSON), and truncated, garbage and subtly malformed
// bodies do not; the collector's answers are checked by the same schema.
import { describe, expect, it } from 'vitest';
import { checkOtlpJson, checkOtlpProtobuf } from '../../src/edge/otlp-walk.js';
import { createEncoder } from '../../src/encoder.js';
import { FIXTURES } from '../encode/fixtures.js';
import { encodeWith } from '../helpers/encoders.js';
import { referenceBytes } from '../helpers/otlp-schema.js';

const enc = await createEncoder({ implementation: 'js' });

// Hand-made wire bytes.
const varint = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n); return o; };
const field = (num: number, body: number[]): number[] => [...varint(num * 8 + 2), ...varint(body.length), ...body];
const str = (s: string) => [...new TextEncoder().encode(s)];
/** ExportTraceServiceRequest { resource_spans { scope_spans { spans { …span } } } } */
const withSpan = (span: number[]) => new Uint8Array(field(1, field(2, field(2, span))));
const ids = [...field(1, new Array(16).fill(1)), ...field(2, new Array(8).fill(2))];

describe('checkOtlpProtobuf', () => {
  it('accepts every encoder fixture, as we and @bufbuild/protobuf encode it', () => {
    for (const f of FIXTURES) {
      expect(checkOtlpProtobuf(f.signal, encodeWith(enc, f.signal, f.req)), f.name).toBeUndefined();
      if (f.name.includes('10,000')) continue;
      expect(checkOtlpProtobuf(f.signal, referenceBytes(f.signal, f.req)), `${f.name} (@bufbuild)`).toBeUndefined();
    }
  });

  it('refuses every truncation of a single-resource request', () => {
    let checked = 0;
    for (const f of FIXTURES) {
      const root = Object.values(f.req)[0];
      if (!Array.isArray(root) || root.length !== 1) continue;
      const bytes = encodeWith(enc, f.signal, f.req);
      if (bytes.length > 20_000) continue;
      for (let n = 1; n < bytes.length; n++) {
        expect(checkOtlpProtobuf(f.signal, bytes.subarray(0, n)), `${f.name} cut at ${n}/${bytes.length}`).toBeDefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4000);
  });

  it('refuses random bytes (fixed seed: all but a handful of 2,000 buffers)', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    let accepted = 0;
    for (let k = 0; k < 2000; k++) {
      const b = Uint8Array.from({ length: 8 + (k % 300) }, rand);
      if (!checkOtlpProtobuf('traces', b)) accepted++;
    }
    expect(accepted).toBeLessThan(10);
  });

  it('refuses a body of one signal posted as another', () => {
    const logs = FIXTURES.find((f) => f.name === 'logs: every field and body kind')!;
    const metrics = FIXTURES.find((f) => f.name === 'metrics: gauge and sum with exemplars')!;
    expect(checkOtlpProtobuf('traces', encodeWith(enc, 'logs', logs.req))).toBeDefined();
    expect(checkOtlpProtobuf('logs', encodeWith(enc, 'metrics', metrics.req))).toBeDefined();
  });

  it('names what is wrong: ids, UTF-8, wire types, field 0, varints, lengths, nesting, packed lengths', () => {
    expect(checkOtlpProtobuf('traces', withSpan([...ids, ...field(5, str('GET'))]))).toBeUndefined();
    expect(checkOtlpProtobuf('traces', withSpan([...field(1, new Array(15).fill(1))]))).toMatch(/an id of 15 bytes \(expected 16\) at byte \d+ \(in Span\)/);
    expect(checkOtlpProtobuf('traces', withSpan([...field(2, new Array(16).fill(1))]))).toMatch(/expected 8/);
    expect(checkOtlpProtobuf('traces', withSpan(field(5, [0x47, 0xc3, 0x28])))).toMatch(/invalid UTF-8/);
    expect(checkOtlpProtobuf('traces', withSpan(field(5, [0xed, 0xa0, 0x80])))).toMatch(/invalid UTF-8/); // a UTF-16 surrogate
    expect(checkOtlpProtobuf('traces', withSpan(field(5, [0xe2, 0x82])))).toMatch(/truncated UTF-8/);
    expect(checkOtlpProtobuf('traces', withSpan(field(5, str('café — 😀'))))).toBeUndefined();
    expect(checkOtlpProtobuf('traces', withSpan([5 * 8 + 0, 1]))).toMatch(/field 5: varint where a string belongs/);
    expect(checkOtlpProtobuf('traces', new Uint8Array([1 * 8 + 3]))).toMatch(/wire type 3/);
    expect(checkOtlpProtobuf('traces', new Uint8Array([0x02, 0x00]))).toMatch(/invalid field number 0/);
    expect(checkOtlpProtobuf('traces', new Uint8Array([0x0a, 0x05, 0x12]))).toMatch(/runs past the end/);
    expect(checkOtlpProtobuf('traces', new Uint8Array([0x08 * 3, ...new Array(10).fill(0xff), 0x01]))).toMatch(/varint/);
    // Unknown fields are skipped, as receivers do for newer schema versions.
    expect(checkOtlpProtobuf('traces', withSpan([...ids, ...varint(99 * 8 + 0), 5, ...varint(98 * 8 + 5), 1, 2, 3, 4]))).toBeUndefined();
    // AnyValue nesting beyond 128 levels.
    let v = field(1, str('leaf'));
    for (let k = 0; k < 70; k++) v = field(5, field(1, v)); // AnyValue.array_value.values
    const span = (value: number[]) => withSpan(field(9, [...field(1, str('k')), ...field(2, value)]));
    expect(checkOtlpProtobuf('traces', span(v))).toMatch(/nested deeper than 128/);
    let ok = field(1, str('leaf'));
    for (let k = 0; k < 20; k++) ok = field(5, field(1, ok));
    expect(checkOtlpProtobuf('traces', span(ok))).toBeUndefined();
    // HistogramDataPoint.bucket_counts: packed fixed64 must be a multiple of 8 bytes.
    const histogram = (counts: number[]) => new Uint8Array(field(1, field(2, field(2, field(9, field(1, field(6, counts)))))));
    expect(checkOtlpProtobuf('metrics', histogram(new Array(16).fill(0)))).toBeUndefined();
    expect(checkOtlpProtobuf('metrics', histogram(new Array(12).fill(0)))).toMatch(/packed fixed64 of 12 bytes/);
  });

  it('walks a 10,000-span request (its speed is measured by npm run bench, bench/relay.ts)', () => {
    const big = encodeWith(enc, 'traces', FIXTURES.find((f) => f.name === 'traces: 10,000 spans')!.req);
    expect(checkOtlpProtobuf('traces', big)).toBeUndefined();
  });

  it('checks the collector\'s answers: Export*ServiceResponse with partial success', () => {
    // { partial_success { rejected_*: 2, error_message: "x" } }
    const partial = new Uint8Array(field(1, [0x08, 0x02, ...field(2, str('x'))]));
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      expect(checkOtlpProtobuf(signal, partial, 'response'), signal).toBeUndefined();
      expect(checkOtlpProtobuf(signal, new Uint8Array(0), 'response'), signal).toBeUndefined();
    }
    expect(checkOtlpProtobuf('traces', new Uint8Array(field(1, field(2, [0xff]))), 'response')).toMatch(/UTF-8/);
    expect(checkOtlpJson('traces', json({ partialSuccess: { rejectedSpans: '2', errorMessage: 'x' } }), 'response')).toBeUndefined();
    expect(checkOtlpJson('logs', json({ partial_success: { rejected_log_records: 2 } }), 'response')).toBeUndefined();
    expect(checkOtlpJson('metrics', json({}), 'response')).toBeUndefined();
    expect(checkOtlpJson('traces', json({ partialSuccess: { rejectedSpans: 'many' } }), 'response')).toMatch(/rejectedSpans/);
  });
});

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('checkOtlpJson', () => {
  it('accepts every encoder fixture as OTLP/JSON (the form the encoders take)', () => {
    for (const f of FIXTURES) {
      // A request must name its signal's list; the fixtures of an empty {} request do not.
      if (f.name.endsWith('empty request')) continue;
      expect(checkOtlpJson(f.signal, json(f.req)), f.name).toBeUndefined();
    }
  });

  it('refuses one signal\'s body posted as another, and {}', () => {
    const logs = FIXTURES.find((f) => f.name === 'logs: every field and body kind')!;
    expect(checkOtlpJson('traces', json(logs.req))).toMatch(/resourceSpans/);
    expect(checkOtlpJson('metrics', json({}))).toMatch(/resourceMetrics/);
  });

  it('refuses a known message nested deeper than 128, as the protobuf walk does', () => {
    const nest = (n: number) => {
      let v: unknown = { stringValue: 'leaf' };
      for (let k = 0; k < n; k++) v = { arrayValue: { values: [v] } };
      const span = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'n', attributes: [{ key: 'a', value: v }] };
      return { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] };
    };
    // Each level is two messages (AnyValue, ArrayValue); the span's KeyValue is at depth 4.
    expect(checkOtlpJson('traces', json(nest(60)))).toBeUndefined();
    // The same in wire bytes (our encoder and @bufbuild stop well before such depths).
    const wire = (n: number) => {
      let av = field(1, str('leaf'));
      for (let k = 0; k < n; k++) av = field(5, field(1, av));
      return withSpan([...ids, ...field(9, [...field(1, str('a')), ...field(2, av)])]);
    };
    expect(checkOtlpProtobuf('traces', wire(60))).toBeUndefined();
    expect(checkOtlpJson('traces', json(nest(70)))).toMatch(/deeper than 128/);
    expect(checkOtlpProtobuf('traces', wire(70))).toMatch(/deeper than 128/);
  });
});
