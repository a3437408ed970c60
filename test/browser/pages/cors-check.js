// Loaded by cors-check.spec.ts: Plume in debug mode against a collector configured by the spec.
import { init } from '/dist/browser.js';

const q = new URLSearchParams(location.search);
window.warnings = [];
const warn = console.warn.bind(console);
console.warn = (...a) => { window.warnings.push(a.join(' ')); warn(...a); };
window.plume = init({ endpoint: q.get('collector'), serviceName: 'cors-check', debug: true, batch: { scheduledDelayMillis: 100 } });
window.plume.collectorCheck.then((r) => { window.checkResult = r; window.checkDone = true; });
