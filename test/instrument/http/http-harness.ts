// a real core with the JS encoder, a custom transport that decodes
// what was sent, and an InstrumentationContext like browser-core's (parent = active context).
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { resolveConfig } from '../../../src/sdk/config.js';
import { context } from '../../../src/sdk/context.js';
import { createCore } from '../../../src/sdk/index.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';

export function setup(extra: Record<string, unknown> = {}) {
  const sent: { signal: Signal; json: any }[] = [];
  const config = resolveConfig({
    transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, json: decodeToJson(signal, body) }); },
    ...extra,
  }, (globalThis as any).location?.href);
  const core = createCore(config, {
    detectedResource: { 'telemetry.sdk.name': 'plume' }, sampleRoot: traceIdRatio(1),
    encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }),
  });
  const ictx: any = { core, config, parentContext: () => context.active(), requestStarted: () => () => {} };
  const spans = async () => {
    await core.flush();
    return sent.filter((s) => s.signal === 'traces').flatMap((s) => s.json.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans)))
      .map((sp: any) => ({ ...sp, attrs: Object.fromEntries((sp.attributes ?? []).map((a: any) => [a.key, Object.values(a.value)[0]])) }));
  };
  return { core, config, ictx, sent, spans };
}

/** A stand-in for the runtime's fetch that records exactly what it was called with. */
export function recordingFetch(response: () => Response = () => new Response('ok')) {
  const calls: { self: unknown; args: unknown[] }[] = [];
  const f = function (this: unknown, ...args: unknown[]) { calls.push({ self: this, args }); return Promise.resolve(response()); } as unknown as typeof fetch;
  return { f, calls };
}
