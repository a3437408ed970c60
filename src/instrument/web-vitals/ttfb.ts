// TTFB, as web-vitals' onTTFB: responseStart - activationStart of the navigation entry, taken once
// the page has loaded, as web-vitals does: the entry is complete then, and a responseStart of 0
// (timing hidden, e.g. after cross-origin redirects in Safari) or beyond now (an engine bug) is
// no measurement. Not sent on its own when the page loaded hidden (a background tab is not
// going away): the page hide flush takes it.
import { sinceActivation, whenActivated } from '../../lib/activation.js';
import type { Listen } from '../../lib/listen.js';
import { supports, unsupported, type Entry } from '../../lib/observe.js';
import type { Report } from './types.js';

// Once the page is loaded and, if it was prerendered, activated (web-vitals' whenReady): a task
// after the load event, so that the entry's load timings are complete.
const whenReady = (listen: Listen, fn: () => void): void => whenActivated(listen, () => {
  if (document.readyState !== 'complete') listen(window, 'load', () => whenReady(listen, fn), { once: true, capture: true });
  else setTimeout(fn, 0);
});

/** Returns what a back/forward cache restore reports: TTFB 0, if the load had one (as web-vitals). */
export const ttfb = (nav: Entry | undefined, loadPath: string, listen: Listen, report: Report): (() => void) => {
  let done = false;
  if (nav && supports('navigation')) {
    whenReady(listen, () => {
      const start = nav.responseStart ?? 0;
      if (start > 0 && start <= performance.now()) {
        done = true;
        report('ttfb', sinceActivation(nav, start), loadPath, false);
      }
    });
  } else unsupported('TTFB', 'navigation');
  return () => { if (done) report('ttfb', 0, undefined, false); };
};
