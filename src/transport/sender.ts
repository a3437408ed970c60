// Delivers the outbox. While the page lives: fetch, retried with exponential backoff and
// jitter on network errors, 408, 429, 502, 503 and 504 (Retry-After wins), never on other
// 4xx. Live requests use keepalive (so they survive the page going away) while ours in
// flight stay within half the 64 KiB keepalive quota: the other half stays the page's.
// When the page goes away: beacons in priority order, each only if it fits the quota left,
// a refused one taken as "the quota is smaller than we thought"; the rest is returned to be
// persisted for the next page load. A network error is acted on a task later: a page going
// away sees its requests' promises rejected while the browser still sends them (start()).
import { now } from '../lib/clock.js';
import type { Outbox, Payload } from '../export/outbox.js';
import { POSSIBLE_DUPLICATE, PREFIX, storage } from '../export/persist.js';
import type { Signal } from '../sdk/config.js';
import { KEEPALIVE_QUOTA, type LiveResult, type Transport } from './index.js';

/** Our share of the keepalive quota for live requests, and the live request size limit. */
export const LIVE_SHARE = KEEPALIVE_QUOTA / 2;
const MAX_INFLIGHT = 2;
// keepalive refusals (the page holding the quota) before a request goes without keepalive.
const MAX_KEEPALIVE_REFUSALS = 8;
const KEEPALIVE_WAIT_MS = 500;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
// A beacon's bytes count against the quota until the collector answers: assume this long.
const BEACON_HOLD_MS = 5000;

