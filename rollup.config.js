import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// Puts dist/plume.wasm into src/encode/wasm-inline.ts as hex (built first by scripts/build.js).
const wasmHexString = () => readFileSync(new URL('./dist/plume.wasm', import.meta.url)).toString('hex');

const inlineWasm = () => ({
  name: 'plume-inline-wasm',
  transform(code, id) {
    if (!id.endsWith('/src/encode/wasm-inline.ts')) return null;
    return { code: `export default ${JSON.stringify(wasmHexString())};`, map: null };
  },
});

// The script-tag build cannot import chunks: it loads plume.<name>.js files instead.
const CHUNKS_IIFE = fileURLToPath(new URL('./src/lib/chunks.iife.ts', import.meta.url));
const iifeChunks = () => ({
  name: 'plume-iife-chunks',
  async resolveId(source, importer, options) {
    if (!source.endsWith('/chunks.js')) return null;
    const r = await this.resolve(source, importer, { ...options, skipSelf: true });
    return r && r.id.endsWith('/src/lib/chunks.ts') ? CHUNKS_IIFE : null;
  },
});

const ts = (declarations) => typescript({
  tsconfig: './tsconfig.json',
  outputToFilesystem: true,
  ...(declarations ? {} : { declaration: false, declarationMap: false, outDir: 'dist' }),
});

const terse = () => terser({ ecma: 2020, module: false, compress: { passes: 2 }, format: { comments: false } });

// Bundlers' entry points: ES modules with .d.ts, chunks split out for on-demand code.
const esm = {
  // zone.js stays the application's: it is loaded by useZone() only when the page has none.
  external: ['zone.js'],
  input: { browser: 'src/browser.ts', custom: 'src/custom.ts', encoder: 'src/encoder.ts', zone: 'src/zone.ts', edge: 'src/edge/index.ts' },
  // No hoisted bare imports: with sideEffects: false a consumer's bundler drops them anyway.
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', hoistTransitiveImports: false },
  plugins: [inlineWasm(), nodeResolve(), ts(true)],
};

// V8's explicit compile hint (Chrome 136+): every function of the file is compiled on the
// thread that streams the script in, not lazily on the main thread at first call. On a cold
// page that first-call compiling was most of Plume's start-up cost (bench/startup.ts). Only
// for the file every page runs at start-up, not the on-demand chunks; added after minifying,
// which would drop it as a comment, and first in the file, where V8 looks for it.
const compileHint = () => ({
  name: 'plume-compile-hint',
  generateBundle(_options, bundle) {
    for (const out of Object.values(bundle)) if (out.type === 'chunk') out.code = `//# allFunctionsCalledOnLoad\n${out.code}`;
  },
});

// The script tag: plume.iife.js, and the files it loads on demand.
const iife = (input, file, name, atStartup = false) => ({
  input,
  output: { file: `dist/${file}`, format: 'iife', name, inlineDynamicImports: true },
  plugins: [iifeChunks(), inlineWasm(), nodeResolve(), ts(false), terse(), ...(atStartup ? [compileHint()] : [])],
});

// The snippet is hand-written ES5; terser only shrinks it.
const snippet = {
  input: 'src/loader/snippet.js',
  output: { file: 'dist/snippet.min.js', format: 'es' },
  plugins: [terser({ ecma: 5, compress: { passes: 2 }, format: { comments: false } })],
};

export default [
  esm,
  iife('src/iife.ts', 'plume.iife.js', undefined, true),
  iife('src/chunks/twin.ts', 'plume.twin.js'),
  iife('src/chunks/console.ts', 'plume.console.js'),
  iife('src/chunks/self-check.ts', 'plume.self-check.js'),
  iife('src/chunks/exp-histogram.ts', 'plume.exp-histogram.js'),
  iife('src/chunks/replay.ts', 'plume.replay.js'),
  snippet,
];
