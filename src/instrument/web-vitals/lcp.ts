// LCP, as web-vitals' onLCP: the last largest-contentful-paint entry before the first (real)
// input or the page being hidden, from the activation; none for a paint after the page was
// first hidden, nor for a page that loaded hidden. After a back/forward cache restore: the time
// from pageshow to the restored page's first frame, where the engine has LCP at all.
//
// LCP belongs to the page load: its path is the one the page loaded with, and it stays open
// across SPA route changes until the first input or hide (as web-vitals without soft
// navigations): a redirect at start-up must not end it before the page has painted.
import type { Listen } from '../../lib/listen.js';
import { observe, supports, type Observers } from '../../lib/observe.js';
import type { LoadPaint, Report } from './types.js';

export const lcp = (
  loadPath: string, startedHidden: boolean, loadPaint: LoadPaint, listen: Listen, observers: Observers, report: Report,
): [
  /** The final LCP: at the first input, or when the page is hidden (then `send` false). */
  end: (send?: boolean) => void,
  restored: (value: number) => void,
] => {
  let value: number | undefined;
  let done = startedHidden;
  if (!startedHidden) observe(observers, 'LCP', 'largest-contentful-paint', (list) => {
    const e = list[list.length - 1];
    const v = e && loadPaint(e.startTime);
    if (!done && v !== undefined) value = v;
  });
  const end = (send = true) => {
    if (done) return;
    done = true;
    if (value !== undefined) report('lcp', value, loadPath, send);
  };
  // Only real input ends it (a script's dispatched event does not stop the browser's LCP). In a
  // task of its own, not in the input's handler (whose time is that interaction's INP): as
  // web-vitals 3.5 did for its issue 383; web-vitals 6 waits for an idle period (README.md).
  for (const type of ['keydown', 'pointerdown']) listen(window, type, (e) => { if (e.isTrusted) setTimeout(end, 0); });
  return [end, (v) => { if (supports('largest-contentful-paint')) report('lcp', v); }];
};
