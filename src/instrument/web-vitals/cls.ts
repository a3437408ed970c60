// CLS, as web-vitals' onCLS: the largest session window of layout shifts without recent input
// (shifts less than 1 s apart, the window under 5 s). Per page view: a route change or a
// back/forward cache restore starts it afresh, a tab switch does not. Reported when the page
// is hidden (not again unchanged: index.ts's report) and when a route change ends the page
// view, and only for a page view with a first paint (web-vitals, to match CrUX).
import { observe, supports, type Observers } from '../../lib/observe.js';
import type { PageViewVital, Report } from './types.js';

export const cls = (hadFcp: () => boolean, observers: Observers, report: Report): PageViewVital => {
  let value = 0, win = 0, winStart = 0, winLast = 0;
  observe(observers, 'CLS', 'layout-shift', (list) => {
    for (const e of list) {
      if (e.hadRecentInput) continue;
      if (win && e.startTime - winLast < 1000 && e.startTime - winStart < 5000) win += e.value!;
      else { win = e.value!; winStart = e.startTime; }
      winLast = e.startTime;
      if (win > value) value = win;
    }
  });
  const has = supports('layout-shift');
  return [(path, send) => { if (has && hadFcp()) report('cls', value, path, send); }, () => { value = win = 0; }];
};
