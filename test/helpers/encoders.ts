import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEncoder, type Encoder } from '../../src/encoder.js';

export const WASM_PATH = fileURLToPath(new URL('../../dist/plume.wasm', import.meta.url));
export const wasmBytes = (): Uint8Array => new Uint8Array(readFileSync(WASM_PATH));

/** The wasm encoder and the JS twin, built from the same sources the package ships. */
export async function bothEncoders(): Promise<{ wasm: Encoder; js: Encoder }> {
  const wasm = await createEncoder({ implementation: 'wasm', wasm: wasmBytes() });
  const js = await createEncoder({ implementation: 'js' });
  return { wasm, js };
}

export const encodeWith = (enc: Encoder, signal: 'traces' | 'metrics' | 'logs', req: object): Uint8Array =>
  signal === 'traces' ? enc.encodeTraces(req) : signal === 'metrics' ? enc.encodeMetrics(req) : enc.encodeLogs(req);
