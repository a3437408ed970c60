// Renders .ci/out/engines/*.json (written by test/browser/engines.spec.ts, one per engine) as
// a Markdown table and puts it between the engine-table markers in README.md. npm test runs
// it after the browser suites; the table is never edited by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.ci', 'out', 'engines');
const readme = join(root, 'README.md');
const START = '<!-- engine-table:start -->';
const END = '<!-- engine-table:end -->';
const ORDER = ['chromium', 'firefox', 'webkit'];
const NAMES = { chromium: 'Chromium', firefox: 'Firefox ESR', webkit: 'WebKitGTK' };

const reports = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  .sort((a, b) => (ORDER.indexOf(a.engine) + 1 || 99) - (ORDER.indexOf(b.engine) + 1 || 99) || a.engine.localeCompare(b.engine));
if (!reports.length) {
  console.log(`engine-table: no reports in ${dir}; README.md left as it is`);
  process.exit(0);
}

const features = [...new Set(reports.flatMap((r) => Object.keys(r.features)))];
const cell = (v) => (v === true ? 'yes' : v === false ? 'no' : v === undefined ? '?' : String(v));
const esc = (s) => String(s).replace(/\|/g, '\\|');
// What Plume does with them: it decides by exactly these detections (instrument/web-vitals/, lib/observe.ts,
// instrument/navigation.ts, encode/loader.ts), so these rows follow from the ones above.
const VITALS = [['LCP', 'PerformanceObserver: largest-contentful-paint'], ['CLS', 'PerformanceObserver: layout-shift'],
  ['INP', 'PerformanceObserver: event'], ['FCP', 'PerformanceObserver: paint'], ['TTFB', 'PerformanceObserver: navigation']];
const derived = [
  ['Plume reports these Web Vitals', (r) => VITALS.filter(([, f]) => r.features[f]).map(([v]) => v).join(', ') || 'none'],
  ['Plume sees SPA route changes through', (r) => (r.features['Navigation API (window.navigation)'] ? 'Navigation API' : 'history.pushState/replaceState, popstate, hashchange')],
  ['Plume encodes with', (r) => (r.features['WebAssembly (instantiate from bytes)'] ? 'wasm (JS twin under a CSP without wasm-unsafe-eval)' : 'JS twin')],
  ['Plume sends on page hide with', (r) => (r.features['navigator.sendBeacon'] ? 'sendBeacon, quota-sized chunks' : 'fetch keepalive')],
];
const table = [
  `| feature | ${reports.map((r) => `${NAMES[r.engine] ?? r.engine} ${r.version}`).join(' | ')} |`,
  `|---|${reports.map(() => '---').join('|')}|`,
  ...features.map((f) => `| ${esc(f)} | ${reports.map((r) => cell(r.features[f])).join(' | ')} |`),
  ...derived.map(([label, fn]) => `| **${esc(label)}** | ${reports.map((r) => esc(fn(r))).join(' | ')} |`),
].join('\n');

const text = readFileSync(readme, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  console.error(`engine-table: README.md has no ${START} … ${END} block`);
  process.exit(1);
}
const next = `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`;
if (next !== text) writeFileSync(readme, next);
console.log(`engine-table: ${reports.map((r) => r.engine).join(', ')} → README.md${next === text ? ' (unchanged)' : ''}`);
