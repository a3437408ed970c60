// What could not leave before the page went away is kept in localStorage (synchronous, so
// it works inside pagehide) and sent by the next page of this origin, then deleted. Bounded
// in characters; a body is stored as a binary string (one char per byte), not base64.
// Replay takes a Web Lock where the engine has them, so two tabs never send the same
// request; each key is deleted once its request was delivered.
import type { Signal } from '../sdk/config.js';
import type { Payload } from './outbox.js';

const PREFIX = 'plume.outbox.';
const DROPPED = 'plume.dropped';

function storage(): Storage | undefined {
  try {
    const s = globalThis.localStorage;
    return s && typeof s.setItem === 'function' ? s : undefined;
  } catch {
    return undefined;
  }
}

function toBinary(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length; k += 8192) s += String.fromCharCode.apply(null, b.subarray(k, k + 8192) as unknown as number[]);
  return s;
}
function fromBinary(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

/** Characters our keys hold now. */
function used(st: Storage): number {
  let n = 0;
  for (let k = 0; k < st.length; k++) {
    const key = st.key(k);
    if (key && key.startsWith(PREFIX)) n += key.length + (st.getItem(key)?.length ?? 0);
  }
  return n;
}

/** Stores payloads; returns those that did not fit (caller counts them as dropped). */
export function persist(payloads: Payload[], maxChars: number): { kept: Payload[]; lost: Payload[]; reason: string } {
  const st = storage();
  if (!st) return { kept: [], lost: payloads, reason: 'no_storage' };
  let total = used(st);
  const kept: Payload[] = [], lost: Payload[] = [];
  let reason = 'persist_full';
  for (const p of payloads) {
    const key = PREFIX + p.id;
    const value = `${p.signal}|${p.priority}|${p.items}|${toBinary(p.body)}`;
    if (total + key.length + value.length > maxChars) { lost.push(p); continue; }
    try {
      st.setItem(key, value);
      total += key.length + value.length;
      kept.push(p);
    } catch {
      // The origin's quota is taken (by the page, most likely).
      reason = 'persist_failed';
      lost.push(p);
    }
  }
  return { kept, lost, reason };
}

export interface Restored { key: string; signal: Signal; priority: number; items: number; body: Uint8Array }

export function readPersisted(): Restored[] {
  const st = storage();
  if (!st) return [];
  const out: Restored[] = [];
  for (let k = 0; k < st.length; k++) {
    const key = st.key(k);
    if (!key || !key.startsWith(PREFIX)) continue;
    const v = st.getItem(key) ?? '';
    const a = v.indexOf('|'), b = v.indexOf('|', a + 1), c = v.indexOf('|', b + 1);
    const signal = v.slice(0, a) as Signal;
    if (c < 0 || (signal !== 'traces' && signal !== 'metrics' && signal !== 'logs')) continue;
    out.push({ key, signal, priority: Number(v.slice(a + 1, b)) || 0, items: Number(v.slice(b + 1, c)) || 0, body: fromBinary(v.slice(c + 1)) });
  }
  return out;
}

/** Whether an earlier page left anything behind: most pages find nothing, and skip the lock. */
export function hasPersisted(): boolean {
  const st = storage();
  if (!st) return false;
  for (let k = 0; k < st.length; k++) {
    const key = st.key(k);
    if (key && (key.startsWith(PREFIX) || key === DROPPED)) return true;
  }
  return false;
}

export function deletePersisted(key: string): void {
  try { storage()?.removeItem(key); } catch { /* nothing to do */ }
}

/** Drop counts that could not be reported before the page went away. */
export function persistDropped(counts: Map<string, number>): void {
  const st = storage();
  if (!st || counts.size === 0) return;
  try {
    const prev = JSON.parse(st.getItem(DROPPED) ?? '{}') as Record<string, number>;
    for (const [k, n] of counts) prev[k] = (prev[k] ?? 0) + n;
    st.setItem(DROPPED, JSON.stringify(prev));
  } catch { /* counts are best effort only here */ }
}

export function takeDropped(): Record<string, number> {
  const st = storage();
  if (!st) return {};
  try {
    const v = JSON.parse(st.getItem(DROPPED) ?? '{}') as Record<string, number>;
    st.removeItem(DROPPED);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Runs fn holding the replay lock, or not at all if another tab holds it. */
export async function withReplayLock(fn: () => Promise<void>): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks && typeof locks.request === 'function') {
    await locks.request('plume.replay', { ifAvailable: true }, async (lock) => { if (lock) await fn(); });
  } else {
    await fn();
  }
}
