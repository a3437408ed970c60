// The runtime-neutral core as node runs it, with either encoder.
import { encoderLoader } from '../../src/encode/loader.js';
import { encodeRecords } from '../../src/encode/twin.js';
import { resolveConfig } from '../../src/sdk/config.js';
import { createCore } from '../../src/sdk/index.js';
import { traceIdRatio } from '../../src/sdk/sampler.js';
import { wasmBytes } from './encoders.js';

export function nodeCore(config: Record<string, unknown>, encoder: 'wasm' | 'js' = 'wasm') {
  const resolved = resolveConfig(config, undefined);
  return createCore(resolved, {
    detectedResource: { 'telemetry.sdk.name': 'plume' },
    sampleRoot: traceIdRatio(1),
    encoder: encoderLoader({ mode: encoder, wasm: encoder === 'wasm' ? wasmBytes() : undefined, twin: () => encodeRecords }),
  });
}
