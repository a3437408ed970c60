// A core with a custom transport that keeps what was sent, decoded (as test/sdk/core.test.ts).
import { resolveConfig } from '../../../src/sdk/config.js';
import { createCore } from '../../../src/sdk/index.js';
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';
import { wasmBytes } from '../../helpers/encoders.js';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';

export function setup(mode: 'wasm' | 'js', extra: Record<string, unknown> = {}) {
  const sent: { signal: Signal; body: Uint8Array; json: any }[] = [];
  const config = resolveConfig({
    serviceName: 'svc',
    transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, body, json: decodeToJson(signal, body) }); },
    ...extra,
  }, undefined);
  const encoder = encoderLoader({ mode, wasm: mode === 'wasm' ? wasmBytes() : undefined, twin: () => encodeRecords });
  const core = createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), encoder });
  const logs = () => sent.filter((s) => s.signal === 'logs').flatMap((s) => s.json.resourceLogs.flatMap((r: any) => r.scopeLogs.flatMap((sl: any) => sl.logRecords)));
  const spans = () => sent.filter((s) => s.signal === 'traces').flatMap((s) => s.json.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans)));
  return { core, sent, logs, spans };
}
