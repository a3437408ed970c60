// The page under test for the CSP case of sdk-e2e.spec.ts: served with a script-src that
// refuses WebAssembly, so Plume must encode with the JS twin (and still deliver).
import { init } from '/dist/browser.js';

const q = new URLSearchParams(location.search);
const plume = init({ endpoint: q.get('collector'), serviceName: 'e2e-csp', batch: { scheduledDelayMillis: 100 } });
window.run = async () => {
  plume.tracer.startSpan('under-csp').end();
  await plume.flush();
  return plume.encoder;
};
