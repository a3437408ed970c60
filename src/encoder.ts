// plume/encoder: OTLP/protobuf encoding of requests in the OTLP/JSON shape, in WebAssembly
// when the runtime allows it and in the byte-identical JS twin when it does not.

import { SIGNAL_LOGS, SIGNAL_METRICS, SIGNAL_TRACES } from './encode/layout.js';
import { logsRequest, metricsRequest, tracesRequest, valuesCut } from './encode/otlp-json.js';
import { Records } from './encode/records.js';
import { encodeRecords } from './encode/twin.js';
import { loadWasmEncoder, type WasmSource } from './encode/wasm-bridge.js';
import { fromHex } from './lib/hex.js';

export interface EncoderOptions {
  /** 'auto' (default): wasm, else the JS twin. 'wasm': throw if wasm cannot load. 'js': the twin. */
  implementation?: 'auto' | 'wasm' | 'js';
  /** The encoder module: bytes, a URL (compiled while streaming), or a compiled Module (workerd). Default: the bundled bytes. */
  wasm?: WasmSource;
}

export interface Encoder {
  /** Which implementation encodes. */
  readonly kind: 'wasm' | 'js';
  /** Why 'auto' fell back to the JS twin, or undefined. */
  readonly fallbackReason?: string;
  /**
   * How many AnyValues the last encode call cut: values nested deeper than 16 arrayValue /
   * kvlistValue levels (more than some receivers read) are written as empty AnyValues, and
   * each is also added to the droppedAttributesCount of the span, event, link, log record,
   * resource or scope that holds it.
   */
  readonly valuesCut: number;
  // Uint8Array<ArrayBuffer>, not <ArrayBufferLike>: TypeScript 5.7 and later take only that as
  // a fetch body (BodyInit), and these bytes are made to be one.
  /** ExportTraceServiceRequest bytes from { resourceSpans: [...] }. */
  encodeTraces(req: object): Uint8Array<ArrayBuffer>;
  /** ExportMetricsServiceRequest bytes from { resourceMetrics: [...] }. */
  encodeMetrics(req: object): Uint8Array<ArrayBuffer>;
  /** ExportLogsServiceRequest bytes from { resourceLogs: [...] }. */
  encodeLogs(req: object): Uint8Array<ArrayBuffer>;
}

type Encode = (signal: number, rec: Records, root: number) => Uint8Array<ArrayBuffer>;

async function bundledWasm(): Promise<Uint8Array> {
  const hex = (await import('./encode/wasm-inline.js')).default;
  if (!hex) throw new Error('no bundled wasm in this build; pass the `wasm` option');
  return fromHex(hex);
}

export async function createEncoder(options: EncoderOptions = {}): Promise<Encoder> {
  const implementation = options.implementation ?? 'auto';
  if (implementation !== 'auto' && implementation !== 'wasm' && implementation !== 'js') {
    throw new TypeError(`implementation: expected 'auto', 'wasm' or 'js', got ${String(implementation)}`);
  }
  let encode: Encode = encodeRecords;
  let kind: 'wasm' | 'js' = 'js';
  let fallbackReason: string | undefined;
  if (implementation !== 'js') {
    try {
      encode = (await loadWasmEncoder(options.wasm ?? (await bundledWasm()))).encode;
      kind = 'wasm';
    } catch (e) {
      if (implementation === 'wasm') throw new Error(`plume: the wasm encoder could not load: ${(e as Error).message}`, { cause: e });
      fallbackReason = (e as Error).message;
    }
  }
  const rec = new Records();
  let cut = 0;
  const run = (signal: number, read: (rec: Records, req: object) => number, req: object): Uint8Array<ArrayBuffer> => {
    rec.reset();
    cut = 0;
    const root = read(rec, req);
    cut = valuesCut();
    return encode(signal, rec, root);
  };
  return {
    kind,
    fallbackReason,
    get valuesCut() { return cut; },
    encodeTraces: (req) => run(SIGNAL_TRACES, tracesRequest, req),
    encodeMetrics: (req) => run(SIGNAL_METRICS, metricsRequest, req),
    encodeLogs: (req) => run(SIGNAL_LOGS, logsRequest, req),
  };
}
