// Console warnings with stable codes, and the guard that keeps our exceptions out of the page.
// Codes are documented in the README ("Warnings"); never reuse a retired one.

export const W_UNKNOWN_KEY = 'PLUME_W001'; // unknown config key: ignored
export const W_WRONG_TYPE = 'PLUME_W002'; // config value of the wrong type: ignored, default used
export const W_CLAMPED = 'PLUME_W003'; // config number out of range: clamped
export const W_SECOND_INIT = 'PLUME_W004'; // init() called again: the first instance is returned
export const W_WASM_FALLBACK = 'PLUME_W005'; // wasm refused or failed: the JS twin encodes (said once)
export const W_INTERNAL = 'PLUME_W006'; // an internal error was caught (debug mode only)
export const W_CALLBACK = 'PLUME_W007'; // a user callback (beforeSend, observable) threw: ignored
export const W_DROPPED = 'PLUME_W008'; // telemetry dropped (queue full, too large); counted
export const W_TRANSPORT = 'PLUME_W009'; // the collector refused or could not be reached
export const W_CORS = 'PLUME_W010'; // debug self-check: the collector's CORS answer is wrong
export const W_CSP = 'PLUME_W011'; // debug self-check: connect-src blocks the collector
export const W_UNSUPPORTED = 'PLUME_W012'; // debug: the engine lacks an API; that capability is off
export const W_RELAY_SHARED_LIMIT = 'PLUME_W013'; // relay: no vouched-for client address: one rate bucket for all (said once)
export const W_RELAY_COLLECTOR = 'PLUME_W014'; // relay: the collector's answer was not passed on as is; its own words
export const W_PROPAGATION_CORS = 'PLUME_W015'; // an origin we send traceparent to: its CORS does not allow it
export const W_SYMBOLICATION = 'PLUME_W016'; // edge symbolication: stacks left as they came (a map missing or refused, a request)
export const W_GLOBALS = 'PLUME_W017'; // @opentelemetry/api: another SDK is registered there; Plume's own API still works

let debugMode = false;
const said = new Set<string>();

export function setDebug(on: boolean): void { debugMode = on; }
export const isDebug = (): boolean => debugMode;

export function warn(code: string, message: string): void {
  try {
    console.warn(`[plume] ${code} ${message}`);
  } catch {
    // A page that replaced console with something broken still must not see our errors.
  }
}

/** Warns once per (code, message) for the life of the page. */
export function warnOnce(code: string, message: string): void {
  const key = `${code} ${message}`;
  if (said.has(key)) return;
  said.add(key);
  warn(code, message);
}

/** Debug-only warning (capabilities an engine lacks, self-checks). */
export function debugWarn(code: string, message: string): void {
  if (debugMode) warnOnce(code, message);
}

/** Runs fn; anything it throws is swallowed (and reported in debug mode). */
export function guard<T>(fn: () => T, fallback?: T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (debugMode) warn(W_INTERNAL, `internal error: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}
