// npm run size: what a page downloads for Plume, in brotli (quality 11) and gzip (level 9),
// against the budgets of the weight issue, beside the peers bundled and measured in the
// same run. Exits non-zero when a budget is over.
//
// Three parts, for both ways in (the ES module import a bundler makes, and the script tag):
// - critical path: what a page must download and evaluate before init() returns, every
//   default instrumentation on. For the ESM import, the app's entry and every chunk it
//   imports statically (esbuild, minified: Vite's default); for the script tag, the inline
//   snippet and plume.iife.js. Budget 12 KB, JS and wasm (the wasm is inlined as hex).
// - first minute: the critical path plus the files the runtime loads on its own in a default
//   page's first minute, without errors or debug. Which files those are is asked of Chromium
//   (bench/first-minute.ts: a default page, idle time, a forced export). Budget 24 KB.
// - on demand: the rest (the JS twin where wasm is refused, debug printing, the collector
//   check, exponential histograms, replay of persisted data), listed, not in a budget.
// Peers: bench/peers.ts, bundled the same way from bench/node_modules (their current
// releases, bench/package.json): the entry and its static imports, chunks loaded later apart.
import { build } from 'esbuild';
import { minify } from 'terser';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { APP_ENTRY, firstMinute } from '../bench/first-minute.ts';
import { BENCH, bundleApp as bundle, ensurePeers, PLUME_ALIAS, ROOT } from '../bench/lib.ts';
import { WEB_PEERS } from '../bench/peers.ts';

const dist = join(ROOT, 'dist');
if (!existsSync(join(dist, 'plume.iife.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const KB = 1024;
const BUDGETS = { critical: 12 * KB, firstMinute: 24 * KB, snippet: 1 * KB };
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;
const join3 = (bufs) => Buffer.concat(bufs.map((b) => Buffer.from(b)));

// ---- Plume
const alias = PLUME_ALIAS;
const app = await bundle(APP_ENTRY, ROOT, alias);
const snippet = readFileSync(join(dist, 'snippet.min.js'));
const iife = readFileSync(join(dist, 'plume.iife.js'));
const tagFiles = new Map(readdirSync(dist).filter((f) => /^plume\..+\.(js|wasm)$/.test(f)).map((f) => [f, readFileSync(join(dist, f))]));
const seen = await firstMinute({ esm: app.files, entry: app.entry });

const esmCritical = [...app.upfront];
const esmMinute = seen.esm.filter((f) => !app.upfront.has(f));
const esmLater = [...app.files.keys()].filter((f) => !app.upfront.has(f) && !esmMinute.includes(f));
const tagMinute = seen.scriptTag.filter((f) => f !== 'plume.iife.js');
const tagLater = [...tagFiles.keys()].filter((f) => f !== 'plume.iife.js' && !tagMinute.includes(f));
const esmBytes = (names) => join3(names.map((f) => app.files.get(f)));
const tagBytes = (names) => join3(names.map((f) => tagFiles.get(f)));

const rows = [];
const row = (label, bytes, extra = '') => {
  const r = { label, raw: bytes.length, br: br(bytes), gz: gz(bytes), extra };
  rows.push(r);
  return r;
};
// Brotli of the files concatenated: what one response of each would cost, near enough (each
// file compresses a little worse alone).
const esmCrit = row(`ESM import: critical path (${esmCritical.length} file${esmCritical.length > 1 ? 's' : ''})`, esmBytes(esmCritical));
const more = (names) => (names.length ? names.join(', ') : 'nothing');
const esmFirst = row(`ESM import: first minute (+ ${more(esmMinute)})`, esmBytes([...esmCritical, ...esmMinute]));
for (const f of esmLater) row(`  on demand: ${f.replace(/-[\w]{8}(?=[-.])/g, '')}`, app.files.get(f));
const tagCrit = row('script tag: critical path (snippet inline + plume.iife.js)', join3([snippet, iife]));
const tagFirst = row(`script tag: first minute (+ ${more(tagMinute)})`, join3([snippet, iife, tagBytes(tagMinute)]));
for (const f of tagLater) row(`  on demand: ${f}`, tagFiles.get(f));
const snip = row('snippet.min.js (inline loader)', snippet);
// The same critical code minified by terser (webpack's default), for reference: one file, the
// on-demand imports left out.
const one = await build({
  stdin: { contents: APP_ENTRY, resolveDir: ROOT, sourcefile: 'app.js' }, bundle: true, format: 'esm', write: false, alias,
  logLevel: 'silent',
  plugins: [{ name: 'lazy', setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined));
  } }],
});
const terse = await minify(one.outputFiles[0].text, { ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } });
row('  ESM critical path minified by terser instead (webpack)', Buffer.from(terse.code));
const edge = await bundle(`import { instrument } from 'plume/edge';
export default instrument({ fetch: () => new Response('ok') }, { endpoint: 'https://c' });`, ROOT, alias);
row('plume/edge worker bundle (wasm as a module, twin inside)', join3([...edge.upfront].map((f) => edge.files.get(f))));
row('plume.wasm (inlined as hex in the browser builds)', readFileSync(join(dist, 'plume.wasm')));

