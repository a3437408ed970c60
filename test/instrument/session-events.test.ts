// The semantic conventions' session events: the tab that starts a session says session.start
// (with session.previous_id when it follows one), after session.end of the one it follows,
// timed when that one ended. A tab that joins a session another tab started says nothing.
// Then through init(): the events are delivered as log records (decoded by @bufbuild), each
// with its own session ids, not the ones every other item gets.
import { afterEach, expect, it, vi } from 'vitest';
import { createSession } from '../../src/instrument/session.js';
import { capture, attr } from '../api/harness.js';

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, String(v)); }
  removeItem(k: string) { this.items.delete(k); }
}
let ls: MemoryStorage;
let t: number;
const opts = { inactivityTimeoutMillis: 60_000, maxDurationMillis: 3_600_000, sampleRate: 1 };
afterEach(() => { vi.restoreAllMocks(); delete (globalThis as any).localStorage; });
function browser() {
  ls = new MemoryStorage();
  Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: () => ls });
  // An epoch time: numbers below 1e12 are performance.now() values to Plume's time inputs.
  t = 1_800_000_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => t);
}

it('a new session says start; an expired one end (at its last activity plus the timeout), then start with previous_id', () => {
  browser();
  const seen: unknown[] = [];
  const a = createSession({ ...opts, onStart: (started, ended) => seen.push({ started, ended }) });
  const first = a.id();
  expect(seen).toEqual([{ started: { id: first, at: t, previousId: undefined }, ended: undefined }]);
  const last = t;
  t += 61_000;
  const second = a.id();
  expect(second).not.toBe(first);
  expect(seen[1]).toEqual({
    started: { id: second, at: t, previousId: first }, ended: { id: first, at: last + 60_000, previousId: undefined },
  });
  // Another tab (or the next page) joins the session: nothing to say.
  const b = createSession({ ...opts, onStart: () => seen.push('b started one') });
  expect(b.id()).toBe(second);
  expect(seen).toHaveLength(2);
});

it('through init(): session.start and session.end are delivered as events with their own session ids', async () => {
  browser();
  // A session an earlier page left, expired since.
  ls.setItem('plume.session', JSON.stringify({ id: 'a'.repeat(32), start: t - 200_000, last: t - 120_000 }));
  vi.resetModules();
  const { init } = await import('../../src/browser.js');
  const c = capture({ registerGlobals: false, session: { inactivityTimeoutMillis: 60_000 } });
  const plume = init(c.config);
  plume.tracer.startSpan('work').end();
  await plume.flush();
  const { spans, logs } = c.delivered();
  const current = attr(spans[0], 'session.id');
  const end = logs.find((l) => l.eventName === 'session.end');
  const start = logs.find((l) => l.eventName === 'session.start');
  expect(end.scope).toMatchObject({ name: 'plume.session' });
  expect(attr(end, 'session.id')).toBe('a'.repeat(32));
  expect(attr(end, 'session.previous_id')).toBeUndefined();
  expect(Number(end.timeUnixNano) / 1e6).toBe(t - 120_000 + 60_000);
  expect(attr(start, 'session.id')).toBe(current);
  expect(attr(start, 'session.previous_id')).toBe('a'.repeat(32));
  expect(logs.indexOf(end)).toBeLessThan(logs.indexOf(start));
});
