// Loaded by web-vitals.spec.ts: the web-vitals library and Plume measure the same page.
import { init } from '/dist/browser.js';
import { onCLS, onFCP, onINP, onLCP, onTTFB } from '/wv.js';

window.wv = {};
// Visibility as the page saw it, for the failure message.
window.seen = [document.visibilityState];
addEventListener('visibilitychange', () => window.seen.push(`${document.visibilityState}@${Math.round(performance.now())}`), true);
// What web-vitals reports for a page restored from the back/forward cache is kept apart.
const keep = (m) => { window.wv[m.navigationType === 'back-forward-cache' ? `${m.name}:bf` : m.name] = m.value; };
addEventListener('pageshow', (e) => { if (e.persisted) window.restored = true; });
onTTFB(keep); onFCP(keep); onLCP(keep); onCLS(keep); onINP(keep);
// Interactions for INP: a press on the button blocks the main thread for window.blockMs.
window.presses = 0;
// Every interaction the page saw (longest duration per id), and the count at hide: what the
// INP test prints when the two libraries disagree.
window.interactions = {};
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.interactionId) window.interactions[e.interactionId] = Math.max(window.interactions[e.interactionId] ?? 0, e.duration); })
    .observe({ type: 'event', durationThreshold: 16, buffered: true });
} catch { /* no Event Timing */ }
addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') window.countAtHide = performance.interactionCount; }, true);
document.getElementById('tap').addEventListener('pointerdown', () => {
  window.presses++;
  const end = performance.now() + (window.blockMs ?? 0);
  while (performance.now() < end);
});
window.plume = init({ endpoint: new URLSearchParams(location.search).get('collector'), serviceName: 'vitals' });
// What the spec waits for instead of a fixed time. settled: two tasks after load, when both
// libraries have taken TTFB (each a task after load). shifted: the layout shift below has
// been painted (two frames after it), so its entry exists for both to take at the hide.
const afterLoad = () => setTimeout(() => setTimeout(() => { window.settled = true; }));
if (document.readyState === 'complete') afterLoad(); else addEventListener('load', afterLoad);
// A large paint, then a layout shift pushing it down.
setTimeout(() => {
  const d = document.createElement('div');
  d.style.height = '120px';
  d.textContent = 'inserted above';
  document.body.prepend(d);
  requestAnimationFrame(() => requestAnimationFrame(() => { window.shifted = true; }));
}, 300);
