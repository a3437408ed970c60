// The debug IDs of the scripts in an error's stack go with its record (plume.exception.debug_ids),
// read from the registries builds fill at run time: globalThis._debugIds (plume/build's
// snippet, Turbopack) and Sentry's _sentryDebugIds. The browser side of symbolication by debug ID.
import { afterEach, beforeAll, expect, it } from 'vitest';
import { errorsInstrumentation } from '../../src/instrument/errors.js';
import { setupEnv } from './browser-env.js';

const ID_A = '85314830-023f-4cf1-a267-535f4e37bb17';
const ID_B = '0b8a3d3c-7a41-4c55-9d8e-6c52ab3a1f00';
const g = globalThis as Record<string, unknown>;

class FakeErrorEvent extends Event {
  message = ''; error: unknown; filename = ''; lineno = 0; colno = 0;
  constructor(type: string, error: unknown) { super(type); this.error = error; }
}
beforeAll(() => { g.ErrorEvent = FakeErrorEvent; });
afterEach(() => { delete g._debugIds; delete g._sentryDebugIds; });

function install() {
  const env = setupEnv();
  const logs: any[] = [];
  const events: any[] = [];
  const ctx: any = {
    config: { redactQueryParams: [], instrumentations: { errors: true } },
    core: { getLogger: () => ({ emit: (r: any) => logs.push(r) }), getMeter: () => ({ createCounter: () => ({ add() {} }) }) },
  };
  errorsInstrumentation().install(ctx);
  const throwWith = (stack: string) => {
    const e = new TypeError('boom');
    e.stack = stack;
    env.win.dispatchEvent(new FakeErrorEvent('error', e));
    return logs[logs.length - 1].attributes;
  };
  return { throwWith, events };
}

const v8 = 'TypeError: boom\n    at n (https://shop.test/assets/index-4f2a.js:1:48213)\n    at https://shop.test/assets/vendor-9c1e.js:1:500';

it('each script of the stack that registered a debug ID, as "<url> <id>" (V8 and SpiderMonkey registry keys)', () => {
  g._debugIds = {
    'Error\n    at https://shop.test/assets/index-4f2a.js:1:30\n    at https://shop.test/assets/index-4f2a.js:1:80': ID_A,
    '@https://shop.test/assets/other.js:1:30\n': '11111111-2222-4333-8444-555555555555',
  };
  g._sentryDebugIds = { 'Error\n    at Object.<anonymous> (https://shop.test/assets/vendor-9c1e.js:1:10)': ID_B };
  const { throwWith } = install();
  expect([...throwWith(v8)['plume.exception.debug_ids']].sort()).toEqual([
    `https://shop.test/assets/index-4f2a.js ${ID_A}`, `https://shop.test/assets/vendor-9c1e.js ${ID_B}`,
  ]);
  // A script registered later is found too.
  g._debugIds = { ...(g._debugIds as object), 'Error\n    at https://shop.test/late.js:1:1': ID_B };
  expect(throwWith('TypeError: boom\n    at x (https://shop.test/late.js:1:9)')['plume.exception.debug_ids']).toEqual([`https://shop.test/late.js ${ID_B}`]);
});

it('no registry, or no script of the stack in it: no attribute', () => {
  const { throwWith } = install();
  expect(throwWith(v8)).not.toHaveProperty('plume.exception.debug_ids');
  g._debugIds = { 'Error\n    at https://elsewhere.test/a.js:1:1': ID_A };
  expect(throwWith(v8)).not.toHaveProperty('plume.exception.debug_ids');
});

it('whatever the page put in those globals, the error is still recorded', () => {
  const { throwWith } = install();
  for (const junk of [7, 'x', [ID_A], { k: 42 }, { 'no frame here': ID_A }, new Proxy({}, { ownKeys() { throw new Error('trap'); } })]) {
    g._debugIds = junk;
    const a = throwWith(v8);
    expect(a['exception.message']).toBe('boom');
    expect(a).not.toHaveProperty('plume.exception.debug_ids');
  }
  Object.defineProperty(g, '_debugIds', { configurable: true, get() { throw new Error('getter'); } });
  expect(throwWith(v8)['exception.message']).toBe('boom');
});
