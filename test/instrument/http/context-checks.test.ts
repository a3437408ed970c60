// Checks (expected to pass): StackContextManager and the edge AsyncLocalStorage manager.
import { AsyncLocalStorage } from 'node:async_hooks';
import { expect, it } from 'vitest';
import { AsyncLocalStorageContextManager, RequestContextManager } from '../../../src/edge/context.js';
import { ROOT_CONTEXT, StackContextManager } from '../../../src/sdk/context.js';

const K = Symbol('k');
const a = ROOT_CONTEXT.setValue(K, 'a');
const b = ROOT_CONTEXT.setValue(K, 'b');

it('stack: nested, exceptions restore, bind keeps this/args/return, re-entrant', () => {
  const m = new StackContextManager();
  expect(() => m.with(a, () => { throw new Error('x'); })).toThrow('x');
  expect(m.active()).toBe(ROOT_CONTEXT);
  const got = m.with(a, () => [m.active().getValue(K), m.with(b, () => m.active().getValue(K)), m.active().getValue(K)]);
  expect(got).toEqual(['a', 'b', 'a']);
  const self = {};
  const f = m.bind(b, function (this: unknown, x: number, y: number) { return [this, x + y, m.active().getValue(K)]; });
  expect(m.with(a, () => f.call(self, 1, 2))).toEqual([self, 3, 'b']);
  expect(m.bind(a, 5 as unknown)).toBe(5);
  const rec = m.bind(a, (n: number): unknown => (n ? m.with(b, () => rec(n - 1)) : m.active().getValue(K)));
  expect(rec(3)).toBe('a');
  expect(m.active()).toBe(ROOT_CONTEXT);
  expect(m.with(a, (x: number, y: number) => x * y, undefined, 6, 7)).toBe(42);
});

it('ALS: follows awaits and timers; with() inside restores; RequestContextManager falls back to ambient', async () => {
  const m = new AsyncLocalStorageContextManager(AsyncLocalStorage as any);
  const v = await m.with(a, async () => {
    await new Promise((r) => setTimeout(r, 1));
    const inner = m.with(b, () => m.active().getValue(K));
    return [inner, m.active().getValue(K)];
  });
  expect(v).toEqual(['b', 'a']);
  expect(m.active()).toBe(ROOT_CONTEXT);
  const r = new RequestContextManager(() => a);
  expect(r.active()).toBe(a);
  expect(r.with(ROOT_CONTEXT, () => r.active())).toBe(ROOT_CONTEXT);
});
