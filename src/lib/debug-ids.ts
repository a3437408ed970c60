// Debug IDs (TC39's source map debug ID proposal): a build writes `//# debugId=<uuid>` into a
// script and `"debugId"` into its map, so the map is found by ID wherever the script was
// served from. A page cannot read its scripts' text without fetching them, so builds that
// emit debug IDs also register them at run time, in `globalThis._debugIds` (Turbopack's and
// plume/build's snippet, read by Sentry too) or Sentry's `_sentryDebugIds`: each key is the
// `new Error().stack` of the snippet, so its first frame names the script. Errors carry the IDs
// of the scripts in their stack in one attribute; the relay reads it back with parseDebugIds.
// A leaf: the browser's errors instrumentation writes the attribute, the edge reads it.

/** `"<script url> <debug id>"` for each script of the stack that registered a debug ID. */
export const DEBUG_IDS = 'plume.exception.debug_ids';

let byUrl = new Map<string, string>();
let seen: unknown[] = [];

/** The DEBUG_IDS value for a stack, or undefined when no script of it has a debug ID (cheap then). */
export function debugIdsOf(stack: string): string[] | undefined {
  const g = globalThis as { _debugIds?: object; _sentryDebugIds?: object };
  const all: Record<string, unknown> = { ...g._sentryDebugIds, ...g._debugIds };
  const keys = Object.keys(all);
  // Scripts register once, as they run: the table is rebuilt only when one was added.
  const now = [keys.length, g._debugIds, g._sentryDebugIds];
  if (now.some((v, i) => v !== seen[i])) {
    seen = now;
    byUrl = new Map();
    for (const k of keys) {
      const url = /([^\s(@]+):\d+:\d+\)?\s*$/m.exec(k)?.[1];
      if (url && typeof all[k] === 'string') byUrl.set(url, all[k] as string);
    }
  }
  const out: string[] = [];
  for (const [url, id] of byUrl) if (stack.includes(`${url}:`)) out.push(`${url} ${id}`);
  return out.length ? out : undefined;
}

/** Script URL → debug ID from a DEBUG_IDS value (whatever a client sent: non-strings are skipped). */
export function parseDebugIds(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(value)) return out;
  for (const v of value) {
    if (typeof v !== 'string') continue;
    const at = v.lastIndexOf(' ');
    if (at > 0) out.set(v.slice(0, at), v.slice(at + 1));
  }
  return out;
}
