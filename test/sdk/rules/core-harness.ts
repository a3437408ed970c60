// a core with a capturing transport, decoded by @bufbuild/protobuf.
import { resolveConfig } from '../../../src/sdk/config.js';
import { createCore } from '../../../src/sdk/index.js';
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';

export type Sent = { signal: Signal; body: Uint8Array; json: any };

export function setup(extra: Record<string, unknown> = {}) {
  const sent: Sent[] = [];
  const config = resolveConfig({
    serviceName: 'svc',
    transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, body, json: decodeToJson(signal, body) }); },
    ...extra,
  }, undefined);
  const encoder = encoderLoader({ mode: 'js', twin: () => encodeRecords });
  const core = createCore(config, { detectedResource: { 'telemetry.sdk.name': 'plume' }, sampleRoot: traceIdRatio(1), encoder });
  const spans = () => sent.filter((s) => s.signal === 'traces').flatMap((s) => s.json.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans)));
  const logs = () => sent.filter((s) => s.signal === 'logs').flatMap((s) => s.json.resourceLogs.flatMap((r: any) => r.scopeLogs.flatMap((ss: any) => ss.logRecords)));
  const metrics = () => sent.filter((s) => s.signal === 'metrics').flatMap((s) => s.json.resourceMetrics.flatMap((r: any) => r.scopeMetrics.flatMap((sm: any) => sm.metrics)));
  const resource = () => sent[0].json[Object.keys(sent[0].json)[0]][0].resource.attributes;
  return { core, sent, spans, logs, metrics, resource };
}
export const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
