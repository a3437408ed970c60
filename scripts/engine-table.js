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
const table = [
  `| feature | ${reports.map((r) => `${NAMES[r.engine] ?? r.engine} ${r.version}`).join(' | ')} |`,
  `|---|${reports.map(() => '---').join('|')}|`,
  ...features.map((f) => `| ${esc(f)} | ${reports.map((r) => cell(r.features[f])).join(' | ')} |`),
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
