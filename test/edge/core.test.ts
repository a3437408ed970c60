// The edge core's own rules, run in node through the module-worker adapter with a fake ctx
// and a function transport: config resolution and its errors, Server-Timing on responses
// the handler cannot change, responses left alone, and the per-request context manager.
import { describe, expect, it, vi } from 'vitest';
import { instrument } from '../../src/edge/index.js';
import { mergeServerTiming } from '../../src/edge/core.js';
import { RequestContextManager } from '../../src/edge/context.js';
import { ROOT_CONTEXT } from '../../src/sdk/context.js';

const KEY = Symbol('k');
const ctx = () => {
  const waits: Promise<unknown>[] = [];
  return { waits, waitUntil: (p: Promise<unknown>) => { waits.push(p); } };
};

describe('instrument: config', () => {
  it('a bad endpoint is a TypeError at the first request (and every one after), before the handler runs', async () => {
    const handler = vi.fn(() => new Response('ok'));
    const worker = instrument({ fetch: handler }, { endpoint: 'collector:4318', serviceName: 'x' });
    for (let k = 0; k < 2; k++) {
      const err = await worker.fetch!(new Request('https://a.example/'), {}, ctx()).catch((e) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe('plume: config.endpoint "collector:4318" is not an http(s) URL');
    }
    expect(handler).not.toHaveBeenCalled();
    const missing = instrument({ fetch: handler }, () => ({ serviceName: 'x' }));
    await expect(missing.fetch!(new Request('https://a.example/'), {}, ctx())).rejects.toThrow(/config\.endpoint is required/);
  });

  it('a config function is called once per isolate, with env', async () => {
    const config = vi.fn((env: { COLLECTOR: string }) => ({ endpoint: env.COLLECTOR, serviceName: 'api', transport: () => {} }));
    const worker = instrument({ fetch: () => new Response('ok') }, config);
    for (let k = 0; k < 3; k++) {
      const c = ctx();
      const res = await worker.fetch!(new Request(`https://a.example/${k}`), { COLLECTOR: 'https://collector.example' }, c);
      expect(res.status).toBe(200);
      await Promise.all(c.waits);
    }
    expect(config).toHaveBeenCalledTimes(1);
    expect(config).toHaveBeenCalledWith({ COLLECTOR: 'https://collector.example' });
  });

  it('keeps the handler\'s other properties and methods (a class instance too), with their this', async () => {
    class App {
      #secret = 'private';
      count = 0;
      fetch = () => new Response(this.#secret);
      scheduled() { this.count++; return this.#secret; }
    }
    const app = new App();
    const worker = instrument(app, { endpoint: 'https://c.example', transport: () => {} });
    expect(worker.scheduled()).toBe('private');
    expect(app.count).toBe(1);
    expect(await (await worker.fetch(new Request('https://a.example/'), {}, ctx())).text()).toBe('private');
    expect(app.fetch).not.toBe(worker.fetch);
  });

  it('instrument() refuses a handler without fetch', () => {
    expect(() => instrument({} as never, { endpoint: 'https://c.example' })).toThrow(/handler\.fetch must be a function/);
  });
});

describe('instrument: responses', () => {
  const sent: Uint8Array[] = [];
  const config = { endpoint: 'https://collector.example', serviceName: 'api', transport: (body: Uint8Array) => { sent.push(body); } };

  it('re-creates a response whose headers are immutable, keeping status, headers and body', async () => {
    const worker = instrument({ fetch: () => Response.redirect('https://a.example/next', 302) }, config);
    const original = Response.redirect('https://a.example/next', 302);
    expect(() => original.headers.set('x', 'y')).toThrow(TypeError);
    const res = await worker.fetch!(new Request('https://a.example/'), {}, ctx());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://a.example/next');
    expect(res.headers.get('server-timing')).toMatch(/^traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
  });

  it('leaves websocket upgrades (101, or a webSocket property) and non-responses untouched', async () => {
    const upgrade = { status: 101, headers: new Headers(), webSocket: {} } as unknown as Response;
    const socket = { status: 200, headers: new Headers(), webSocket: {} } as unknown as Response;
    for (const r of [upgrade, socket]) {
      const worker = instrument({ fetch: () => r }, config);
      const out = await worker.fetch!(new Request('https://a.example/ws'), {}, ctx());
      expect(out).toBe(r);
      expect(r.headers.get('server-timing')).toBeNull();
    }
  });

  it('keeps the same Response object when its headers can be changed', async () => {
    const r = new Response('x', { headers: { 'server-timing': 'cache;desc=hit, db;dur=3' } });
    const worker = instrument({ fetch: () => r }, config);
    const out = await worker.fetch!(new Request('https://a.example/'), {}, ctx());
    expect(out).toBe(r);
    expect(r.headers.get('server-timing')).toMatch(/^cache;desc=hit, db;dur=3, traceparent;desc="00-/);
  });

  it('rethrows exactly what the handler threw (not only Errors)', async () => {
    for (const thrown of [new RangeError('r'), 'a string', { code: 42 }]) {
      const worker = instrument({ fetch: () => { throw thrown; } }, config);
      const c = ctx();
      await expect(worker.fetch!(new Request('https://a.example/'), {}, c)).rejects.toBe(thrown);
      // The export is still handed to waitUntil.
      expect(c.waits.length).toBe(1);
    }
  });
});

describe('instrument: export', () => {
  it('one flush at a time: requests that finish meanwhile share the next export', async () => {
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let first = true;
    const worker = instrument({ fetch: () => new Response('ok') }, {
      endpoint: 'https://collector.example', serviceName: 'api',
      transport: async (_body: Uint8Array, signal: string) => {
        calls.push(signal);
        if (signal === 'traces' && first) { first = false; await gate; }
      },
    });
    const c1 = ctx();
    await worker.fetch!(new Request('https://a.example/1'), {}, c1);
    await vi.waitFor(() => expect(calls).toContain('traces'));
    const others = Array.from({ length: 5 }, () => ctx());
    await Promise.all(others.map((c, k) => worker.fetch!(new Request(`https://a.example/${k + 2}`), {}, c)));
    // Every request's export waits behind the one in flight.
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.filter((s) => s === 'traces')).toHaveLength(1);
    release();
    await Promise.all([c1, ...others].flatMap((c) => c.waits));
    // The five shared one export.
    expect(calls.filter((s) => s === 'traces')).toHaveLength(2);
  });
});

describe('mergeServerTiming', () => {
  const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  it('appends, keeps other metrics (quoted commas too), replaces a traceparent already there', () => {
    expect(mergeServerTiming(null, tp)).toBe(`traceparent;desc="${tp}"`);
    expect(mergeServerTiming('db;dur=53, app;desc="a, b"', tp)).toBe(`db;dur=53, app;desc="a, b", traceparent;desc="${tp}"`);
    expect(mergeServerTiming('traceparent;desc="00-1-2-01", cdn;dur=1', tp)).toBe(`cdn;dur=1, traceparent;desc="${tp}"`);
    expect(mergeServerTiming('traceparentx;dur=1', tp)).toBe(`traceparentx;dur=1, traceparent;desc="${tp}"`);
  });
});

describe('RequestContextManager (no AsyncLocalStorage)', () => {
  it('with() holds for its synchronous extent; outside it, the one request in flight, else ROOT', () => {
    let inflight: (typeof ROOT_CONTEXT)[] = [];
    const m = new RequestContextManager(() => (inflight.length === 1 ? inflight[0] : undefined));
    const a = ROOT_CONTEXT.setValue(KEY, 'a');
    const b = ROOT_CONTEXT.setValue(KEY, 'b');
    expect(m.active()).toBe(ROOT_CONTEXT);
    inflight = [a];
    expect(m.active()).toBe(a);
    inflight = [a, b];
    expect(m.active()).toBe(ROOT_CONTEXT);
    expect(m.with(b, () => m.active())).toBe(b);
    // An explicit ROOT inside with() is ROOT, not the guess.
    inflight = [a];
    expect(m.with(ROOT_CONTEXT, () => m.active())).toBe(ROOT_CONTEXT);
    const bound = m.bind(b, () => m.active());
    expect(bound()).toBe(b);
  });
});
