// Buffered PerformanceObservers, one entry type each, as web-vitals' observe(): the entries from
// before the observer are delivered too (buffered), an engine without the entry type gets no
// observer (and debug mode says which capability is off), and nothing thrown reaches the page.
// The callback runs when the engine calls it: web-vitals' microtask deferral for Safari (which
// calls back inside observe() itself) is not needed here; src/instrument/web-vitals/README.md
// says why.
import { debugWarn, guard, W_UNSUPPORTED } from './diag.js';

/** A performance entry with the fields the Web Vitals read from its subtypes. */
export type Entry = PerformanceEntry & {
  interactionId?: number; value?: number; hadRecentInput?: boolean; activationStart?: number; responseStart?: number;
};

export const supports = (type: string): boolean =>
  ((PerformanceObserver as unknown as { supportedEntryTypes?: readonly string[] }).supportedEntryTypes ?? []).includes(type);

/** Debug mode: `what` (a Web Vital) is not measured, as the engine has no entries of `type`. */
export const unsupported = (what: string, type: string): void =>
  debugWarn(W_UNSUPPORTED, `${what} is not reported: this engine has no '${type}' performance entries`);

/** Observers made, each with its callback: for takeRecords() at a hide, and disconnect(). */
export type Observers = [PerformanceObserver, (list: Entry[]) => void][];

export const observe = (observers: Observers, what: string, type: string, fn: (list: Entry[]) => void, opts?: object): void => {
  if (!supports(type)) return unsupported(what, type);
  guard(() => {
    const o = new PerformanceObserver((l) => guard(() => fn(l.getEntries())));
    o.observe({ type, buffered: true, ...opts });
    observers.push([o, fn]);
  });
};
