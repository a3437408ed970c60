// npm run size: brotli and gzip sizes of what users load, against the budgets, beside the
// peers' measured sizes (../shared/DESIGN.md section 7, measured the same way: brotli 11).
// The ESM figure is what a bundler makes of `import { init } from 'plume'` with every
// instrumentation on, minified by esbuild (Vite's default; the budget is checked on it) and by
// terser (webpack's default: its shorter, per-function names compress better); chunks loaded
// only on demand (the JS twin where wasm is refused, debug printing) are listed apart and not
// in the budget.
import { build } from 'esbuild';
import { minify } from 'terser';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'plume.iife.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function bundle(entryCode, name) {
  const app = {
    stdin: { contents: entryCode, resolveDir: root, sourcefile: `${name}.js` }, bundle: true, format: 'esm', write: false,
    alias: { plume: join(dist, 'browser.js'), 'plume/edge': join(dist, 'edge.js') }, logLevel: 'silent',
  };
  const r = await build({ ...app, minify: true, splitting: true, outdir: '/out', metafile: true });
  // What the page loads up front: the entry and every chunk it imports statically.
  const outputs = r.metafile.outputs;
  const base = (p) => p.slice(p.lastIndexOf('/') + 1);
  const key = (f) => Object.keys(outputs).find((k) => base(k) === base(f.path));
  const entryKey = Object.keys(outputs).find((k) => outputs[k].entryPoint);
  const upfront = new Set();
  const walk = (k) => {
    if (upfront.has(k)) return;
    upfront.add(k);
    for (const imp of outputs[k].imports) if (imp.kind === 'import-statement') walk(imp.path);
  };
  walk(entryKey);
  const parts = r.outputFiles.filter((f) => upfront.has(key(f)));
  const main = Buffer.concat(parts.map((f) => Buffer.from(f.contents)));
  // The up-front code unminified, for terser: one file (the on-demand imports left out).
  const one = await build({
    ...app,
    plugins: [{ name: 'lazy', setup(b) { b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)); } }],
  });
  return { main, unminified: one.outputFiles[0].text, lazy: r.outputFiles.filter((f) => !upfront.has(key(f))).map((f) => f.contents) };
}

const rows = [];
const file = (label, path, budget) => {
  const b = readFileSync(join(dist, path));
  rows.push({ label, raw: b.length, br: br(b), gz: gz(b), budget });
  return rows[rows.length - 1];
};

const wasm = file('plume.wasm (inlined in the browser bundles; a file for the edge)', 'plume.wasm');
const snippet = file('snippet.min.js (inline loader)', 'snippet.min.js', 1024);
const iife = file('plume.iife.js (script tag)', 'plume.iife.js');
const esm = await bundle(`import { init } from 'plume'; init({ endpoint: 'https://collector.example.com' });`, 'esm-app');
rows.push({ label: "ESM import of 'plume', all instrumentations", raw: esm.main.length, br: br(esm.main), gz: gz(esm.main) });
const esmRow = rows[rows.length - 1];
const esmTerser = Buffer.from((await minify(esm.unminified, { ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } })).code);
rows.push({ label: '  the same, minified by terser instead', raw: esmTerser.length, br: br(esmTerser), gz: gz(esmTerser) });
const edge = await bundle(`import { instrument } from 'plume/edge'; export default instrument({ fetch: () => new Response('ok') }, { endpoint: 'https://c' });`, 'edge-app');
rows.push({ label: 'plume/edge (worker bundle)', raw: edge.main.length, br: br(edge.main), gz: gz(edge.main) });
for (const f of readdirSync(dist).filter((f) => /^plume\.(twin|console|self-check|propagation-check|exp-histogram|replay)\.js$/.test(f))) file(`${f} (on demand only)`, f);

console.log(`${'what'.padEnd(50)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`);
for (const r of rows) console.log(`${r.label.padEnd(50)} ${kb(r.raw).padStart(9)} ${kb(r.gz).padStart(9)} ${kb(r.br).padStart(9)}`);

const BUDGET_TOTAL = 16 * 1024;
// The browser bundles carry the wasm inside (hex), so their size is JS + wasm already.
const checks = [
  ['snippet, brotli', snippet.br, 1024],
  ['browser JS + wasm, ESM import, brotli', esmRow.br, BUDGET_TOTAL],
  ['browser JS + wasm, script tag + snippet, brotli', iife.br + snippet.br, BUDGET_TOTAL],
];
console.log('\nbudgets:');
let failed = false;
for (const [what, n, max] of checks) {
  const ok = n <= max;
  failed ||= !ok;
  console.log(`  ${ok ? 'ok  ' : 'OVER'} ${what.padEnd(42)} ${kb(n).padStart(9)} of ${kb(max)}`);
}
console.log('\npeers, full RUM bundle, brotli (measured, DESIGN.md section 7): OTel web traces+metrics+zone 47.8 KB, OTel traces no zone 22.4-24.0 KB, Sentry errors 28.2 KB, +tracing 48.7 KB, Elastic 20.9 KB, Datadog 58.7 KB, Faro 80.8 KB');
console.log(`  Plume ESM (JS + wasm): ${kb(esmRow.br)} = ${(esmRow.br / (47.8 * 1024)).toFixed(2)}x OTel web with metrics, ${(esmRow.br / (48.7 * 1024)).toFixed(2)}x Sentry with tracing, ${(esmRow.br / (23.2 * 1024)).toFixed(2)}x OTel traces only`);
process.exit(failed ? 1 : 0);
