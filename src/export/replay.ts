// What earlier pages persisted (export/persist.ts), read back into this page's outbox. Loaded
// on demand: only a page that finds something in storage needs it.
//
// The keys are deleted as they are read, under a Web Lock where the engine has them, so no
// request is sent by two tabs or twice; from then on they are this page's, persisted again if
// it goes away first. The storage is handed in, so that this chunk shares no code with the
// one every page loads (see inlineConsts in rollup.config.js).
import type { Signal } from '../sdk/config.js';
import type { Outbox } from './outbox.js';
import { DROPPED, POSSIBLE_DUPLICATE, PREFIX } from './persist.js';

function fromBinary(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

function claim(st: Storage, outbox: Outbox, dropped: Map<string, number>): void {
  try {
    const counts = JSON.parse(st.getItem(DROPPED) ?? '{}') as Record<string, number>;
    st.removeItem(DROPPED);
    if (counts && typeof counts === 'object') for (const [key, n] of Object.entries(counts)) dropped.set(key, (dropped.get(key) ?? 0) + n);
  } catch { /* counts are best effort only */ }
  const keys: string[] = [];
  for (let k = 0; k < st.length; k++) {
    const key = st.key(k);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) {
    const v = st.getItem(key) ?? '';
    try { st.removeItem(key); } catch { /* nothing to do */ }
    const a = v.indexOf('|'), b = v.indexOf('|', a + 1), c = v.indexOf('|', b + 1);
    const signal = v.slice(0, a) as Signal;
    if (c < 0 || (signal !== 'traces' && signal !== 'metrics' && signal !== 'logs')) continue;
    const priority = v.slice(a + 1, b), items = Number(v.slice(b + 1, c)) || 0;
    // In flight without keepalive when its page went (persist.ts): it may have arrived.
    if (priority.endsWith('~')) dropped.set(`${signal}/${POSSIBLE_DUPLICATE}`, (dropped.get(`${signal}/${POSSIBLE_DUPLICATE}`) ?? 0) + items);
    outbox.push({
      id: key.slice(PREFIX.length), signal, priority: parseInt(priority, 10) || 0, items,
      body: fromBinary(v.slice(c + 1)), attempts: 0, inflight: false, keepalive: false,
    });
  }
}

/** Moves what is persisted into the outbox and its drop counts into `dropped`; skipped if another tab holds the lock. */
export async function replayPersisted(st: Storage, outbox: Outbox, dropped: Map<string, number>): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks && typeof locks.request === 'function') {
    await locks.request('plume.replay', { ifAvailable: true }, (lock) => { if (lock) claim(st, outbox, dropped); });
  } else {
    claim(st, outbox, dropped);
  }
}
