// shutdown() uninstalls the instrumentations, but web-vitals' uninstall only disconnects its
// PerformanceObservers: its visibilitychange/pagehide/pageshow/popstate/keydown/pointerdown
// (and Navigation API) listeners stay. A page hidden after shutdown then reports CLS and calls
// core.flushUnloading(), whose flush(true) collects the meters and hands the result to the
// transport: an export after shutdown (OTel: "no export after Shutdown").
import { afterEach, expect, it, vi } from 'vitest';
import { webVitalsInstrumentation } from '../../src/instrument/web-vitals/index.js';
import { encoderLoader } from '../../src/encode/loader.js';
import { encodeRecords } from '../../src/encode/twin.js';
import { resolveConfig } from '../../src/sdk/config.js';
import { createCore } from '../../src/sdk/index.js';
import { traceIdRatio } from '../../src/sdk/sampler.js';
import { decodeToJson } from '../helpers/otlp-schema.js';
import { setupEnv, tick } from './browser-env.js';

afterEach(() => vi.restoreAllMocks());

it('after shutdown (and uninstall), hiding the page exports nothing', async () => {
  const env = setupEnv();
  const sent: { signal: string; unloading: boolean; json: any }[] = [];
  const config = resolveConfig({
    serviceName: 'svc', metrics: { temporality: 'cumulative' }, encoder: 'js',
    transport: (body: Uint8Array, signal: any, info: any) => { sent.push({ signal, unloading: info.unloading, json: decodeToJson(signal, body) }); },
  }, undefined);
  const core = createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }) });
  const off = webVitalsInstrumentation().install({ core, config, parentContext: () => undefined as any, requestStarted: () => () => {} }) as () => void;
  await tick();
  core.meter.createCounter('clicks').add(1);
  await core.shutdown();
  off();
  sent.length = 0;
  env.setVisibility('hidden');
  await tick(20);
  const names = sent.flatMap((s) => s.json.resourceMetrics?.flatMap((r: any) => r.scopeMetrics.flatMap((m: any) => m.metrics.map((x: any) => x.name))) ?? []);
  expect(sent.map((s) => `${s.signal} unloading=${s.unloading} ${names.join(',')}`)).toEqual([]);
});
