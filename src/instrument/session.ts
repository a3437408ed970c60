// Sessions: session.id / session.previous_id on every span and log. A session ends after 15
// minutes without activity or 4 hours in all (configurable). Kept in localStorage so tabs of
// one browser share it, in sessionStorage if that throws (private modes, sandboxed frames),
// in memory if both do. The sampling decision is a function of the id, so every tab of a
// session decides alike. The tab that starts a session says so (onStart: the semantic
// conventions' session.end of the one it replaces, then session.start); a tab that joins the
// session another tab started says nothing.
import { idRatio } from '../sdk/sampler.js';
import { newTraceId } from '../lib/ids.js';

interface State { id: string; start: number; last: number; previousId?: string }

export interface Session {
  /** session.id and session.previous_id: the same object for as long as the session lasts (read only). */
  attributes(): Record<string, string>;
  sampled(): boolean;
  id(): string;
  /** Re-reads the stored session (another tab may have renewed it). */
  refresh(): void;
}

const KEY = 'plume.session';
// Writing to storage is synchronous I/O: record activity at most this often.
const WRITE_EVERY_MS = 5000;

// No probe write: the first touch of a storage area is a synchronous round trip to the
// browser process (1-5 ms measured in Chromium on a cold page), so the read we need anyway
// is the probe. Storage that throws on read is skipped; one that throws on write is kept for
// reading only (memory still has the session).
function pickStorage(): [Storage | undefined, string | null] {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    try {
      const s = (globalThis as unknown as Record<string, Storage>)[name];
      if (s) return [s, s.getItem(KEY)];
    } catch {
      // SecurityError (sandboxed frames, storage blocked): try the next one.
    }
  }
  return [undefined, null];
}

/** A session this tab started, and the one it follows (with when that one ended), if any. */
export type SessionStarted = (started: SessionTimes, ended?: SessionTimes) => void;
export interface SessionTimes { id: string; at: number; previousId?: string }

export function createSession(opts: {
  inactivityTimeoutMillis: number; maxDurationMillis: number; sampleRate: number; onStart?: SessionStarted;
}): Session {
  // Storage is first touched when a session id is first needed, not at init().
  let storage: Storage | undefined;
  let picked = false;
  let state: State | undefined;
  let written = 0;
  let attrs: Record<string, string> | undefined;
  let attrsOf: State | undefined;

  const read = (): State | undefined => {
    try {
      let raw: string | null | undefined;
      if (!picked) { picked = true; [storage, raw] = pickStorage(); } else raw = storage?.getItem(KEY);
      const v = JSON.parse(raw ?? 'null');
      return v && typeof v.id === 'string' && typeof v.start === 'number' && typeof v.last === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const write = () => {
    written = state!.last;
    try { storage?.setItem(KEY, JSON.stringify(state)); } catch { /* memory still has it */ }
  };
  const expired = (s: State, t: number) => t - s.last > opts.inactivityTimeoutMillis || t - s.start > opts.maxDurationMillis;

  // Wall-clock time, as tabs share it: performance.now() may stand still while the machine
  // sleeps, and a night would not end the session.
  const current = (): State => {
    const t = Date.now();
    if (!state || expired(state, t)) {
      const stored = read();
      let started = false;
      let old: State | undefined;
      if (stored && !expired(stored, t)) state = stored;
      else {
        started = true;
        old = state ?? stored;
        state = { id: newTraceId(), start: t, last: t, previousId: old?.id };
      }
      state.last = t;
      write();
      if (started) {
        // The one it follows ended at its last activity plus the inactivity timeout, or at its maximum duration.
        const endedAt = old && Math.min(old.last + opts.inactivityTimeoutMillis, old.start + opts.maxDurationMillis);
        opts.onStart?.({ id: state.id, at: t, previousId: old?.id }, old && { id: old.id, at: endedAt!, previousId: old.previousId });
      }
    } else {
      if (t - written > WRITE_EVERY_MS) {
        // Another tab may have started a newer session meanwhile (the stored `last` lags a
        // tab's own by up to WRITE_EVERY_MS, so it may have judged ours over): one browser,
        // one session, the newer one.
        const stored = read();
        if (stored && stored.id !== state.id && stored.start > state.start && !expired(stored, t)) state = stored;
        state.last = t;
        write();
      } else state.last = t;
    }
    return state;
  };

  return {
    // Asked for every span and log as it is recorded: one object per session, not per item.
    attributes(): Record<string, string> {
      const s = current();
      if (s !== attrsOf) {
        attrsOf = s;
        attrs = { 'session.id': s.id };
        if (s.previousId) attrs['session.previous_id'] = s.previousId;
      }
      return attrs!;
    },
    sampled: () => opts.sampleRate >= 1 || idRatio(current().id) < opts.sampleRate,
    id: () => current().id,
    refresh() {
      const stored = read();
      if (stored && !expired(stored, Date.now())) state = stored;
    },
  };
}
