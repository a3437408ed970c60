// FCP, as web-vitals' onFCP: the first-contentful-paint entry, from the activation, reported at
// once; none for a paint after the page was first hidden, nor for a page that loaded hidden.
// After a back/forward cache restore: the time from pageshow to the restored page's first
// frame, where the engine measures paints at all.
import { observe, supports, type Observers } from '../../lib/observe.js';
import type { LoadPaint, Report } from './types.js';

export const fcp = (loadPath: string, loadPaint: LoadPaint, observers: Observers, report: Report): [
  /** Whether the page has painted (an engine without paint entries cannot tell: taken as yes). */
  painted: () => boolean,
  /** Whether this page view has an FCP (CLS is reported only then, as web-vitals does). */
  done: () => boolean,
  restored: (value: number) => void,
] => {
  const has = supports('paint');
  let painted = !has, done = false;
  observe(observers, 'FCP', 'paint', (list) => {
    const e = list.find((x) => x.name === 'first-contentful-paint');
    if (!e) return;
    painted = true;
    const v = loadPaint(e.startTime);
    if (!done && v !== undefined) {
      done = true;
      report('fcp', v, loadPath);
    }
  });
  return [() => painted, () => done, (v) => {
    if (!has) return;
    done = true;
    report('fcp', v);
  }];
};
