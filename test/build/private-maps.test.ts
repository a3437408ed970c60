// plume/build: after real esbuild and rollup (+ terser) builds, the maps are out of the public
// folder, the scripts carry a debug ID (comment and run-time registration), and every frame
// of the app's error still maps to its original place through the moved maps (the snippet's
// extra line is in the map). The ID the script registers is the one the browser side sends.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import { contentDebugId, debugIdSnippet, esbuildPlugin, privateSourceMaps, rollupPlugin } from '../../src/build/index.js';
import { createSymbolicator, bindingSource } from '../../src/edge/symbolicate/index.js';
import { debugIdsOf, parseDebugIds } from '../../src/lib/debug-ids.js';
import { APP, expectedFrames } from '../edge/symbolicate/fixture.js';

const dirs: string[] = [];
const g = globalThis as Record<string, unknown>;
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); delete g._debugIds; });

function layout() {
  const dir = mkdtempSync(join(tmpdir(), 'plume-build-'));
  dirs.push(dir);
  return { dir, publicDir: join(dir, 'public'), mapsDir: join(dir, 'maps') };
}

const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));

/** A source over the private folder, as a relay would have it (keys: script path + .map, debug-id/<id>.map). */
function diskSource(publicDir: string, mapsDir: string) {
  return bindingSource({
    get: async (key: string) => {
      const local = key.startsWith('debug-id/') ? key : key.slice(publicDir.length);
      try { return readFileSync(join(mapsDir, local.replace(/^\/+/, '')), 'utf8'); } catch { return null; }
    },
  }, { key: (url) => url });
}

async function runAndSymbolicate(script: string, publicDir: string, mapsDir: string) {
  const mod = await import(pathToFileURL(script).href);
  let stack = '';
  try { mod.runBroken(); } catch (e) { stack = (e as Error).stack!; }
  expect(stack).toContain(script);
  // The script registered its ID, keyed by a stack whose first frame is the script itself.
  const ids = debugIdsOf(stack);
  expect(ids).toHaveLength(1);
  const s = createSymbolicator({ source: diskSource(publicDir, mapsDir), onProblem: () => {} });
  const [r] = await s.symbolicate([{ stack, debugIds: parseDebugIds(ids) }]);
  const app = r.frames.filter((f) => f.minified.url === script);
  const want = expectedFrames();
  expect(app.map((f) => [f.file.replace(/^.*symbolicate\/app\//, ''), f.line, f.column]))
    .toEqual(want.map((w) => [w.file, w.line, w.column]));
  expect(app[0].fn).toBe('priceOf');
  return { id: [...parseDebugIds(ids).values()][0] };
}

describe('plume/build', () => {
  test('esbuild --minify --sourcemap=linked with esbuildPlugin: maps private, a debug ID, every frame still maps', async () => {
    const { publicDir, mapsDir } = layout();
    await build({
      entryPoints: [join(APP, 'main.js')], bundle: true, minify: true, format: 'esm', sourcemap: 'linked',
      outdir: publicDir, logLevel: 'error', plugins: [esbuildPlugin({ mapsDir })],
    });
    expect(filesUnder(publicDir)).toEqual(['main.js']);
    const code = readFileSync(join(publicDir, 'main.js'), 'utf8');
    expect(code).not.toMatch(/sourceMappingURL/);
    const id = /\/\/# debugId=([0-9a-f-]{36})\n$/.exec(code)?.[1];
    expect(id).toBeDefined();
    expect(code.startsWith(debugIdSnippet(id!))).toBe(true);
    expect(filesUnder(mapsDir).sort()).toEqual([`debug-id/${id}.map`, 'main.js.map']);
    const map = JSON.parse(readFileSync(join(mapsDir, 'main.js.map'), 'utf8'));
    expect(map.debugId).toBe(id);
    // Sources named as the repository names them (the build ran from its root), not ../../…
    expect(map.sources.sort()).toEqual(['test/edge/symbolicate/app/cart.js', 'test/edge/symbolicate/app/main.js']);
    const run = await runAndSymbolicate(join(publicDir, 'main.js'), publicDir, mapsDir);
    expect(run.id).toBe(id);
  });

  test('rollup + terser with sourcemapDebugIds and rollupPlugin: the ID rollup chose is kept', async () => {
    const { publicDir, mapsDir } = layout();
    const bundle = await rollup({ input: join(APP, 'main.js'), plugins: [terser()] });
    const out = await bundle.write({
      dir: publicDir, format: 'es', sourcemap: true, sourcemapDebugIds: true, entryFileNames: 'assets/[name]-[hash].js',
      plugins: [rollupPlugin({ mapsDir })],
    });
    await bundle.close();
    const file = out.output[0].fileName;
    const rollupId = (out.output[0] as { map?: { debugId?: string } }).map?.debugId;
    expect(rollupId).toMatch(/^[0-9a-f-]{36}$/);
    expect(filesUnder(publicDir)).toEqual([file]);
    const code = readFileSync(join(publicDir, file), 'utf8');
    expect(code).toContain(debugIdSnippet(rollupId!));
    expect(code.match(/\/\/# debugId=/g)).toHaveLength(1);
    expect(filesUnder(mapsDir).sort()).toEqual([`${file}.map`, `debug-id/${rollupId}.map`].sort());
    const run = await runAndSymbolicate(join(publicDir, file), publicDir, mapsDir);
    expect(run.id).toBe(rollupId);
  });

  test('a first-line compile hint stays first; a second run changes nothing; maps inside the public folder are refused', async () => {
    const { dir, publicDir, mapsDir } = layout();
    mkdirSync(publicDir);
    await build({ entryPoints: [join(APP, 'main.js')], bundle: true, minify: true, format: 'esm', sourcemap: 'external', outdir: publicDir, logLevel: 'error' });
    const file = join(publicDir, 'main.js');
    writeFileSync(file, `//# allFunctionsCalledOnLoad\n${readFileSync(file, 'utf8')}`);
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    map.mappings = `;${map.mappings}`;
    writeFileSync(`${file}.map`, JSON.stringify(map));
    const [done] = await privateSourceMaps({ dir: publicDir, mapsDir });
    const code = readFileSync(file, 'utf8');
    expect(code.split('\n').slice(0, 2)).toEqual(['//# allFunctionsCalledOnLoad', debugIdSnippet(done.debugId!)]);
    await runAndSymbolicate(file, publicDir, mapsDir);
    // Run again: the map is gone from the public folder, so nothing is done twice.
    expect(await privateSourceMaps({ dir: publicDir, mapsDir })).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(code);
    await expect(privateSourceMaps({ dir, mapsDir: join(dir, 'public', 'maps') })).rejects.toThrow(TypeError);
    expect(existsSync(join(mapsDir, 'main.js.map'))).toBe(true);
  });

  test('content debug IDs are stable and look like UUIDs', () => {
    expect(contentDebugId('a')).toBe(contentDebugId('a'));
    expect(contentDebugId('a')).not.toBe(contentDebugId('b'));
    expect(contentDebugId('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
