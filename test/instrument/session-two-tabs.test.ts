// Two tabs share a session through localStorage. A tab writes its activity at most every 5 s,
// so storage can hold a `last` up to 5 s older than the tab's own. A second tab that looks in
// that window decides the session has expired and starts a new one; the first tab, by its own
// (newer) `last`, has not expired, keeps the old id and writes it back over the new one. From
// then on the two tabs of one browser carry different session ids, and storage flips between
// them every 5 s, until one of them expires again.
import { afterEach, expect, it, vi } from 'vitest';
import { createSession } from '../../src/instrument/session.js';

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, String(v)); }
  removeItem(k: string) { this.items.delete(k); }
}
afterEach(() => { vi.restoreAllMocks(); delete (globalThis as any).localStorage; });

it('two tabs do not end up in two sessions at once', () => {
  const ls = new MemoryStorage();
  Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: () => ls });
  let t = 1_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => t);
  const opts = { inactivityTimeoutMillis: 60_000, maxDurationMillis: 3_600_000, sampleRate: 1 };
  const a = createSession(opts);
  const first = a.id();            // written at t0
  t += 4000; a.id();               // activity, not written (within 5 s of the last write)
  t += 56_001;                     // 60,001 ms after the stored `last`, 56,001 after A's own
  const b = createSession(opts);   // a second tab (or the next page) of the origin
  const second = b.id();
  t += 1; a.id();                  // A is active again
  t += 6000; b.id(); a.id();
  const name = (id: string) => (id === first ? 'first' : id === second ? 'second' : 'other');
  // One browser, one session: both tabs carry the same id (whichever it is).
  expect(`A=${name(a.id())} B=${name(b.id())}`).toMatch(/^A=(\w+) B=\1$/);
  expect(name(JSON.parse(ls.items.get('plume.session')!).id)).toBe(name(b.id()));
});
