// a core over a scripted Transport object (quotaBound as the browser's).
import { vi } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config.js';
import { createCore } from '../../../src/sdk/index.js';
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';
import type { LiveResult, Transport } from '../../../src/transport/index.js';
import { decodeToJson, type Signal } from '../../helpers/otlp-schema.js';
export { memoryStorage } from '../../helpers/storage.js';

export interface Call { signal: Signal; body: Uint8Array; keepalive: boolean; at: number; resolve: (r: LiveResult) => void }

/** A transport whose live answers the test gives by hand (or `auto` answers at once). */
export function scripted(opts: { quotaBound?: boolean; auto?: (c: Call) => LiveResult | undefined; unload?: (signal: Signal, body: Uint8Array) => boolean } = {}) {
  const live: Call[] = [];
  const unloads: { signal: Signal; body: Uint8Array }[] = [];
  const transport: Transport = {
    quotaBound: opts.quotaBound ?? true,
    live(signal, body, _items, keepalive) {
      return new Promise<LiveResult>((resolve) => {
        const c: Call = { signal, body, keepalive, at: Date.now(), resolve };
        live.push(c);
        const r = opts.auto?.(c);
        if (r) resolve(r);
      });
    },
    unload(signal, body) {
      unloads.push({ signal, body });
      return opts.unload ? opts.unload(signal, body) : true;
    },
  };
  return { transport, live, unloads };
}

export function coreWith(transport: Transport | undefined, extra: Record<string, unknown> = {}, customFn?: (body: Uint8Array, signal: Signal) => unknown) {
  const config = resolveConfig({ serviceName: 'svc', transport: customFn ?? (() => {}), ...extra }, undefined);
  return createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }), transport });
}

export const spanNames = (signal: Signal, body: Uint8Array): string[] => signal !== 'traces' ? [] :
  decodeToJson('traces', body).resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.name)));

/** The points of plume.exporter.dropped (or of another of the exporter's counters) in a request. */
export const dropPoints = (signal: Signal, body: Uint8Array, name = 'plume.exporter.dropped'): { attributes: Record<string, string>; value: number; start: string; time: string }[] => {
  if (signal !== 'metrics') return [];
  const j = decodeToJson('metrics', body);
  return j.resourceMetrics.flatMap((r: any) => r.scopeMetrics.flatMap((sm: any) => sm.metrics.filter((m: any) => m.name === name)
    .flatMap((m: any) => m.sum.dataPoints.map((p: any) => ({
      attributes: Object.fromEntries(p.attributes.map((a: any) => [a.key, a.value.stringValue])),
      value: Number(p.asInt), start: p.startTimeUnixNano, time: p.timeUnixNano, temporality: m.sum.aggregationTemporality,
    })))));
};


export const quiet = () => vi.spyOn(console, 'warn').mockImplementation(() => {});
export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
