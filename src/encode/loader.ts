// Which encoder a runtime uses, and when it becomes available. The wasm module is fetched
// early (it is small), compiled when first needed or when the main thread is idle; the JS
// twin is loaded only where wasm is refused or fails, so pages that can run wasm never
// download it.
import { debugWarn, W_WASM_FALLBACK } from '../lib/diag.js';
import type { Records } from './records.js';
import { wasmEncoder, wasmEncoderSync, type WasmSource } from './wasm-bridge.js';

export type Encode = (signal: number, rec: Records, root: number) => Uint8Array;

export interface EncoderLoader {
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
  /** Do nothing until an encoder is asked for (browsers: keeps page start-up free of wasm work). */
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

  // The first encoder to arrive is the one used.
  const take = (e: Encode, k: 'wasm' | 'js'): Encode => {
    if (!encode) { encode = e; kind = k; settled(e); }
    return e;
  };
  const useTwin = (why: string): Promise<Encode> => {
    if (why) debugWarn(W_WASM_FALLBACK, `${why}; the JS twin encodes the same bytes`);
    if (!twinLoading) {
      const t = opts.twin();
      // A twin at hand (edge, node) is taken now; a browser's is a chunk still loading.
      twinLoading = typeof t === 'function' ? Promise.resolve(take(t, 'js')) : t.then((e) => take(e, 'js'), (e) => { failed(e); throw e; });
      twinLoading.catch(() => {});
    }
    return twinLoading;
  };
  // A CSP refusal says so in the engine's own message ("Refused to compile…", "…'unsafe-eval'…").
  const wasmFailed = (e: unknown): void => {
    if (encode) return;
    bytes = undefined;
    void useTwin(`the wasm encoder could not be compiled or instantiated (${(e as Error)?.message ?? e})`);
  };
  const compile = (): boolean => {
    if (encode || !bytes) return !!encode;
    try {
      take(wasmEncoderSync(bytes).encode, 'wasm');
    } catch (e) {
      wasmFailed(e);
    }
    return !!encode;
  };

  let begun = false;
  const begin = (): void => {
    if (begun) return;
    begun = true;
    const src = typeof opts.wasm === 'function' ? opts.wasm() : opts.wasm;
    if (opts.mode === 'js' || !src) void useTwin(opts.mode === 'js' ? '' : 'no wasm module was given');
    else if (typeof WebAssembly !== 'object') void useTwin('WebAssembly is not available');
    else if (src instanceof URL) {
      fetch(src, { priority: 'low' } as RequestInit)
        .then((res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status} for ${src.href}`);
          return res.arrayBuffer();
        })
        .then((b) => { bytes = b; background(b); })
        .catch((e) => void useTwin(`the wasm encoder could not be fetched (${(e as Error)?.message ?? e})`));
    } else {
      bytes = src;
    }
  };
  // Compiled and instantiated off the main thread. No synchronous probe first: the first
  // synchronous wasm use of a page costs about a millisecond, and a CSP without
  // 'wasm-unsafe-eval' (or WebKit's refusal at instantiation) rejects these promises just
  // as well. current() compiles synchronously only if a batch must go out before this is done.
  let compiling = false;
  const background = (b: BufferSource | WebAssembly.Module): void => {
    if (encode || compiling) return;
    compiling = true;
    (b instanceof WebAssembly.Module ? WebAssembly.instantiate(b, {}) : WebAssembly.instantiate(b, {}).then((r) => r.instance))
      .then((instance) => { if (!encode) take(wasmEncoder(instance).encode, 'wasm'); })
      .catch(wasmFailed);
  };
  if (!opts.lazy || opts.mode === 'js') begin();

  return {
    current() {
      begin();
      if (!encode) compile();
      return encode;
    },
    ready() {
      begin();
      if (bytes) background(bytes);
      return ready;
    },
    kind: () => kind,
  };
}
