// W3C tracestate: the one place its rules live. TraceState is the OTel API's object
// (set/unset/get/serialize, immutable); parseTraceState reads a header value, and
// toTraceState takes whatever a caller's span context holds (ours, the API's, another SDK's).
import type { TraceState as ApiTraceState } from './otel-api.js';

// W3C Trace Context keys: a simple key starts with a letter; a multi-tenant key is
// tenant@system, the system id 1-14 characters from a letter. Values: printable ASCII but
// ',' and '=', not ending in a space.
const KEY = /^([a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const MAX_MEMBERS = 32;

export class TraceState implements ApiTraceState {
  private text?: string;
  /** Members in header order: the most recently set first. */
  constructor(private readonly members: [string, string][] = []) {}

  get(key: string): string | undefined {
    for (const [k, v] of this.members) if (k === key) return v;
    return undefined;
  }

  /** A new TraceState with key first (W3C: an updated member moves to the left). An invalid key or value changes nothing. */
  set(key: string, value: string): TraceState {
    if (typeof key !== 'string' || typeof value !== 'string' || !KEY.test(key) || !VALUE.test(value)) return this;
    const rest = this.members.filter(([k]) => k !== key);
    // At most 32 members: the rightmost goes (W3C).
    return new TraceState([[key, value] as [string, string]].concat(rest.slice(0, MAX_MEMBERS - 1)));
  }

  unset(key: string): TraceState {
    return this.members.some(([k]) => k === key) ? new TraceState(this.members.filter(([k]) => k !== key)) : this;
  }

  serialize(): string {
    return (this.text ??= this.members.map(([k, v]) => `${k}=${v}`).join(','));
  }
}

/**
 * A tracestate header value as a TraceState, or undefined for none. The whole value is
 * discarded when a member or key is invalid or repeated, or there are more than 32 members
 * (W3C: a vendor that cannot parse tracestate must not propagate it).
 */
export function parseTraceState(value: string | null | undefined): TraceState | undefined {
  if (!value) return undefined;
  const members: [string, string][] = [];
  const keys = new Set<string>();
  for (const raw of String(value).split(',')) {
    const m = raw.trim();
    if (!m) continue;
    const eq = m.indexOf('=');
    const k = m.slice(0, eq);
    const v = m.slice(eq + 1);
    if (eq <= 0 || !KEY.test(k) || !VALUE.test(v) || keys.has(k)) return undefined;
    keys.add(k);
    members.push([k, v]);
  }
  return members.length && members.length <= MAX_MEMBERS ? new TraceState(members) : undefined;
}

/**
 * Ours as it is; anything else (the API's, another SDK's, a caller's object) through its
 * serialize(), with our rules, never throwing: undefined when it gives nothing valid.
 */
export function toTraceState(ts: unknown): TraceState | undefined {
  if (ts instanceof TraceState) return ts;
  if (!ts || typeof ts !== 'object') return undefined;
  try {
    const text = (ts as ApiTraceState).serialize();
    return typeof text === 'string' ? parseTraceState(text) : undefined;
  } catch {
    return undefined;
  }
}
