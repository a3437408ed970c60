// The back/forward cache: a page restored from it is shown again without loading, and web-vitals
// counts that as a new page view (navigation type back-forward-cache). `restored` runs at the
// pageshow; `shown` at the restored page's first frame, the second animation frame after
// pageshow (web-vitals' doubleRAF: the first runs before the page is painted), with the time
// since pageshow, which web-vitals takes as that page view's FCP and LCP.
import type { Listen } from './listen.js';

export const onRestore = (listen: Listen, restored: () => void, shown: (sincePageshow: number) => void): void =>
  listen(window, 'pageshow', (e) => {
    if (!(e as PageTransitionEvent).persisted) return;
    restored();
    requestAnimationFrame(() => requestAnimationFrame(() => shown(performance.now() - e.timeStamp)));
  });
