// INP, as web-vitals' onINP estimates the 98th percentile: of the 10 longest interactions (40 ms
// or more, or the first input), the one at index (interactions in this page view) / 50. All
// interactions count, short ones too: performance.interactionCount where the engine has it,
// else estimated from interaction ids, which grow by 7 (web-vitals' polyfill does that). Per
// page view, reported as CLS is (cls.ts).
import { observe, type Entry, type Observers } from '../../lib/observe.js';
import type { PageViewVital, Report } from './types.js';

export const inp = (observers: Observers, report: Report): PageViewVital => {
  const perf = performance as Performance & { interactionCount?: number };
  const hasCount = typeof perf.interactionCount === 'number';
  let minId = Infinity, maxId = 0;
  const interactions = () => (hasCount ? perf.interactionCount! : maxId ? (maxId - minId) / 7 + 1 : 0);
  let countBase = interactions();
  let longest: [id: number, duration: number][] = [];
  const onEvents = (list: Entry[]) => {
    for (const e of list) {
      const id = e.interactionId;
      if (!id) continue;
      if (id < minId) minId = id;
      if (id > maxId) maxId = id;
      if (e.duration < 40 && e.entryType !== 'first-input') continue;
      const known = longest.find((x) => x[0] === id);
      if (known) known[1] = Math.max(known[1], e.duration);
      else if (longest.length < 10 || e.duration > longest[9][1]) longest.push([id, e.duration]);
      else continue;
      longest.sort((a, b) => b[1] - a[1]).splice(10);
    }
  };
  // Without interactionCount, short interactions must be seen too, to be counted.
  observe(observers, 'INP', 'event', onEvents, { durationThreshold: hasCount ? 40 : 0 });
  observe(observers, 'INP', 'first-input', onEvents);
  return [(path, send) => {
    if (longest.length) report('inp', longest[Math.min(longest.length - 1, Math.floor((interactions() - countBase) / 50))][1], path, send);
  }, () => {
    longest = [];
    countBase = interactions();
  }];
};
