// One signal's batch: records written as items finish, each tagged with its scope and its
// priority, and the envelope (request/resource/scope records) written around any subset of
// them when it is encoded. Subsets are what let a batch leave in priority order and in
// chunks that fit a quota.
import { Records } from '../encode/records.js';
import {
  REQ_COUNT, REQ_LIST, REQ_WORDS, RES_ATTRS, RES_BITS, RES_HAS_RESOURCE, RES_SCOPES, RES_WORDS,
  SCOPE_BITS, SCOPE_HAS_SCOPE, SCOPE_ITEMS, SCOPE_NAME, SCOPE_VERSION, SCOPE_WORDS,
} from '../encode/layout.js';
import type { Attributes } from '../sdk/attributes.js';
import type { Scope } from '../sdk/span.js';
import { writeAttributes } from './attributes.js';

/** Send order when a page goes away: errors first, then metrics (Web Vitals), then the rest. */
export const PRIORITY_ERROR = 0;
export const PRIORITY_METRIC = 1;
export const PRIORITY_NORMAL = 2;

export interface Item { scope: Scope; at: number; priority: number }

export class RecordBatch {
  readonly rec = new Records();
  items: Item[] = [];

  get count(): number { return this.items.length; }

  add(scope: Scope, at: number, priority = PRIORITY_NORMAL): void {
    this.items.push({ scope, at, priority });
  }

  /** Writes the envelope around `items` (in their order, grouped by scope); returns the request root. */
  finish(resource: Attributes, items: Item[] = this.items): number {
    const rec = this.rec;
    const scopes = new Map<Scope, number[]>();
    for (const it of items) {
      let list = scopes.get(it.scope);
      if (!list) scopes.set(it.scope, (list = []));
      list.push(it.at);
    }
    const root = rec.alloc(REQ_WORDS);
    const list = rec.alloc(1);
    const r = rec.alloc(RES_WORDS);
    rec.words[root + REQ_LIST] = list;
    rec.words[root + REQ_COUNT] = 1;
    rec.words[list] = r;
    rec.words[r + RES_BITS] = RES_HAS_RESOURCE;
    writeAttributes(rec, r + RES_ATTRS, resource);
    const scopeList = rec.alloc(scopes.size);
    rec.words[r + RES_SCOPES] = scopeList;
    rec.words[r + RES_SCOPES + 1] = scopes.size;
    let k = 0;
    for (const [scope, offs] of scopes) {
      const s = rec.alloc(SCOPE_WORDS);
      const itemList = rec.alloc(offs.length);
      const w = rec.words;
      w[scopeList + k++] = s;
      w[s + SCOPE_BITS] = SCOPE_HAS_SCOPE;
      w[s + SCOPE_NAME] = rec.str(scope.name);
      w[s + SCOPE_VERSION] = rec.str(scope.version ?? '');
      w[s + SCOPE_ITEMS] = itemList;
      w[s + SCOPE_ITEMS + 1] = offs.length;
      for (let i = 0; i < offs.length; i++) w[itemList + i] = offs[i];
    }
    return root;
  }

  reset(): void {
    this.rec.reset();
    this.items = [];
  }
}

export interface Chunk { body: Uint8Array; items: number; priority: number }

/**
 * Encodes the batch as requests of at most `limit` bytes; with `byPriority` (a page going
 * away), one priority class after the other, else in one class with the most urgent priority.
 * A class that is too large is cut into equal parts by item count, and any part still too
 * large in halves, down to single items (which may exceed the limit: the caller decides).
 */
export function encodeChunks(
  batch: RecordBatch, resource: Attributes, limit: number,
  encode: (rec: Records, root: number) => Uint8Array, byPriority: boolean,
  room?: { left: number }, only?: number,
): Chunk[] {
  const out: Chunk[] = [];
  const classes = new Map<number, Item[]>();
  if (byPriority) {
    for (const it of batch.items) {
      if (only !== undefined && it.priority !== only) continue;
      let l = classes.get(it.priority);
      if (!l) classes.set(it.priority, (l = []));
      l.push(it);
    }
  } else {
    classes.set(batch.items.reduce((m, it) => Math.min(m, it.priority), PRIORITY_NORMAL), batch.items);
  }
  // Going away, the quota left (room) is filled first: equal parts of the limit could leave a
  // third of it unused while a part that would have fitted in it is persisted instead.
  const target = (): number => (room && room.left >= 1024 && room.left < limit ? room.left : limit);
  const run = (items: Item[], priority: number): void => {
    const body = encode(batch.rec, batch.finish(resource, items));
    if (body.length <= target() || items.length === 1) {
      out.push({ body, items: items.length, priority });
      if (room) room.left -= body.length;
      return;
    }
    // Envelope bytes repeat per chunk, so aim a little under the limit.
    split(items, priority, body.length / items.length);
  };
  const split = (items: Item[], priority: number, perItem: number): void => {
    const t = target();
    if (t < limit) {
      // What fills the room, then the rest in parts of the limit.
      const fit = Math.max(1, Math.min(items.length - 1, Math.floor(t / (perItem * 1.1))));
      run(items.slice(0, fit), priority);
      if (fit < items.length) run(items.slice(fit), priority);
      return;
    }
    const parts = Math.min(items.length, Math.max(2, Math.ceil((items.length * perItem * 1.1) / limit)));
    const size = Math.ceil(items.length / parts);
    for (let k = 0; k < items.length; k += size) run(items.slice(k, k + size), priority);
  };
  for (const p of [...classes.keys()].sort((a, b) => a - b)) {
    const items = classes.get(p)!;
    // A large class is measured on a sample first, so it is not encoded whole just to learn its size.
    if (items.length > 128) {
      const sample = encode(batch.rec, batch.finish(resource, items.slice(0, 64))).length / 64;
      if (sample * items.length > target() * 2) { split(items, p, sample); continue; }
    }
    run(items, p);
  }
  return out;
}
