// What the Web Vitals entry (index.ts) hands the metrics, and what a metric hands back. The entry
// owns the page view (its path and navigation type), the observers and the reporting; a metric
// owns its computation. The entry calls what the metrics hand back in a fixed order when the
// page is hidden, when a route change ends a page view, and when the back/forward cache
// restores one, so no behaviour depends on the order in which listeners were added. (Plain
// parameters and tuples rather than objects: property names survive minification.)

/**
 * Reports a vital's value for the current page view (under its path unless `path` is given);
 * not again for the same metric instance if the value has not changed (web-vitals'
 * bindReporter). `send`: if the page is hidden, send it now (not when our own hide handler
 * reports: the hide flush follows).
 */
export type Report = (name: string, value: number, path?: string, send?: boolean) => void;

/**
 * A paint's time as the page load's vital: from the activation, or undefined for a paint after
 * the page was first hidden (or for a page that loaded hidden), which the user did not see then.
 */
export type LoadPaint = (startTime: number) => number | undefined;

/** A vital measured per page view (CLS, INP): a route change or a bfcache restore ends it. */
export type PageViewVital = [
  /** Reports the page view's value under `path`. */
  end: (path: string, send: boolean) => void,
  /** Starts afresh for a new page view. */
  reset: () => void,
];
