// SPA route changes: a same-document navigation to another path. Plume counts a Web Vitals page
// view per route (CLS and INP), and this is where it learns of one: the Navigation API's
// currententrychange, popstate, and the navigation instrumentation, which calls the returned
// check at each route change it sees (history.pushState and replaceState among them).
// `changed` runs once per change of path.
//
// This stands where web-vitals' soft navigations would (opt-in there, `reportSoftNavs`): an
// engine's soft-navigation entries (Chromium) are not used, for the reasons in
// src/instrument/web-vitals/README.md; they would come in here.
import type { Listen } from './listen.js';

export const onRouteChange = (listen: Listen, changed: () => void): (() => void) => {
  let seen = location.pathname;
  const check = () => {
    if (location.pathname === seen) return;
    seen = location.pathname;
    changed();
  };
  const nav = (window as unknown as { navigation?: EventTarget }).navigation;
  if (nav && typeof nav.addEventListener === 'function') listen(nav, 'currententrychange', check, {});
  listen(window, 'popstate', check, {});
  return check;
};
