// The errors instrumentation's log records for ErrorEvents.
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { errorsInstrumentation } from '../../src/instrument/errors.js';
import { setupEnv } from './browser-env.js';

class FakeErrorEvent extends Event {
  message: string; error: unknown; filename: string; lineno: number; colno: number;
  constructor(type: string, init: { message?: string; error?: unknown; filename?: string; lineno?: number; colno?: number }) {
    super(type);
    this.message = init.message ?? ''; this.error = 'error' in init ? init.error : null;
    this.filename = init.filename ?? ''; this.lineno = init.lineno ?? 0; this.colno = init.colno ?? 0;
  }
}
beforeAll(() => { (globalThis as any).ErrorEvent = FakeErrorEvent; });
afterEach(() => vi.restoreAllMocks());

function install() {
  const env = setupEnv();
  const logs: any[] = [];
  const ctx: any = {
    config: { redactQueryParams: [], instrumentations: { errors: true } },
    core: { getLogger: () => ({ emit: (r: any) => logs.push(r) }), getMeter: () => ({ createCounter: () => ({ add() {} }) }) },
  };
  errorsInstrumentation().install(ctx);
  return { env, logs };
}

it('a cross-origin "Script error." (ErrorEvent.error is null) keeps its message', () => {
  const { env, logs } = install();
  env.win.dispatchEvent(new FakeErrorEvent('error', { message: 'Script error.', error: null }));
  expect(logs[0].attributes['exception.message']).toBe('Script error.');
  expect(logs[0].body).toBe('Script error.');
});

it('an ErrorEvent without an error object (ResizeObserver loop notifications) keeps its message', () => {
  const { env, logs } = install();
  env.win.dispatchEvent(new FakeErrorEvent('error', { message: 'ResizeObserver loop completed with undelivered notifications.', error: undefined }));
  expect(logs[0].attributes['exception.message']).toBe('ResizeObserver loop completed with undelivered notifications.');
});

it('code.line.number and code.column.number are ints (semantic conventions), not strings', () => {
  const { env, logs } = install();
  env.win.dispatchEvent(new FakeErrorEvent('error', { message: 'boom', error: new TypeError('boom'), filename: 'https://shop.example/app.js', lineno: 12, colno: 7 }));
  const a = logs[0].attributes;
  expect(a['code.file.path']).toBe('https://shop.example/app.js');
  expect([typeof a['code.line.number'], typeof a['code.column.number']]).toEqual(['number', 'number']);
});
