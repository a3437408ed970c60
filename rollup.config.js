import { readFileSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';

// Puts dist/plume.wasm into src/encode/wasm-inline.ts as base64 (built first by scripts/build.js).
const inlineWasm = () => ({
  name: 'plume-inline-wasm',
  transform(code, id) {
    if (!id.endsWith('/src/encode/wasm-inline.ts')) return null;
    const b64 = readFileSync(new URL('./dist/plume.wasm', import.meta.url)).toString('base64');
    return { code: `export default ${JSON.stringify(b64)};`, map: null };
  },
});

export default {
  // zone.js stays the application's: it is loaded by useZone() only when the page has none.
  external: ['zone.js'],
  input: { browser: 'src/browser.ts', encoder: 'src/encoder.ts', zone: 'src/zone.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
  plugins: [inlineWasm(), nodeResolve(), typescript({ tsconfig: './tsconfig.json', outputToFilesystem: true })],
};
