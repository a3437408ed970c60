// Issue 14, item 5: the script tag must be startable after it has loaded (a consent banner, a
// runtime config). plume.iife.js without a config used to warn PLUME_W002 and leave nothing
// usable: a later plume.init(config) threw (no such function) and plume('init', config) was
// queued into a queue nobody read. A bad config threw from Plume's script into the page.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { setupEnv } from './browser-env.js';

const OFF = { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false };
const good = (sent: unknown[]) => ({ encoder: 'js', transport: async (b: unknown) => { sent.push(b); }, instrumentations: OFF });

let warnings: string[];
beforeEach(() => {
  vi.resetModules(); // a fresh SDK (and its first-instance rule) per test
  setupEnv();
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
  (globalThis as any).document.createElement = () => ({});
  (globalThis as any).document.head = { appendChild: () => {} };
  delete (globalThis as any).plume;
  delete (globalThis as any).plumeConfig;
});
afterEach(() => vi.restoreAllMocks());

/** The snippet as a page runs it (its script element never loads here). */
function runSnippet() {
  const src = readFileSync(new URL('../../src/loader/snippet.js', import.meta.url), 'utf8');
  runInNewContext(src, { window: globalThis, document: (globalThis as any).document, Date });
}

it('plume.iife.js with no config waits without a warning, and plume.init(config) then starts it and returns the live API', async () => {
  runSnippet();
  const g = globalThis as any;
  const kept = g.plume; // a page may keep the snippet's function
  g.plume('emit', { body: 'before init', severityNumber: 9 });
  const { takeOver } = await import('../../src/loader/runtime.js');
  expect(takeOver()).toBeUndefined();
  expect(warnings).toEqual([]);
  const ready = vi.fn();
  g.plume.onReady(ready);
  const sent: unknown[] = [];
  const live = g.plume.init(good(sent));
  expect(typeof live?.tracer?.startSpan).toBe('function');
  expect(g.plume).toBe(live);
  expect(ready).toHaveBeenCalledTimes(1);
  // Calls through the kept snippet function reach the live SDK.
  expect(kept.init(good(sent))).toBe(live); // a second init: the first instance (PLUME_W004)
  expect(warnings.join('\n')).toMatch(/PLUME_W004/);
  await live.flush();
  expect(sent.length).toBeGreaterThan(0); // the queued emit
});

it("plume('init', config) after plume.iife.js has arrived starts it too", async () => {
  runSnippet();
  const g = globalThis as any;
  const { takeOver } = await import('../../src/loader/runtime.js');
  takeOver();
  const live = g.plume('init', good([]));
  expect(typeof live?.tracer?.startSpan).toBe('function');
  expect(g.plume).toBe(live);
});

it('a plain script tag (no snippet) without config waits for plume.init(config)', async () => {
  const g = globalThis as any;
  const { takeOver } = await import('../../src/loader/runtime.js');
  expect(takeOver()).toBeUndefined();
  expect(warnings).toEqual([]);
  expect(typeof g.plume.init).toBe('function');
  const live = g.plume.init(good([]));
  expect(typeof live?.tracer?.startSpan).toBe('function');
  expect(g.plume).toBe(live);
});

it('a bad config given to the script tag is a PLUME_W002 warning, never an exception; a later good init still starts', async () => {
  runSnippet();
  const g = globalThis as any;
  g.plume('init', { serviceName: 'no endpoint' });
  const { takeOver } = await import('../../src/loader/runtime.js');
  expect(() => takeOver()).not.toThrow();
  expect(warnings.join('\n')).toMatch(/PLUME_W002 .*endpoint/);
  const hostile = new Proxy({}, { get() { throw new Error('getter throws'); }, ownKeys() { throw new Error('ownKeys throws'); } });
  expect(() => g.plume.init(hostile)).not.toThrow();
  expect(() => g.plume.init({ endpoint: 'http://[bad' })).not.toThrow();
  expect(typeof g.plume.tracer).toBe('undefined');
  const live = g.plume.init(good([]));
  expect(typeof live?.tracer?.startSpan).toBe('function');
});

it('a bad window.plumeConfig is a warning too', async () => {
  const g = globalThis as any;
  g.plumeConfig = { endpoint: 'ftp://nope' };
  const { takeOver } = await import('../../src/loader/runtime.js');
  expect(() => takeOver()).not.toThrow();
  expect(warnings.join('\n')).toMatch(/PLUME_W002/);
});
