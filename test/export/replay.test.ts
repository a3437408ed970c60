// What an earlier page persisted is sent by the next one's first export, through the on-demand
// replay part; a part that cannot load leaves the data in storage and rejects nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/sdk/config.js';
import { createCore } from '../../src/sdk/index.js';
import { encoderLoader } from '../../src/encode/loader.js';
import { encodeRecords } from '../../src/encode/twin.js';
import { traceIdRatio } from '../../src/sdk/sampler.js';
import { decodeToJson, type Signal } from '../helpers/otlp-schema.js';
import { memoryStorage } from '../helpers/storage.js';

const chunks = vi.hoisted(() => ({ fail: false }));
vi.mock('../../src/lib/chunks.js', async (original) => {
  const real = await original<typeof import('../../src/lib/chunks.js')>();
  return { ...real, loadReplay: () => (chunks.fail ? Promise.reject(new Error('offline')) : real.loadReplay()) };
});


function setup() {
  const sent: { signal: Signal; json: any }[] = [];
  const config = resolveConfig({ serviceName: 'next-page', transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, json: decodeToJson(signal, body) }); } }, undefined);
  const core = createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }) });
  const names = () => sent.filter((s) => s.signal === 'traces').flatMap((s) => s.json.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans.map((sp: any) => sp.name))));
  return { core, names };
}

/** A page that persisted one span and a drop count, as persist.ts stores them. */
async function earlierPage(storage: Storage): Promise<void> {
  const { core } = setup();
  core.tracer.startSpan('from the earlier page').end();
  // Everything goes to storage: the custom transport is given nothing as the page goes away.
  core.exporter.sender.unload = () => [...core.exporter.outbox.all()];
  core.exporter.countDrop('logs', 'queue_full', 3);
  core.flushUnloading();
  await Promise.resolve();
  expect([...Array(storage.length).keys()].map((k) => storage.key(k)).some((k) => k!.startsWith('plume.outbox.'))).toBe(true);
}

afterEach(() => { vi.unstubAllGlobals(); chunks.fail = false; });

describe('replay of persisted data', () => {
  it('sends what an earlier page persisted with the first export, and its drop counts, then deletes them', async () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    await earlierPage(storage);
    const { core, names } = setup();
    await core.flush();
    expect(names()).toContain('from the earlier page');
    expect(storage.length).toBe(0);
  });

  it('leaves the data in storage when the replay part cannot load, and rejects nothing', async () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    await earlierPage(storage);
    chunks.fail = true;
    const { core, names } = setup();
    await expect(core.flush()).resolves.toBeUndefined();
    await expect(core.replay()).resolves.toBeUndefined();
    expect(names()).not.toContain('from the earlier page');
    expect(storage.length).toBeGreaterThan(0);
    // Once it loads, the data goes.
    chunks.fail = false;
    await core.replay();
    await core.flush();
    expect(names()).toContain('from the earlier page');
  });
});
