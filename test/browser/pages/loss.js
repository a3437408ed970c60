// Loaded by delivery.spec.ts: Plume in a page that records a burst of spans on demand, and
// can take most of the keepalive quota for itself first (a page with its own beacons).
import { init } from '/dist/browser.js';

const q = new URLSearchParams(location.search);
const plume = init({ endpoint: q.get('collector'), serviceName: 'loss', batch: { scheduledDelayMillis: 1000 } });
window.plume = plume;
window.record = (n, trial) => {
  const pad = 'x'.repeat(64);
  for (let i = 0; i < n; i++) {
    plume.tracer.startSpan('loss.span', { attributes: { 'trial.id': trial, 'span.index': i, pad } }).end();
  }
  return n;
};
// The page's own keepalive request to a server that answers late: its bytes hold the quota.
window.hogQuota = (url, bytes) => {
  fetch(url, { method: 'POST', body: new Uint8Array(bytes), keepalive: true }).catch(() => {});
  return true;
};
