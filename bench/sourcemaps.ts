// Symbolication costs (npx tsx --expose-gc bench/sourcemaps.ts; figures compared within one run):
// - a stack of 50 frames from a real minified build, symbolicated with a warm map cache;
// - a request of 20 such stacks (one batch, as the relay and the dev collector make);
// - a ~10 MB map (typescript.js minified by esbuild, with sourcesContent): the first request
//   pays the read, parse and decode, once, however many requests ask for it at the same time;
//   what it keeps in memory, and a warm lookup in it afterwards.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createSymbolicator } from '../src/edge/symbolicate/index.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const dir = mkdtempSync(join(tmpdir(), 'plume-bench-sm-'));

async function timeAsync(fn: () => Promise<unknown>, ms = 1500): Promise<{ perOpUs: number; ops: number }> {
  const warm = performance.now() + 300;
  while (performance.now() < warm) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now < start + ms) {
    for (let k = 0; k < 8; k++) await fn();
    ops += 8;
    now = performance.now();
  }
  return { perOpUs: ((now - start) * 1000) / ops, ops };
}

try {
  // 1. Fifty nested functions, minified: f0 → f1 → … → f49 throws.
  const src = Array.from({ length: 50 }, (_, i) => i < 49
    ? `export function level${i}(n) {\n  const r = level${i + 1}(n + 1);\n  return [r, n];\n}\n`
    : `export function level49(n) {\n  throw new Error('deep ' + n);\n}\n`).join('\n');
  writeFileSync(join(dir, 'deep.js'), src);
  const out = await build({ entryPoints: [join(dir, 'deep.js')], bundle: true, minify: true, format: 'esm', sourcemap: 'external', outdir: join(dir, 'out'), logLevel: 'error' });
  void out;
  const script = join(dir, 'out/deep.js');
  Error.stackTraceLimit = 60;
  const mod = await import(pathToFileURL(script).href);
  let stack = '';
  try { mod.level0(0); } catch (e) { stack = (e as Error).stack!; }
  const frames = stack.split('\n').filter((l) => l.includes(script)).length;
  const mapText = readFileSync(`${script}.map`, 'utf8');
  const s = createSymbolicator({ source: async (ref) => (ref === `${script}.map` ? mapText : null), onProblem: () => {} });
  const [first] = await s.symbolicate([{ stack }]);
  if (first.mapped !== frames || first.frames[0].fn !== 'level49') throw new Error(`the bench stack did not map: ${first.mapped} of ${frames}`);
  const one = await timeAsync(() => s.symbolicate([{ stack }]));
  const twenty = Array.from({ length: 20 }, () => ({ stack }));
  const batch = await timeAsync(() => s.symbolicate(twenty));
  console.log(`\nA stack of ${frames} frames (esbuild --minify), warm map cache:`);
  console.log(`  one stack             ${one.perOpUs.toFixed(1)} µs  (${one.ops} runs)`);
  console.log(`  a request of 20       ${(batch.perOpUs / 1000).toFixed(2)} ms  (${(batch.perOpUs / 20).toFixed(1)} µs a stack)`);

  // 2. A ~10 MB map.
  const require = createRequire(import.meta.url);
  const ts = require.resolve('typescript/lib/typescript.js');
  await build({ entryPoints: [ts], bundle: true, minify: true, format: 'esm', platform: 'node', sourcemap: 'external', outfile: join(dir, 'big/ts.js'), logLevel: 'error' });
  const bigScript = join(dir, 'big/ts.js');
  const bigMap = readFileSync(`${bigScript}.map`, 'utf8');
  const code = readFileSync(bigScript, 'utf8');
  // A frame somewhere in the middle of the minified file.
  const lines = code.split('\n');
  const line = Math.floor(lines.length / 2) || 1;
  const column = Math.floor((lines[line - 1]?.length ?? 1) / 2) || 1;
  const bigStack = `Error: x\n    at f (${bigScript}:${line}:${column})`;
  let reads = 0;
  const big = createSymbolicator({
    source: async (ref) => { if (ref !== `${bigScript}.map`) return null; reads++; return bigMap; },
    maxMapBytes: 32 << 20, onProblem: () => {},
  });
  const before = heap();
  const t0 = performance.now();
  const concurrent = await Promise.all(Array.from({ length: 10 }, () => big.symbolicate([{ stack: bigStack }])));
  const firstMs = performance.now() - t0;
  const kept = heap() - before;
  if (!concurrent.every(([r]) => r.mapped === 1)) throw new Error('the big map did not map the frame');
  const warm = await timeAsync(() => big.symbolicate([{ stack: bigStack }]), 500);
  console.log(`\nA ${(bigMap.length / 1e6).toFixed(1)} MB map (typescript.js, esbuild --minify, sourcesContent dropped on parse):`);
  console.log(`  10 concurrent first requests: ${firstMs.toFixed(0)} ms; read ${reads}x, parsed ${big.stats.maps.parsed}x`);
  const mappings = (JSON.parse(bigMap) as { mappings: string }).mappings.length;
  console.log(`  heap kept for it: ${(kept / 1e6).toFixed(1)} MB (cache counts ${(big.stats.maps.bytes / 1e6).toFixed(1)} MB: the text length;`
    + ` its mappings are ${(mappings / 1e6).toFixed(1)} MB of it)`);
  console.log(`  a warm lookup after: ${warm.perOpUs.toFixed(1)} µs`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
