// The driver layer's whole API: one Browser and one Page interface over three engines.
// README.md beside this file says what each call does in each engine.

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

export interface Browser {
  readonly engine: Engine;
  /** The engine's own version: '156.0.8078.114' (Chromium), '153.8.0' (Firefox), '2.50.6' (WebKitGTK). */
  readonly version: string;
  /** A new tab of this browser, showing about:blank. Pages of one Browser share one profile. */
  newPage(): Promise<Page>;
  /** Closes every page, the browser, and whatever the driver started for it (driver, Xvfb). */
  close(): Promise<void>;
}

export interface Page {
  readonly engine: Engine;
  /** Navigates and resolves after the load event. HTTP error statuses do not throw. */
  goto(url: string): Promise<void>;
  /**
   * Runs `fn(...args)` in the page and resolves with its (awaited) result. `fn` is sent as
   * source text, so it must not close over anything; `args` and the result travel as JSON
   * (undefined stays undefined, Date becomes a string, Map becomes {}). A throw in the page
   * rejects with an Error whose message is the page's.
   */
  evaluate<T, A extends unknown[] = unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<Awaited<T>>;
  /**
   * Resolves once `fn()` returns something truthy. Polls from node (every 50 ms) with
   * evaluate, so it works on CSP pages without eval and across navigations; a throw counts
   * as "not yet". Rejects after `timeout` ms (default 30 000) with the last page error, if any.
   */
  waitForFunction(fn: () => unknown, opts?: { timeout?: number }): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(path: string): Promise<void>;
  /**
   * Console errors and uncaught errors (exceptions, unhandled rejections) seen so far, as
   * text for humans: match with toContain or a RegExp, not exact equality across engines.
   * Async because WebKit has to read them from the page; see README.md for what it misses.
   */
  consoleErrors(): Promise<string[]>;
  /**
   * Console warnings seen so far (console.warn, and what the engine itself logs as a warning),
   * as text, like consoleErrors(): what a page's console shows beside its errors.
   */
  consoleWarnings(): Promise<string[]>;
  /** Closes the tab as a user would: pagehide (and visibilitychange) fire in every engine. */
  close(opts?: { runBeforeUnload?: boolean }): Promise<void>;
  /**
   * Makes document.visibilityState 'hidden' (visibilitychange fires), resolving once the page
   * reads 'hidden'. chromium and firefox: another tab comes to the front; webkit: the window
   * is minimised. Undefined where an engine cannot do it; test for it: `test.skip(!page.hide)`.
   */
  hide?(): Promise<void>;
  /** Undoes hide(): the page is in front and 'visible' again. Present exactly when hide is. */
  show?(): Promise<void>;
  /**
   * A trusted left click (press and release) at viewport coordinates in CSS pixels, as a user
   * makes it: pointer, mouse and click events with isTrusted, and Event Timing entries.
   */
  click(x: number, y: number): Promise<void>;
  /** A Chrome DevTools Protocol command on this page's target. chromium only. */
  cdp?(method: string, params?: object): Promise<unknown>;
}
