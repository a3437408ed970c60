// One signal's batch: records written as items finish, grouped by instrumentation scope,
// and finish() to wrap them in the request/resource/scope records the encoders start from.
import { Records } from '../encode/records.js';
import {
  REQ_COUNT, REQ_LIST, REQ_WORDS, RES_ATTRS, RES_BITS, RES_HAS_RESOURCE, RES_SCOPES, RES_WORDS,
  SCOPE_BITS, SCOPE_HAS_SCOPE, SCOPE_ITEMS, SCOPE_NAME, SCOPE_VERSION, SCOPE_WORDS,
} from '../encode/layout.js';
import type { Attributes } from '../sdk/attributes.js';
import type { Scope } from '../sdk/span.js';
import { writeAttributes } from './attributes.js';

export class RecordBatch {
  readonly rec = new Records();
  count = 0;
  /** Bytes the items' strings took; a cheap stand-in for the encoded size. */
  private scopes = new Map<Scope, number[]>();

  add(scope: Scope, at: number): void {
    let items = this.scopes.get(scope);
    if (!items) this.scopes.set(scope, (items = []));
    items.push(at);
    this.count++;
  }

  /** Writes the envelope around the items; returns the request root for the encoder. */
  finish(resource: Attributes): number {
    const rec = this.rec;
    const root = rec.alloc(REQ_WORDS);
    const list = rec.alloc(1);
    const r = rec.alloc(RES_WORDS);
    rec.words[root + REQ_LIST] = list;
    rec.words[root + REQ_COUNT] = 1;
    rec.words[list] = r;
    rec.words[r + RES_BITS] = RES_HAS_RESOURCE;
    writeAttributes(rec, r + RES_ATTRS, resource);
    const scopeList = rec.alloc(this.scopes.size);
    rec.words[r + RES_SCOPES] = scopeList;
    rec.words[r + RES_SCOPES + 1] = this.scopes.size;
    let k = 0;
    for (const [scope, items] of this.scopes) {
      const s = rec.alloc(SCOPE_WORDS);
      const itemList = rec.alloc(items.length);
      const w = rec.words;
      w[scopeList + k++] = s;
      w[s + SCOPE_BITS] = SCOPE_HAS_SCOPE;
      w[s + SCOPE_NAME] = rec.str(scope.name);
      w[s + SCOPE_VERSION] = rec.str(scope.version ?? '');
      w[s + SCOPE_ITEMS] = itemList;
      w[s + SCOPE_ITEMS + 1] = items.length;
      for (let i = 0; i < items.length; i++) w[itemList + i] = items[i];
    }
    return root;
  }

  reset(): void {
    this.rec.reset();
    this.scopes.clear();
    this.count = 0;
  }
}
