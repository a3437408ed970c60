// Wall-clock milliseconds with sub-millisecond precision: performance.timeOrigin plus the
// monotonic performance.now(), so durations never go backwards when the system clock moves.

const perf: Performance | undefined = typeof performance === 'object' ? performance : undefined;
const origin = perf && typeof perf.timeOrigin === 'number' ? perf.timeOrigin : Date.now() - (perf ? perf.now() : 0);

export const now = (): number => (perf ? origin + perf.now() : Date.now());

/** A DOMHighResTimeStamp (relative to timeOrigin) as wall-clock milliseconds. */
export const fromPerfTime = (t: number): number => origin + t;

/** An OTel-style time input (ms number, Date, or [seconds, nanos]) as wall-clock ms; undefined if none. */
export function toMs(t: unknown): number | undefined {
  let ms: number | undefined;
  // A DOMHighResTimeStamp (performance.now()) is far below any epoch time in ms.
  if (typeof t === 'number') ms = t < 1e12 && perf ? origin + t : t;
  else if (t && typeof t === 'object') {
    // A caller's object: a Date subclass's getTime, a Proxy's traps or an array's getters may throw.
    try {
      if (t instanceof Date) ms = t.getTime();
      else if (Array.isArray(t) && t.length === 2 && typeof t[0] === 'number' && typeof t[1] === 'number') ms = t[0] * 1e3 + t[1] / 1e6;
    } catch {
      return undefined;
    }
  }
  // An invalid Date or a NaN is no time, nor is one before 1970 or past what OTLP's uint64
  // nanoseconds hold (microseconds taken for ms, say): the caller's default (now) applies.
  return ms !== undefined && ms >= 0 && ms < 18446744073709 ? ms : undefined;
}
