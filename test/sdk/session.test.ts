// Sessions: kept in storage across pages, renewed after inactivity or the maximum duration
// (session.previous_id names the one before), and still working where storage throws.
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/instrument/session.js';
import { fromHex } from '../../src/lib/hex.js';

// Node has no Web Storage; this is the part of the interface sessions use.
class MemoryStorage {
  items = new Map<string, string>();
  reads = 0;
  written: string[] = [];
  getItem(k: string) { this.reads++; return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.written.push(k); this.items.set(k, String(v)); }
  removeItem(k: string) { this.items.delete(k); }
}
const g = globalThis as Record<string, unknown>;
const install = (name: 'localStorage' | 'sessionStorage', value: unknown | (() => never)) => {
  Object.defineProperty(globalThis, name, { configurable: true, get: typeof value === 'function' ? value as () => never : () => value });
};
afterEach(() => { delete g.localStorage; delete g.sessionStorage; });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opts = { inactivityTimeoutMillis: 60_000, maxDurationMillis: 3_600_000, sampleRate: 1 };

describe('session', () => {
  it('a second page of the origin continues the stored session', () => {
    const ls = new MemoryStorage();
    install('localStorage', ls);
    const a = createSession(opts).attributes();
    expect(a['session.id']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['session.previous_id']).toBeUndefined();
    expect(JSON.parse(ls.items.get('plume.session')!).id).toBe(a['session.id']);
    expect(createSession(opts).attributes()['session.id']).toBe(a['session.id']);
  });

  it('start-up touches storage once: a read, no probe write', () => {
    const ls = new MemoryStorage();
    install('localStorage', ls);
    const s = createSession(opts);
    s.id();
    s.id();
    expect(ls.reads).toBe(1);
    expect(ls.written).toEqual(['plume.session']);
  });

  it('after the inactivity timeout a new session starts, naming the previous one', async () => {
    install('localStorage', new MemoryStorage());
    const s = createSession({ ...opts, inactivityTimeoutMillis: 1000 });
    const first = s.id();
    const later = createSession({ ...opts, inactivityTimeoutMillis: 1000 });
    expect(later.id()).toBe(first);
    await sleep(1100);
    const next = later.attributes();
    expect(next['session.id']).not.toBe(first);
    expect(next['session.previous_id']).toBe(first);
  });

  it('the maximum duration ends a session even while it is active', async () => {
    install('localStorage', new MemoryStorage());
    const s = createSession({ ...opts, maxDurationMillis: 1000 });
    const first = s.id();
    for (let k = 0; k < 6; k++) { await sleep(220); s.id(); }
    expect(s.id()).not.toBe(first);
  });

  it('falls back to sessionStorage when localStorage throws, to memory when both do', () => {
    install('localStorage', () => { throw new DOMException('denied', 'SecurityError'); });
    const ss = new MemoryStorage();
    install('sessionStorage', ss);
    const id = createSession(opts).id();
    expect(JSON.parse(ss.items.get('plume.session')!).id).toBe(id);

    install('sessionStorage', () => { throw new DOMException('denied', 'SecurityError'); });
    const mem = createSession(opts);
    expect(mem.id()).toMatch(/^[0-9a-f]{32}$/);
    expect(mem.id()).toBe(mem.id());
  });

  it('a storage that refuses writes (quota) still gives one id for the page', () => {
    const full = new MemoryStorage();
    full.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); };
    install('localStorage', full);
    const s = createSession(opts);
    expect(s.id()).toBe(s.id());
  });
});

describe('fromHex', () => {
  it('decodes what Buffer encodes, every byte value', () => {
    const b = Buffer.from(Array.from({ length: 512 }, (_, k) => (k * 37) & 255));
    expect(Buffer.from(fromHex(b.toString('hex')))).toEqual(b);
  });
});