export class Sender {
  private pausedUntil = 0;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private keepaliveBytes = 0;
  private inflight = 0;
  private beacons: { bytes: number; at: number }[] = [];
  private waiters: (() => void)[] = [];
  private closed = false;
  /** From a hide to the end of its task. */
  private leaving = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: Transport,
    private readonly drop: (signal: Signal, reason: string, items: number) => void,
  ) {}

  /** Keepalive bytes this page can still use, as far as we know. */
  budget(): number {
    const t = now();
    this.beacons = this.beacons.filter((b) => t - b.at < BEACON_HOLD_MS);
    let used = this.keepaliveBytes;
    for (const b of this.beacons) used += b.bytes;
    return this.transport.quotaBound ? Math.max(0, KEEPALIVE_QUOTA - used) : Infinity;
  }

  /** After shutdown: nothing more is sent (OTel: no export after Shutdown), no timer left. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Sent at hide, but the page lived on (hidden, or shown again) to hear that it failed: back
   * in the outbox, so it is retried, or persisted at the next hide.
   */
  private requeue(p: Payload, doubt: boolean): void {
    if (this.closed) return;
    // It may have arrived (see start()): sent again all the same, and counted as such.
    if (doubt) this.drop(p.signal, POSSIBLE_DUPLICATE, p.items);
    this.outbox.push(p);
    this.pump();
  }

  /** Waits at least `ms` before the next try, never less than a pause already set (a Retry-After). */
  private pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now() + ms);
  }

  pump(): void {
    if (this.closed) return;
    const wait = this.pausedUntil - now();
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => { this.timer = undefined; this.pump(); }, wait);
        // A retry must not keep a Node process alive (the edge, tests, benches).
        (this.timer as { unref?: () => void }).unref?.();
      }
      this.notify();
      return;
    }
    for (const p of this.outbox.waiting()) {
      if (this.inflight >= MAX_INFLIGHT) break;
      const keepalive = this.transport.quotaBound && (p.keepaliveRefused ?? 0) < MAX_KEEPALIVE_REFUSALS && p.body.length <= LIVE_SHARE - this.keepaliveBytes;
      // A request too big for keepalive goes alone (not for custom transports: no quota there).
      if (!keepalive && this.inflight > 0 && this.transport.quotaBound) break;
      this.start(p, keepalive);
    }
    this.notify();
  }

  private start(p: Payload, keepalive: boolean): void {
    p.inflight = true;
    p.keepalive = keepalive;
    this.inflight++;
    if (keepalive) this.keepaliveBytes += p.body.length;
    const done = () => {
      p.inflight = false;
      p.attempts++;
      this.inflight--;
      if (keepalive) this.keepaliveBytes -= p.body.length;
    };
    /** `doubt`: a hide came with the answer, which may be the page going away and not the network's. */
    const settle = (r: LiveResult, doubt: boolean) => {
      done();
      if (p.released) {
        // Let go at hide as sent; a retryable failure heard after all goes back.
        p.released = false;
        if (!r.ok && r.retryable) return this.requeue(p, doubt);
      }
      if (r.ok) {
        this.outbox.remove(p);
        if (p.persisted) {
          // It arrived after all (the page lived on): the stored copy, or the one a replay
          // already took back from storage, must not go a second time.
          p.persisted = false;
          try { storage()?.removeItem(PREFIX + p.id); } catch { /* nothing to do */ }
          for (const q of [...this.outbox.all()]) if (q.id === p.id && !q.inflight) this.outbox.remove(q);
        }
        this.failures = 0;
        if (r.rejected) this.drop(p.signal, 'rejected_by_collector', r.rejected);
      } else if (r.networkError && keepalive && !p.keepaliveRefused && this.failures === 0) {
        // keepalive fails like a network error when the page's own keepalive requests hold the
        // quota. Wait for them once, briefly, rather than going without keepalive (a request
        // without it dies with the page); a collector that is down gets the backoff below.
        p.keepaliveRefused = 1;
        this.pause(KEEPALIVE_WAIT_MS);
      } else if (r.retryable) {
        if (r.networkError && keepalive) p.keepaliveRefused = (p.keepaliveRefused ?? 0) + 1;
        this.failures++;
        const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - 1)) * (0.8 + Math.random() * 0.4);
        // Retry-After says when at the earliest; 0 or a date past (clock skew) is no reason
        // to give up the backoff, or every page would hammer a collector that asked for air.
        this.pause(Math.max(backoff, r.retryAfterMs ?? 0));
      } else {
        this.outbox.remove(p);
        this.drop(p.signal, r.status ? `http_${r.status}` : 'not_sendable', p.items);
      }
      this.pump();
    };
    this.transport.live(p.signal, p.body, p.items, keepalive).then((r) => {
      if (!r.networkError) return settle(r, false);
      // A page left without the back/forward cache has its fetches' promises rejected during
      // pagehide, while the browser goes on sending its keepalive requests (Chromium: the
      // collector gets the request, the page gets "Failed to fetch"). So a network error is
      // settled in a later task, which a page that has gone never runs: until then the request
      // is in flight, and the hide releases it (keepalive) or persists it like any other. Heard
      // in the task of a hide, or with a hide before it is settled, it is not known to have failed.
      const { released, persisted } = p, leaving = this.leaving;
      setTimeout(() => settle(r, leaving || p.released !== released || p.persisted !== persisted), 0);
    }, () => { done(); this.pump(); });
  }

  /** Sends what fits as the page goes away; returns what must be persisted. */
  unload(): Payload[] {
    if (this.closed) return [];
    // Until this task ends, a failure heard may be this page going away (see start()).
    this.leaving = true;
    setTimeout(() => { this.leaving = false; }, 0);
    let budget = this.budget();
    // A request sent now that fails in this task is the page going away (settled never, if it
    // has gone); a failure heard later is the network's, and it goes back to the outbox.
    const failed = (p: Payload) => () => { const doubt = this.leaving; setTimeout(() => this.requeue(p, doubt), 0); };
    for (const p of this.outbox.waiting()) {
      if (p.body.length > budget) continue;
      if (this.transport.unload(p.signal, p.body, p.items, failed(p))) {
        this.outbox.remove(p);
        budget -= p.body.length;
        this.beacons.push({ bytes: p.body.length, at: now() });
      } else {
        // Refused: someone else (the page) holds part of the quota.
        budget = Math.min(budget, p.body.length - 1);
      }
    }
    // keepalive requests in flight outlive the page; their promise may still be rejected as the
    // document goes, which must not bring them back (they were sent). Live requests without
    // keepalive die with the page: they may or may not have arrived, so they are kept.
    const left: Payload[] = [];
    for (const p of [...this.outbox.all()]) {
      this.outbox.remove(p);
      if (p.inflight && p.keepalive) p.released = true;
      else {
        if (p.inflight) p.persisted = true;
        left.push(p);
      }
    }
    return left;
  }

  /** Resolves once nothing is in flight and everything waiting has been tried at least once. */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.notify();
    });
  }

  private notify(): void {
    if (this.closed) return;
    if (this.inflight > 0 || this.outbox.waiting().some((p) => p.attempts === 0 && now() >= this.pausedUntil)) return;
    for (const w of this.waiters.splice(0)) w();
  }
}
