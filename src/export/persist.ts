// What could not leave before the page went away is kept in localStorage (synchronous, so
// it works inside pagehide) and sent by the next page of this origin, then deleted. Bounded
// in characters; a body is stored as a binary string (one char per byte), not base64.
// Reading it back (export/replay.ts) is loaded only by a page that finds something here.
import type { Payload } from './outbox.js';

export const PREFIX = 'plume.outbox.';
export const DROPPED = 'plume.dropped';
/**
 * The reason under which drop counts hold items that were sent again although they may have
 * arrived already (reported as plume.exporter.possible_duplicates, not as drops).
 */
export const POSSIBLE_DUPLICATE = 'possible_duplicate';

export function storage(): Storage | undefined {
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
    // '~' after the priority: the request was in flight without keepalive, so it may have
    // arrived; the page that sends it again counts a possible duplicate (older readers take
    // the priority for 0, which only moves it up the queue).
    const value = `${p.signal}|${p.priority}${p.persisted ? '~' : ''}|${p.items}|${toBinary(p.body)}`;
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

/** Whether an earlier page left anything behind: most pages find nothing, and skip the lock. */
export function hasPersisted(st: Storage): boolean {
  for (let k = 0; k < st.length; k++) {
    const key = st.key(k);
    if (key && (key.startsWith(PREFIX) || key === DROPPED)) return true;
  }
  return false;
}

/** Drop counts that could not be reported before the page went away; false if not stored. */
export function persistDropped(counts: Map<string, number>): boolean {
  const st = storage();
  if (!st || counts.size === 0) return false;
  try {
    const prev = JSON.parse(st.getItem(DROPPED) ?? '{}') as Record<string, number>;
    for (const [k, n] of counts) prev[k] = (prev[k] ?? 0) + n;
    st.setItem(DROPPED, JSON.stringify(prev));
    return true;
  } catch {
    return false;
  }
}
