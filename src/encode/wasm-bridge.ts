// Runs the AssemblyScript encoder (wasm/) over a batch of records: copies the batch into
// linear memory, sizes, grows memory for exactly the output, writes, copies the bytes out.

import type { Records } from './records.js';

interface EncoderExports {
  memory: WebAssembly.Memory;
  HEAP_BASE: WebAssembly.Global;
  size(signal: number, root: number, words: number, strIndex: number, strBytes: number, stack: number): number;
  stackUsed(): number;
  write(out: number): number;
}

export type WasmSource = BufferSource | URL | WebAssembly.Module;

export interface WasmEncoder {
  encode(signal: number, rec: Records, root: number): Uint8Array<ArrayBuffer>;
}

// The smallest valid module: magic and version.
const EMPTY_MODULE = /* @__PURE__ */ new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/**
 * Why this runtime cannot compile WebAssembly from bytes, or '' when it can.
 * A CSP without 'wasm-unsafe-eval' and workerd both make the synchronous constructor throw
 * (WebKit throws only when instantiating, hence both steps); WebAssembly.validate() answers
 * true even then, so it cannot be the test.
 */
export function wasmCompileRefusal(): string {
  if (typeof WebAssembly !== 'object') return 'WebAssembly is not available';
  try {
    new WebAssembly.Instance(new WebAssembly.Module(EMPTY_MODULE), {});
    return '';
  } catch (e) {
    return `WebAssembly compilation refused (${(e as Error).message || e})`;
  }
}

async function instantiate(source: WasmSource): Promise<WebAssembly.Instance> {
  if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, {});
  const refusal = wasmCompileRefusal();
  if (refusal) throw new Error(refusal);
  if (source instanceof URL) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`fetching ${source.href}: HTTP ${res.status}`);
    if (typeof WebAssembly.instantiateStreaming === 'function' && res.headers.get('content-type')?.startsWith('application/wasm')) {
      return (await WebAssembly.instantiateStreaming(res, {})).instance;
    }
    // Servers that do not send application/wasm make streaming compile reject: compile the bytes.
    return (await WebAssembly.instantiate(await res.arrayBuffer(), {})).instance;
  }
  return (await WebAssembly.instantiate(source, {})).instance;
}

/** The encoder over an instance of wasm/assembly/index.ts. */
export function wasmEncoder(instance: WebAssembly.Instance): WasmEncoder {
  const ex = instance.exports as unknown as EncoderExports;
  if (typeof ex.size !== 'function' || typeof ex.write !== 'function' || !(ex.memory instanceof WebAssembly.Memory)) {
    throw new Error('not the Plume encoder module');
  }
  const memory = ex.memory;
  const base = (ex.HEAP_BASE.value as number + 7) & ~7;
  let bytes = new Uint8Array(memory.buffer);
  const ensure = (end: number): void => {
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    if (bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
  };
  const align = (n: number): number => (n + 7) & ~7;

  return {
    encode(signal, rec, root) {
      const words = base;
      const strIndex = align(words + rec.wordCount * 4);
      const strBytes = align(strIndex + rec.strCount * 8);
      const stack = align(strBytes + rec.byteCount);
      // Every nested message is at least one word of records, so wordCount + 1 sizes suffice.
      const stackCap = rec.wordCount + 1;
      const out = align(stack + stackCap * 4);
      ensure(out);
      bytes.set(rec.wordBytes.subarray(0, rec.wordCount * 4), words);
      bytes.set(new Uint8Array(rec.strIndex.buffer, 0, rec.strCount * 8), strIndex);
      bytes.set(rec.strBytes.subarray(0, rec.byteCount), strBytes);
      const n = ex.size(signal, root, words, strIndex, strBytes, stack) >>> 0;
      if (ex.stackUsed() > stackCap) throw new Error('plume: record size stack overflow');
      ensure(out + n);
      const end = ex.write(out) >>> 0;
      if (end - out !== n) throw new Error(`plume: encoder wrote ${end - out} of ${n} bytes`);
      return bytes.slice(out, out + n);
    },
  };
}

/** Compiles (if needed) and instantiates synchronously: fine for this 8 KB module, even on a main thread. */
export function wasmEncoderSync(source: BufferSource | WebAssembly.Module): WasmEncoder {
  const mod = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  return wasmEncoder(new WebAssembly.Instance(mod, {}));
}

export async function loadWasmEncoder(source: WasmSource): Promise<WasmEncoder> {
  return wasmEncoder(await instantiate(source));
}
