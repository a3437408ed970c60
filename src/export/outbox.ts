// Encoded requests waiting to be delivered, in priority order (errors, then metrics, then
// the rest; first in, first out within a class). Bounded in bytes: when full, the
// lowest-priority, newest requests are dropped and counted.
import type { Signal } from '../sdk/config.js';

export interface Payload {
  id: string;
  signal: Signal;
  body: Uint8Array;
  items: number;
  priority: number;
  attempts: number;
  /** In flight now; `keepalive` ones survive the page going away. */
  inflight: boolean;
  keepalive: boolean;
  /** How often keepalive failed for it (the page may hold the quota). */
  keepaliveRefused?: number;
  /** In flight with keepalive as the page went away: delivered as far as we are concerned. */
  released?: boolean;
  /** In flight without keepalive as the page went away: persisted too, in case it died. */
  persisted?: boolean;
}

let seq = 0;
const pageId = Math.random().toString(36).slice(2, 10);
export const payloadId = (): string => `${pageId}.${(seq++).toString(36)}`;

export class Outbox {
  private list: Payload[] = [];
  bytes = 0;

  constructor(private readonly maxBytes: number, private readonly onDrop: (p: Payload, reason: string) => void) {}

  get size(): number { return this.list.length; }

  push(p: Payload): void {
    let i = this.list.length;
    while (i > 0 && this.list[i - 1].priority > p.priority) i--;
    this.list.splice(i, 0, p);
    this.bytes += p.body.length;
    // Evict from the back (lowest priority, newest) until it fits; never what is in flight.
    for (let k = this.list.length - 1; this.bytes > this.maxBytes && k >= 0; k--) {
      const victim = this.list[k];
      if (victim.inflight) continue;
      this.remove(victim);
      this.onDrop(victim, 'queue_full');
    }
  }

  remove(p: Payload): void {
    const i = this.list.indexOf(p);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.bytes -= p.body.length;
  }

  /** Payloads not in flight, in send order. */
  waiting(): Payload[] {
    return this.list.filter((p) => !p.inflight);
  }

  all(): readonly Payload[] { return this.list; }
}
