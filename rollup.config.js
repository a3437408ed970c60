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

// Imported constants (`export const NAME = <number or string>`) are written into the importer
// as literals, as a const enum would be: on-demand chunks (the twin reads the record layout)
// then import nothing at run time from the code every page loads, so a bundler keeps that code
// in one up-front file instead of splitting out what both share (measured before: 3 files).
const literalConsts = new Map();
const constsOf = (file) => {
  if (!literalConsts.has(file)) {
    const found = new Map();
    for (const m of readFileSync(file, 'utf8').matchAll(/^export const ([A-Za-z_$][\w$]*)(?:: [\w ]+)? = (-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?)|'[^'\\\n]*');/gm)) found.set(m[1], m[2]);
    literalConsts.set(file, found);
  }
  return literalConsts.get(file);
};
const walk = (node, parent, fn) => {
  if (!node || typeof node.type !== 'string') return;
  fn(node, parent);
  for (const key in node) {
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) walk(c, node, fn);
    else if (v && typeof v === 'object' && key !== 'parent') walk(v, node, fn);
  }
};
const inlineConsts = () => ({
  name: 'plume-inline-consts',
  async transform(code, id) {
    if (!id.includes('/src/')) return null;
    const ast = this.parse(code);
    const exported = new Set();
    for (const n of ast.body) if (n.type === 'ExportNamedDeclaration' && !n.source) for (const sp of n.specifiers) exported.add(sp.local.name);
    const values = new Map();
    const edits = new Map();
    for (const n of ast.body) {
      if (n.type !== 'ImportDeclaration' || !n.specifiers.length) continue;
      const r = await this.resolve(n.source.value, id);
      if (!r || !r.id.endsWith('.ts')) continue;
      const consts = constsOf(r.id);
      const inline = (sp) => sp.type === 'ImportSpecifier' && consts.has(sp.imported.name) && !exported.has(sp.local.name);
      const keep = n.specifiers.filter((sp) => !inline(sp));
      if (keep.length === n.specifiers.length) continue;
      for (const sp of n.specifiers) if (inline(sp)) values.set(sp.local.name, consts.get(sp.imported.name));
      edits.set(n.start, [n.end, keep.length ? `import { ${keep.map((sp) => code.slice(sp.start, sp.end)).join(', ')} } from ${code.slice(n.source.start, n.source.end)};` : '']);
    }
    if (!values.size) return null;
    for (const n of ast.body) {
      if (n.type === 'ImportDeclaration') continue;
      walk(n, null, (x, parent) => {
        if (x.type !== 'Identifier' || !values.has(x.name) || edits.has(x.start)) return;
        if (parent && ((parent.type === 'MemberExpression' && parent.property === x && !parent.computed) ||
          ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === x && !parent.computed && !parent.shorthand))) return;
        const v = `(${values.get(x.name)} /* ${x.name} */)`;
        edits.set(x.start, [x.end, parent && parent.type === 'Property' && parent.shorthand ? `${x.name}: ${v}` : v]);
      });
    }
    let out = code;
    for (const [start, [end, text]] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
    return { code: out, map: null };
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
  // plume/build runs in node: its builtins stay imports.
  external: ['zone.js', /^node:/],
  input: {
    browser: 'src/browser.ts', custom: 'src/custom.ts', encoder: 'src/encoder.ts', zone: 'src/zone.ts', edge: 'src/edge/index.ts',
    build: 'src/build/index.ts',
  },
  // No hoisted bare imports: with sideEffects: false a consumer's bundler drops them anyway.
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', hoistTransitiveImports: false },
  plugins: [inlineWasm(), nodeResolve(), ts(true), inlineConsts()],
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
  plugins: [iifeChunks(), inlineWasm(), nodeResolve(), ts(false), inlineConsts(), terse(), ...(atStartup ? [compileHint()] : [])],
});

// The snippet is hand-written ES5; terser only shrinks it. Without reduce_vars it keeps the
// trailing arguments (the SDK's URL and integrity hash) as arguments, where the README tells
// users to edit them, instead of inlining them into the body; quote_style 1 writes them in
// single quotes, as the README shows them.
const snippet = {
  input: 'src/loader/snippet.js',
  // Nor may rollup drop what the default arguments leave unused (the integrity branch).
  treeshake: false,
  output: { file: 'dist/snippet.min.js', format: 'es' },
  plugins: [terser({ ecma: 5, compress: { passes: 2, reduce_vars: false }, format: { comments: false, quote_style: 1 } })],
};

export default [
  esm,
  iife('src/iife.ts', 'plume.iife.js', undefined, true),
  iife('src/chunks/twin.ts', 'plume.twin.js'),
  iife('src/chunks/console.ts', 'plume.console.js'),
  iife('src/chunks/self-check.ts', 'plume.self-check.js'),
  iife('src/chunks/propagation-check.ts', 'plume.propagation-check.js'),
  iife('src/chunks/exp-histogram.ts', 'plume.exp-histogram.js'),
  iife('src/chunks/replay.ts', 'plume.replay.js'),
  snippet,
];
