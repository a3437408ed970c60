// How init() registers Plume with @opentelemetry/api (sdk/globals.ts), checked with two real
// copies of the API in one process, as a page with two bundles has them: 1.10 and 1.9
// (an alias of the real 1.9.0 package). Each case starts from an empty registry and a fresh
// Plume module (init() is once per page).
import * as api from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as api19 from 'otel-api-1.9';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capture } from './harness.js';

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');
const g = globalThis as unknown as Record<symbol, any>;

async function freshInit(extra: Record<string, unknown> = {}) {
  vi.resetModules();
  const { init } = await import('../../src/browser.js');
  const c = capture(extra);
  return { plume: init(c.config), ...c };
}

let warnings: string[] = [];
beforeEach(() => {
  delete g[API_KEY];
  delete g[LOGS_KEY];
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((m: unknown) => { warnings.push(String(m)); });
});
afterEach(() => vi.restoreAllMocks());

describe('registration with @opentelemetry/api', () => {
  it('init() fills an empty registry as API 1.10 makes one: version 1.10.0, not writable', async () => {
    await freshInit();
    const reg = g[API_KEY];
    expect(reg.version).toBe('1.10.0');
    expect(Object.getOwnPropertyDescriptor(reg, 'version')).toMatchObject({ writable: false, configurable: false, enumerable: true });
    for (const slot of ['trace', 'context', 'propagation', 'metrics', 'logs']) expect(reg[slot], slot).toBeDefined();
    expect(typeof g[LOGS_KEY]).toBe('function');
    expect(g[LOGS_KEY](1)).toBe(logs.getLoggerProvider());
    expect(warnings).toEqual([]);
  });

  it('both API copies (1.10 and 1.9) reach Plume, whichever loaded first', async () => {
    const { plume, delivered } = await freshInit();
    const a = api.trace.getTracer('lib-110', '1.0.0').startSpan('from-1.10');
    const b = api19.trace.getTracer('lib-19', '1.0.0').startSpan('from-1.9', {}, api19.trace.setSpan(api19.context.active(), a as any));
    expect(a.isRecording()).toBe(true);
    expect(b.isRecording()).toBe(true);
    b.end();
    a.end();
    api19.metrics.getMeter('lib-19').createCounter('c19').add(5);
    await plume.flush();
    const d = delivered();
    const s110 = d.spans.find((s) => s.name === 'from-1.10');
    const s19 = d.spans.find((s) => s.name === 'from-1.9');
    expect(s19.parentSpanId).toBe(s110.spanId);
    expect(s19.scope).toEqual({ name: 'lib-19', version: '1.0.0' });
    expect(d.metrics.find((m) => m.name === 'c19').sum.dataPoints[0].asDouble).toBe(5);
  });

  it('registerGlobals: false registers nothing and says nothing', async () => {
    await freshInit({ registerGlobals: false });
    expect(g[API_KEY]).toBeUndefined();
    expect(g[LOGS_KEY]).toBeUndefined();
    expect(api.trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('a registry an API copy made first keeps its version; Plume fills its free slots', async () => {
    const logger = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };
    expect(api19.diag.setLogger(logger as any)).toBe(true);
    expect(g[API_KEY].version).toBe('1.9.0');
    await freshInit();
    expect(g[API_KEY].version).toBe('1.9.0');
    expect(g[API_KEY].diag).toBeDefined();
    // 1.9 copies read a 1.9 registry; a 1.10 copy does not (the API's rule: its minor must not be above the registry's).
    expect(api19.trace.getTracer('x').startSpan('y').isRecording()).toBe(true);
    expect(api.trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
  });

  it('another SDK registered first: PLUME_W017, its slots stay its own, Plume keeps working', async () => {
    const exporter = new InMemorySpanExporter();
    expect(api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))).toBe(true);
    const { plume, delivered } = await freshInit();
    expect(warnings.filter((w) => w.includes('PLUME_W017'))).toHaveLength(1);
    expect(warnings[0]).toContain('trace');
    api.trace.getTracer('lib').startSpan('to-the-other-sdk').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['to-the-other-sdk']);
    plume.tracer.startSpan('plume-own').end();
    await plume.flush();
    expect(delivered().spans.map((s) => s.name)).toEqual(['plume-own']);
  });

  it("an app's own setGlobalTracerProvider after init() is refused by the API (the slot is Plume's)", async () => {
    await freshInit();
    expect(api.trace.setGlobalTracerProvider(new BasicTracerProvider())).toBe(false);
    expect(api.trace.getTracer('x').startSpan('y').isRecording()).toBe(true);
  });

  it('a context manager registered before is the one Plume uses: still one context', async () => {
    // What an app that set OTel's StackContextManager-like manager itself has: a manager of its own.
    let current: api.Context = api.ROOT_CONTEXT;
    const manager: api.ContextManager = {
      active: () => current,
      with(ctx, fn, thisArg, ...args) {
        const prev = current;
        current = ctx;
        try { return fn.call(thisArg, ...args); } finally { current = prev; }
      },
      bind: (_ctx, target) => target,
      enable() { return this; },
      disable() { return this; },
    };
    expect(api.context.setGlobalContextManager(manager)).toBe(true);
    const { plume, delivered } = await freshInit();
    plume.tracer.startActiveSpan('outer', (outer) => {
      expect(api.trace.getActiveSpan()).toBe(outer);
      api.trace.getTracer('lib').startSpan('inner').end();
      outer.end();
    });
    await plume.flush();
    const d = delivered();
    expect(d.spans.find((s) => s.name === 'inner').parentSpanId).toBe(d.spans.find((s) => s.name === 'outer').spanId);
    expect(warnings).toEqual([]);
  });

  it("api-logs' own slot: taken by another provider, it stays; said once", async () => {
    const other = { getLogger: () => ({ emit() {}, enabled: () => true }) };
    logs.setGlobalLoggerProvider(other as any);
    await freshInit();
    expect(logs.getLoggerProvider()).toBe(other);
    expect(warnings.join('\n')).toMatch(/PLUME_W017.*api-logs/);
  });

  it('propagation through the API uses W3C trace context and baggage', async () => {
    await freshInit();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const ctx = api.propagation.extract(api.ROOT_CONTEXT, { traceparent, baggage: 'k=v' });
    const sc = api.trace.getSpanContext(ctx);
    expect(sc).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true });
    expect(api.propagation.getBaggage(ctx)?.getEntry('k')?.value).toBe('v');
    const out: Record<string, string> = {};
    api.propagation.inject(ctx, out);
    expect(out).toEqual({ traceparent, baggage: 'k=v' });
    expect(api.propagation.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });

  it('after shutdown() the registration stays, and what the API makes records nothing', async () => {
    const { plume, delivered } = await freshInit();
    await plume.shutdown();
    expect(g[API_KEY].trace).toBeDefined();
    const span = api.trace.getTracer('late').startSpan('after-shutdown');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(delivered().spans).toEqual([]);
  });
});
