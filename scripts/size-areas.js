// node scripts/size-areas.js: where the up-front browser bundle's brotli bytes go. Each part's
// cost is the whole bundle's brotli size minus the size without that part's modules (from
// src/, minified but one module per line block so parts can be cut out), shown scaled to the
// real bundle's size. Approximate: brotli shares context between parts. Needs dist/plume.wasm.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const br = (s) => brotliCompressSync(Buffer.from(s), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const wasm = { name: 'w', setup(b) { b.onLoad({ filter: /wasm-inline\.ts$/ }, () => ({ contents: `export default ${JSON.stringify(readFileSync(join(root, 'dist/plume.wasm')).toString('hex'))}`, loader: 'js' })); } };
const opts = { stdin: { contents: `import { init } from './src/browser.ts'; init({ endpoint: 'https://c.example.com' });`, resolveDir: root, sourcefile: 'a.ts', loader: 'ts' }, bundle: true, minifySyntax: true, minifyIdentifiers: true, format: 'esm', write: false, outdir: '/out', splitting: false, external: [], logLevel: 'silent', plugins: [wasm, { name: 'lazy', setup(b) { b.onResolve({ filter: /(twin|console|exponential-histogram|self-check|propagation-check|replay)\.js$/ }, (a) => a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined); } }], legalComments: 'none' };
const text = (await build(opts)).outputFiles[0].text;
const parts = text.split(/^(?=\/\/ src\/)/m).map((p) => [p.match(/^\/\/ (src\/\S+)/)?.[1] ?? '(head)', p]);
const clean = (s) => s.replace(/^\/\/ src\/.*$/gm, '');
const whole = br(clean(text));
const AREAS = {
  'wasm module (inlined hex)': /wasm-inline/,
  'records, batches, record writers, wasm bridge, loader': /^src\/(encode\/(?!wasm-inline)|record\/)/,
  'export + transport: exporter, outbox, sender, persist, lifecycle': /^src\/(export|transport)\//,
  'metrics API and aggregation (meter)': /sdk\/meter/,
  'traces API (span, tracer, context, propagation, trace state, attributes, ids)':
    /sdk\/(span|tracer|context|propagation|trace-state|attributes|span-context|sampler)|lib\/ids/,
  '@opentelemetry/api registration (sdk/globals)': /sdk\/globals/,
  'logs API (logger)': /sdk\/logger/,
  'config validation': /sdk\/config/,
  'core wiring (sdk/index, browser-core, diag, clock, resource, chunks)':
    /sdk\/index|browser-core|lib\/(diag|clock|browser-resource|chunks|once|hex|native|idle|safe)|browser\.ts/,
  'session': /instrument\/session/,
  'fetch + XHR (incl. shared HTTP client, URL helpers)': /instrument\/(fetch|xhr|http-client)|lib\/url/,
  'navigation (page load, SPA, bfcache)': /instrument\/navigation/,
  'errors': /instrument\/errors/,
  'web vitals (incl. its src/lib/ helpers)': /instrument\/web-vitals|lib\/(activation|bfcache|first-hidden|listen|observe|route-change|vital-rating)/,
};
// The real bundle: the same code fully minified.
const real = br((await build({ ...opts, minify: true })).outputFiles[0].text);
const costs = Object.entries(AREAS).map(([area, re]) => [area, whole - br(clean(parts.filter(([n]) => !re.test(n)).map(([, p]) => p).join('')))]);
const sum = costs.reduce((s, [, d]) => s + d, 0);
console.log(`up-front bundle from src/: ${(real / 1024).toFixed(1)} KB brotli; parts scaled to it:`);
for (const [area, d] of costs) console.log(`${((d / sum) * real / 1024).toFixed(1).padStart(6)} KB  ${area}`);
const left = parts.filter(([n]) => n !== '(head)' && !Object.values(AREAS).some((re) => re.test(n))).map(([n]) => n);
if (left.length) console.log('not in any part:', left.join(' '));
