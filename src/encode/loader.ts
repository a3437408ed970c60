// Which encoder a runtime uses, and when it becomes available. The wasm module is fetched
// early (it is small), compiled when first needed or when the main thread is idle; the JS
// twin is loaded only where wasm is refused or fails, so pages that can run wasm never
// download it.
import { debugWarn, W_WASM_FALLBACK } from '../lib/diag.js';
import type { Records } from './records.js';
import { wasmCompileRefusal, wasmEncoderSync, type WasmSource } from './wasm-bridge.js';

export type Encode = (signal: number, rec: Records, root: number) => Uint8Array;

export interface EncoderLoader {
  /** Start getting the wasm ready now (probe, fetch or compile off the main thread). */
  warm(): void;
  /** The encoder if one can be had synchronously now (compiling fetched wasm bytes if needed). */
  current(): Encode | undefined;
  /** Resolves with an encoder once one is available. */
  ready(): Promise<Encode>;
  kind(): 'wasm' | 'js' | 'none';
}

export interface LoaderOptions {
  mode: 'auto' | 'wasm' | 'js';
  /** The module; a function is called for bytes only when they are first needed. */
  wasm?: WasmSource | (() => BufferSource);
  /** Do nothing until warm() or the first encode (browsers: keeps page start-up free of wasm work). */
  lazy?: boolean;
  /** The twin, statically (edge, node) or as a lazily imported chunk (browsers). */
  twin: () => Encode | Promise<Encode>;
}

export function encoderLoader(opts: LoaderOptions): EncoderLoader {
  let encode: Encode | undefined;
  let kind: 'wasm' | 'js' | 'none' = 'none';
  let bytes: BufferSource | WebAssembly.Module | undefined;
  let twinLoading: Promise<Encode> | undefined;
  let settled!: (e: Encode) => void;
  let failed!: (e: unknown) => void;
  const ready = new Promise<Encode>((resolve, reject) => { settled = resolve; failed = reject; });
  ready.catch(() => {}); // a failure is reported to whoever awaits ready(), not as unhandled

  const useTwin = (why: string): Promise<Encode> => {
    if (why) debugWarn(W_WASM_FALLBACK, `${why}; the JS twin encodes the same bytes`);
    const take = (t: Encode) => {
      if (!encode) { encode = t; kind = 'js'; settled(t); }
      return t;
    };
    if (!twinLoading) {
      const t = opts.twin();
      // A twin at hand (edge, node) is taken now; a browser's is a chunk still loading.
      twinLoading = typeof t === 'function' ? Promise.resolve(take(t)) : t.then(take, (e) => { failed(e); throw e; });
      twinLoading.catch(() => {});
    }
    return twinLoading;
  };
  const compile = (): boolean => {
    if (encode || !bytes) return !!encode;
    try {
      const e = wasmEncoderSync(bytes);
      encode = e.encode;
      kind = 'wasm';
      settled(encode);
    } catch (e) {
      bytes = undefined;
      void useTwin(`the wasm encoder failed to compile (${(e as Error)?.message ?? e})`);
    }
    return !!encode;
  };

  let begun = false;
  const begin = (): void => {
    if (begun) return;
    begun = true;
    const src = typeof opts.wasm === 'function' ? opts.wasm() : opts.wasm;
    const isModule = typeof WebAssembly === 'object' && src instanceof WebAssembly.Module;
    // The probe (the first wasm use of a page costs a few milliseconds) runs here, not at load.
    const refusal = opts.mode === 'js' || isModule ? '' : wasmCompileRefusal();
    if (opts.mode === 'js' || !src) void useTwin(opts.mode === 'js' ? '' : 'no wasm module was given');
    else if (refusal) void useTwin(refusal);
    else if (src instanceof URL) {
      fetch(src, { priority: 'low' } as RequestInit)
        .then((res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status} for ${src.href}`);
          return res.arrayBuffer();
        })
        .then((b) => {
          bytes = b;
          // Compiled off the main thread; current() compiles synchronously if asked before that.
          return WebAssembly.compile(b).then((mod) => { if (!encode) bytes = mod; compile(); });
        })
        .catch((e) => void useTwin(`the wasm encoder could not be fetched (${(e as Error)?.message ?? e})`));
    } else {
      bytes = src;
    }
  };
  if (!opts.lazy || opts.mode === 'js') begin();

  return {
    warm() {
      begin();
      if (encode || !bytes || bytes instanceof WebAssembly.Module) return;
      const b = bytes;
      WebAssembly.compile(b).then((mod) => { if (!encode && bytes === b) bytes = mod; }, () => {});
    },
    current() {
      begin();
      if (!encode) compile();
      return encode;
    },
    ready() {
      begin();
      if (!encode) compile();
      return ready;
    },
    kind: () => kind,
  };
}
