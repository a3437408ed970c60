// When the page was first hidden, as web-vitals' visibility watcher keeps it: a paint after that
// is not the user's experience (a background tab paints when it is shown again). A page that
// is hidden when this starts was hidden all along (it loaded in a background tab), except a
// prerendered one, which is hidden only in name until its activation.
//
// `hidden` runs each time the page is hidden (visibilitychange to hidden, and pagehide while
// hidden), before the time is taken: what the observers still hold then was recorded before
// this hide, and is measured as it would have been on arrival. Listening on window, capturing,
// it runs before the hide flush, which listens on the document (visibilitychange) and on
// window without capture.
import { prerendering } from './activation.js';
import type { Listen } from './listen.js';

/** Returns when the page was first hidden (a DOMHighResTimeStamp; Infinity while never). */
export const watchHidden = (listen: Listen, hidden: () => void): (() => number) => {
  let at = document.visibilityState === 'hidden' && !prerendering() ? 0 : Infinity;
  const onHidden = (e: Event) => {
    if (document.visibilityState !== 'hidden') return;
    hidden();
    if (e.type === 'visibilitychange') at = Math.min(at, e.timeStamp);
  };
  listen(window, 'visibilitychange', onHidden);
  listen(window, 'pagehide', onHidden);
  return () => at;
};
