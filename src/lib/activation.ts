// A page prerendered by Speculation Rules (Chromium) is loaded, hidden, before the user asks for
// it, and activated when they do. Its Web Vitals are measured from the activation, as
// web-vitals' getActivationStart and whenActivated have it: times from activationStart (of the
// navigation entry, which the engine sets at activation), clamped at 0 for what happened
// before it, and what waits for the page to be shown waits for prerenderingchange.
import type { Listen } from './listen.js';

export const prerendering = (): boolean => !!(document as Document & { prerendering?: boolean }).prerendering;

export const activationStart = (nav?: { activationStart?: number }): number => nav?.activationStart ?? 0;

/** A time of the navigation entry's timeline as time since activation (never below 0). */
export const sinceActivation = (nav: { activationStart?: number } | undefined, t: number): number =>
  Math.max(t - activationStart(nav), 0);

export const whenActivated = (listen: Listen, fn: () => void): void => {
  if (prerendering()) listen(document, 'prerenderingchange', fn, { once: true, capture: true });
  else fn();
};
