// relay(): reading the browser's body is bounded in time (in all, and between chunks), not
// only in size: a body that never ends, or trickles, is answered 408 and its stream cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relay } from '../../../src/edge/relay.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { post, traces, within } from './relay-harness.js';

let collector: FakeCollector;
beforeAll(async () => { collector = await startFakeCollector(); });
afterAll(() => collector?.close());

/** A body stream that sends `first` and then whatever `more` says, and tells when it is cancelled. */
type More = (c: ReadableStreamDefaultController<Uint8Array>) => Promise<void> | void;
function body(first: Uint8Array, more: More = () => new Promise(() => {})) {
  let cancelled!: () => void;
  const wasCancelled = new Promise<void>((r) => { cancelled = r; });
  const stream = new ReadableStream<Uint8Array>({
    start(c) { c.enqueue(first); },
    pull(c) { return more(c); },
    cancel() { cancelled(); },
  }, { highWaterMark: 0 });
  return { stream, wasCancelled };
}
const streamed = (stream: ReadableStream<Uint8Array>) => post(stream, {}, '/otlp/v1/traces', { duplex: 'half' } as RequestInit);

describe('relay: bounded body reads', () => {
  it('a body that never ends: 408 once bodyTimeoutMillis has passed, and the stream is cancelled', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, bodyTimeoutMillis: 300, bodyIdleMillis: 250 });
    const b = body(traces().subarray(0, 10));
    const res = await within(r(streamed(b.stream)), 10_000);
    expect(res).not.toBe('pending');
    expect((res as Response).status).toBe(408);
    expect(await within(b.wasCancelled, 5000)).toBeUndefined();
    expect(collector.seen).toHaveLength(0);
  });

  it('200 of them at once: all answered 408, all cancelled', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, bodyTimeoutMillis: 300, bodyIdleMillis: 250, maxConcurrent: 200 });
    const bodies = Array.from({ length: 200 }, () => body(new Uint8Array([0x0a])));
    const answers = await within(Promise.all(bodies.map((b) => r(streamed(b.stream)))), 20_000);
    expect(answers).not.toBe('pending');
    expect((answers as Response[]).map((a) => a!.status)).toEqual(new Array(200).fill(408));
    expect(await within(Promise.all(bodies.map((b) => b.wasCancelled)), 5000)).not.toBe('pending');
  });

  it('an endless trickle of one byte per 50 ms is cut at bodyTimeoutMillis', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, bodyTimeoutMillis: 400, bodyIdleMillis: 300 });
    // Endless: one byte every 50 ms, each well within the idle limit.
    const b = body(new Uint8Array([0x0a]), (c) => new Promise((resolve) => setTimeout(() => {
      try { c.enqueue(new Uint8Array([0])); } catch { /* cancelled meanwhile */ }
      resolve();
    }, 50)));
    const res = await within(r(streamed(b.stream)), 10_000);
    expect(res).not.toBe('pending');
    expect((res as Response).status).toBe(408);
    // Cancelled: the stream is never pulled again.
    expect(await within(b.wasCancelled, 5000)).toBeUndefined();
  });

  it('a pause longer than bodyIdleMillis is a 408 well before bodyTimeoutMillis', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, bodyTimeoutMillis: 60_000, bodyIdleMillis: 200 });
    const b = body(new Uint8Array([0x0a]));
    const res = await within(r(streamed(b.stream)), 20_000);
    expect(res).not.toBe('pending');
    expect((res as Response).status).toBe(408);
  });

  it('a body that arrives in pieces within the limits is read and forwarded', async () => {
    const r = relay({ collector: collector.url, rateLimit: false, bodyTimeoutMillis: 5000, bodyIdleMillis: 2000 });
    const whole = traces();
    let at = 10;
    const b = body(whole.subarray(0, 10), (c) => {
      if (at >= whole.length) { c.close(); return; }
      c.enqueue(whole.subarray(at, at + 10));
      at += 10;
    });
    const res = (await r(streamed(b.stream)))!;
    expect(res.status).toBe(200);
    expect(collector.seen.at(-1)!.bytes).toEqual(whole);
  });

  it('time limits that cannot work are a TypeError at relay()', () => {
    for (const v of [0, -1, 1.5, Infinity]) {
      expect(() => relay({ collector: collector.url, bodyTimeoutMillis: v }), String(v)).toThrow(TypeError);
      expect(() => relay({ collector: collector.url, bodyIdleMillis: v }), String(v)).toThrow(TypeError);
    }
  });
});
