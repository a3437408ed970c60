// Differential fuzz: random requests of all three signals (fuzz-requests.ts), from 1 KB to
// 1 MB of protobuf, encoded by the wasm encoder and the JS twin (each case with a fresh
// encoder, so the records grow during the request, as a first request's do) and compared
// with what @bufbuild/protobuf makes of the same request: the same bytes from both of ours,
// the same length as @bufbuild's, the same decoded data field by field; protoc decodes a
// sample of them to the same text as @bufbuild's bytes.
//
// The seed is fixed, so the suite runs the same cases every time. For a longer run:
//   PLUME_FUZZ_CASES=600 PLUME_FUZZ_SEED=7 npx vitest run test/encode/fuzz.test.ts
// (PLUME_FUZZ_MAX_BYTES raises the largest request, 1 MB by default.)
// A failure names its seed and case; PLUME_FUZZ_ONLY=<case> runs that case alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../../src/encoder.js';
import { encodeWith, wasmBytes } from '../helpers/encoders.js';
import { decodeToJson, protocDecode, referenceBytes, type Signal } from '../helpers/otlp-schema.js';
import { Gen, prng } from './fuzz-requests.js';

const CASES = Number(process.env.PLUME_FUZZ_CASES ?? 36);
const SEED = Number(process.env.PLUME_FUZZ_SEED ?? 1404);
const ONLY = process.env.PLUME_FUZZ_ONLY === undefined ? undefined : Number(process.env.PLUME_FUZZ_ONLY);
const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];
const MIN = 1024, MAX = Number(process.env.PLUME_FUZZ_MAX_BYTES ?? 1 << 20);

/** The first place where a and b differ, as a path and both values, or undefined. */
function difference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const at = Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
      const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at);
      if (d) return d;
    }
    return undefined;
  }
  const show = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 300);
  return `${path || '(root)'}: ours ${show(a)}, @bufbuild ${show(b)}`;
}

function firstByteDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return `byte ${k}: wasm ${a[k]}, JS twin ${b[k]}`;
  return a.length === b.length ? undefined : `lengths: wasm ${a.length}, JS twin ${b.length}`;
}

let compiled: WebAssembly.Module;
beforeAll(() => { compiled = new WebAssembly.Module(wasmBytes()); });

describe(`differential fuzz against @bufbuild/protobuf (seed ${SEED}, ${CASES} cases)`, () => {
  const sizes: number[] = [];
  for (let k = 0; k < CASES; k++) {
    if (ONLY !== undefined && k !== ONLY) continue;
    const signal = SIGNALS[k % 3];
    // Target sizes on a log scale from MIN to MAX, each signal over the whole range.
    const step = Math.floor(k / 3), steps = Math.max(1, Math.ceil(CASES / 3) - 1);
    const target = Math.round(MIN * (MAX / MIN) ** (step / steps));
    it(`case ${k}: ${signal}, about ${target} bytes`, async () => {
      const g = new Gen(prng(SEED * 1_000_003 + k));
      const req = g.request(signal, target);
      const where = `seed ${SEED}, case ${k} (${signal})`;
      const fresh = async (implementation: 'wasm' | 'js'): Promise<Encoder> => createEncoder({ implementation, wasm: compiled });
      const ours = encodeWith(await fresh('wasm'), signal, req);
      const twin = encodeWith(await fresh('js'), signal, req);
      const same = firstByteDifference(ours, twin);
      if (same) expect.fail(`${where}: ${same}`);

      const ref = referenceBytes(signal, req);
      const diff = difference(decodeToJson(signal, ours), decodeToJson(signal, ref));
      if (diff) expect.fail(`${where}: ${diff}`);
      // proto3 has one encoding per message up to field order: the lengths must agree.
      expect(ours.length, where).toBe(ref.length);
      sizes.push(ours.length);
      // protoc, for the smallest and largest of each signal and every fifth step between.
      if (step === 0 || step === steps || step % 5 === 0) expect(protocDecode(signal, ours), where).toBe(protocDecode(signal, ref));
    });
  }

  it(`covered requests from 1 KB to ${MAX >> 10} KB`, () => {
    if (ONLY !== undefined || CASES < 6) return;
    expect(Math.min(...sizes)).toBeLessThan(2 * MIN);
    expect(Math.max(...sizes)).toBeGreaterThan(MAX / 2);
    expect(Math.max(...sizes)).toBeLessThan(2 * MAX);
  });
});
