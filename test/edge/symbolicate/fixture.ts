// Real minified builds of test/edge/symbolicate/app (esbuild and rollup + terser, both with
// --minify --sourcemap), their maps written to a private folder beside the public one, as a
// site deploys them; and where each frame of the app's stack should map to, read from the
// markers in the unminified source.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';

export const APP = fileURLToPath(new URL('./app/', import.meta.url));

export interface Built {
  dir: string;
  publicDir: string;
  mapsDir: string;
  /** The minified script as node's stacks name it (a path; the source also takes file:// URLs). */
  url: string;
  /** The map's debugId, when the build wrote one. */
  debugId?: string;
  /** (urlOrDebugId) => map text from the private folder, or the script from the public one. */
  source: (ref: string) => Promise<string | null>;
  /** Every ref the source was asked for. */
  asked: string[];
  remove(): void;
}

function layout(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `plume-sm-${name}-`));
  const publicDir = join(dir, 'public');
  const mapsDir = join(dir, 'maps');
  mkdirSync(publicDir);
  mkdirSync(mapsDir);
  return { dir, publicDir, mapsDir };
}

function finish(d: ReturnType<typeof layout>, file: string, debugId?: string): Built {
  const asked: string[] = [];
  const source = async (ref: string) => {
    asked.push(ref);
    if (debugId && ref.toLowerCase() === debugId.toLowerCase()) return readFileSync(join(d.mapsDir, `${file}.map`), 'utf8');
    let path = ref;
    if (ref.startsWith('file:')) try { path = fileURLToPath(ref); } catch { return null; }
    const name = path.slice(d.publicDir.length + 1);
    if (!path.startsWith(`${d.publicDir}/`)) return null;
    try {
      return readFileSync(name.endsWith('.map') ? join(d.mapsDir, name) : path, 'utf8');
    } catch {
      return null;
    }
  };
  return {
    ...d, url: join(d.publicDir, file), debugId, source, asked,
    remove: () => rmSync(d.dir, { recursive: true, force: true }),
  };
}

/** esbuild --bundle --minify --sourcemap; `linked` leaves the sourceMappingURL comment (map renamed, so only the comment finds it). */
export async function buildEsbuild(opts: { linked?: boolean; format?: 'esm' | 'iife' } = {}): Promise<Built> {
  const d = layout('esbuild');
  const out = await build({
    entryPoints: [join(APP, 'main.js')], bundle: true, minify: true, format: opts.format ?? 'esm', globalName: 'app',
    sourcemap: opts.linked ? 'linked' : 'external', write: false, outdir: d.publicDir, logLevel: 'error',
  });
  for (const f of out.outputFiles) {
    if (f.path.endsWith('.map')) {
      const name = opts.linked ? 'main.js.sourcemap.map' : 'main.js.map';
      writeFileSync(join(d.mapsDir, name), f.text);
    } else {
      writeFileSync(f.path, opts.linked ? f.text.replace('sourceMappingURL=main.js.map', 'sourceMappingURL=main.js.sourcemap.map') : f.text);
    }
  }
  return finish(d, 'main.js');
}

/** rollup + terser, sourcemap 'hidden' (no comment), with rollup's debug IDs. */
export async function buildRollup(): Promise<Built> {
  const d = layout('rollup');
  const bundle = await rollup({ input: join(APP, 'main.js'), plugins: [terser()] });
  const { output } = await bundle.generate({ format: 'es', sourcemap: 'hidden', sourcemapDebugIds: true });
  await bundle.close();
  const chunk = output[0];
  writeFileSync(join(d.publicDir, 'main.js'), chunk.code);
  writeFileSync(join(d.mapsDir, 'main.js.map'), chunk.map!.toString());
  const debugId = (chunk.map as unknown as { debugId?: string }).debugId;
  return finish(d, 'main.js', debugId);
}

/** The app's error as this runtime (V8) writes it: from the minified build, run for real. */
export async function throwFrom(built: Built): Promise<string> {
  const mod = await import(pathToFileURL(built.url).href);
  try {
    mod.runBroken();
  } catch (e) {
    return (e as Error).stack!;
  }
  throw new Error('the app did not throw');
}

/** Where a marker comment is in the unminified source: 1-based line, and the 1-based column of `token` on it. */
export function marker(file: string, mark: string, token: string): { file: string; line: number; column: number } {
  const lines = readFileSync(join(APP, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`// ${mark}`));
  if (i < 0) throw new Error(`no marker ${mark} in ${file}`);
  const col = lines[i].indexOf(token);
  if (col < 0) throw new Error(`no ${token} on the ${mark} line of ${file}`);
  return { file, line: i + 1, column: col + 1 };
}

/** The frames the app's error should map to, top first: [function, place]. */
export function expectedFrames() {
  return [
    { fn: 'priceOf', ...marker('cart.js', 'THROW', 'new TypeError') },
    { fn: 'totalOf', ...marker('cart.js', 'CALL priceOf', 'priceOf(item)') },
    { fn: 'checkout', ...marker('cart.js', 'CALL totalOf', 'totalOf(cart.items)') },
    { fn: 'run', ...marker('main.js', 'CALL checkout', 'checkout({ items })') },
    { fn: 'runBroken', ...marker('main.js', 'CALL run', 'run([') },
  ];
}

/** The same frames in SpiderMonkey/JavaScriptCore form (`fn@url:line:col`), from a V8 stack's positions. */
export function asGecko(v8: string): string {
  return v8.split('\n').flatMap((l) => {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(l);
    return m ? [`${m[1] ?? ''}@${m[2]}:${m[3]}:${m[4]}`] : [];
  }).join('\n');
}