const line = (label, raw, gzip, brotli, extra = '') =>
  console.log(`${label.padEnd(74)} ${raw.padStart(9)} ${gzip.padStart(9)} ${brotli.padStart(9)}${extra}`);
console.log('Plume');
line('what', 'raw', 'gzip', 'brotli');
for (const r of rows) line(r.label, kb(r.raw), kb(r.gz), kb(r.br));

const checks = [
  ['critical path, ESM import', esmCrit.br, BUDGETS.critical],
  ['critical path, script tag (snippet + plume.iife.js)', tagCrit.br, BUDGETS.critical],
  ['first minute, ESM import', esmFirst.br, BUDGETS.firstMinute],
  ['first minute, script tag', tagFirst.br, BUDGETS.firstMinute],
  ['snippet', snip.br, BUDGETS.snippet],
];
console.log('\nbudgets (brotli, JS and wasm):');
let over = false;
for (const [what, n, max] of checks) {
  over ||= n > max;
  console.log(`  ${n <= max ? 'OK  ' : 'OVER'} ${what.padEnd(52)} ${kb(n).padStart(9)} of ${kb(max)}`);
}

// ---- peers, measured now
ensurePeers();
const pkg = JSON.parse(readFileSync(join(BENCH, 'package.json'), 'utf8')).devDependencies;
console.log(`\npeers, current releases bundled in this run (esbuild, minified, up front; chunks loaded later apart)`);
line('peer (bench/peers.ts)', 'raw', 'gzip', 'brotli', '   Plume ESM critical / first minute vs it');
for (const peer of WEB_PEERS) {
  const b = await bundle(peer.code, BENCH);
  const up = join3([...b.upfront].map((f) => b.files.get(f)));
  const later = [...b.files.keys()].filter((f) => !b.upfront.has(f));
  const n = br(up);
  const afterwards = later.length ? `   (+ ${later.length} chunk(s) later, ${kb(br(join3(later.map((f) => b.files.get(f)))))})` : '';
  line(peer.name, kb(up.length), kb(gz(up)), kb(n), `   ${(esmCrit.br / n).toFixed(2)}x / ${(esmFirst.br / n).toFixed(2)}x${afterwards}`);
}
const shown = ['@opentelemetry/sdk-trace-web', '@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/sdk-metrics', 'zone.js',
  '@sentry/browser', '@datadog/browser-rum', '@grafana/faro-web-sdk', '@elastic/apm-rum', 'web-vitals'];
console.log(`  versions: ${shown.map((name) => `${name} ${pkg[name]}`).join(', ')}`);
console.log('history (quoted, DESIGN.md section 7, older releases): OTel web traces+metrics+zone 47.8 KB, traces no zone 22.4-24.0 KB, ' +
  'Sentry errors 28.2 KB, +tracing 48.7 KB, Elastic 20.9 KB, Datadog 58.7 KB, Faro 80.8 KB, web-vitals 3.1 KB');
process.exit(over ? 1 : 0);
