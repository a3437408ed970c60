// plume/build (node only, never in a browser or worker bundle): after a site's build, keep its
// source maps private and give every script a debug ID the relay can find its map by.
//
// One step over the output folder, so it works after any bundler (esbuild, Rollup, Vite,
// webpack); `esbuildPlugin()` and `rollupPlugin()` (Vite too) run it when their build has
// written its files. For each script with a map it:
//   - takes the map's `debugId` (Rollup's and Vite's `sourcemapDebugIds`, webpack's `debugIds`)
//     or makes one from the script's content (the same build gives the same ID, as the TC39
//     proposal recommends), and writes `//# debugId=<id>` at the end of the script if missing;
//   - puts a one-line snippet at the top that registers the ID at run time in
//     `globalThis._debugIds`, keyed by its own stack (the convention Turbopack writes and Sentry
//     reads): a page cannot read its scripts' comments without fetching them, and Plume's
//     errors instrumentation reads this registry instead. The map gets one empty line in front
//     of its mappings, so every position still maps;
//   - removes the `//# sourceMappingURL=` comment (browsers would ask for a map that is no
//     longer public) and moves the map out of the public folder, into `mapsDir` at the script's
//     path plus `.map` and again at `debug-id/<id>.map`: the keys `bindingSource()` asks for.
/// <reference types="node" />
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface PrivateSourceMapsOptions {
  /** The public output folder (what the site serves). */
  dir: string;
  /** Where the maps go: outside `dir`, deployed only to private storage (R2, KV, a private assets binding). */
  mapsDir: string;
  /** Register debug IDs at run time and write the debugId comment. Default true. */
  debugIds?: boolean;
  /**
   * The project folder: the maps' `sources` are rewritten relative to it (`src/cart.ts`, not
   * `../../src/cart.ts`), so stacks name files as the repository does, wherever the build
   * wrote its output. Default: the current folder. `false` leaves `sources` as they are.
   */
  root?: string | false;
}

export interface PrivateSourceMap {
  /** The script, relative to `dir`, with `/` separators. */
  script: string;
  /** The map, relative to `mapsDir`. */
  map: string;
  debugId?: string;
}

const SCRIPT = /\.(?:m?js|cjs)$/;
const MAPPING_URL = /^[ \t]*\/\/[#@][ \t]+sourceMappingURL=([^\s'"]+)[ \t]*$/gm;
const DEBUG_ID = /^[ \t]*\/\/# debugId=([0-9a-fA-F-]{36})[ \t]*$/m;

/** The run-time registration (one line, no newline). */
export function debugIdSnippet(id: string): string {
  return `;!function(){try{var g=globalThis,s=new g.Error().stack;s&&((g._debugIds||(g._debugIds={}))[s]=${JSON.stringify(id)})}catch(e){}}();`;
}

/** A UUID made from content: the same build gives the same ID (version 4 layout, hash bits). */
export function contentDebugId(content: string | Uint8Array): string {
  const h = createHash('sha256').update(content).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Where a line of text starts being code: after a hashbang and a first-line `//#` hint (V8's compile hints must stay first). */
function insertionLine(lines: string[]): number {
  let i = 0;
  if (lines[0]?.startsWith('#!')) i++;
  while (i < lines.length && /^\/\/# (?:allFunctionsCalledOnLoad|[a-zA-Z]+CompileHints?)\b/.test(lines[i])) i++;
  return i;
}

type SourceMapJson = {
  debugId?: string; mappings?: string; sources?: (string | null)[]; sourceRoot?: string;
  sections?: { offset: { line: number; column: number }; map?: SourceMapJson }[];
};

/** Rewrites a map's local `sources` relative to the project folder (URLs such as `webpack://…` are left). */
function projectRelative(map: SourceMapJson, mapDir: string, root: string): void {
  const url = /^[a-z][a-z0-9+.-]*:/i;
  if (Array.isArray(map.sources) && !(map.sourceRoot && url.test(map.sourceRoot))) {
    const base = resolve(mapDir, map.sourceRoot ?? '');
    map.sources = map.sources.map((s) => (typeof s !== 'string' || url.test(s) ? s : relative(root, resolve(base, s)).split(sep).join('/')));
    delete map.sourceRoot;
  }
  for (const section of map.sections ?? []) if (section.map) projectRelative(section.map, mapDir, root);
}

/** Shifts a map's generated lines at and after `line` (0-based) down by one. */
function insertLine(map: SourceMapJson, line: number): void {
  if (typeof map.mappings === 'string') {
    const lines = map.mappings.split(';');
    while (lines.length < line) lines.push('');
    lines.splice(line, 0, '');
    map.mappings = lines.join(';');
  }
  if (Array.isArray(map.sections)) for (const s of map.sections) if (s.offset.line >= line) s.offset.line++;
}

/** Moves the maps of the scripts under `dir` to `mapsDir`, with debug IDs. Returns what it did. */
export async function privateSourceMaps(options: PrivateSourceMapsOptions): Promise<PrivateSourceMap[]> {
  const dir = resolve(options.dir);
  const mapsDir = resolve(options.mapsDir);
  if (mapsDir === dir || mapsDir.startsWith(dir + sep)) {
    throw new TypeError(`plume/build: mapsDir (${mapsDir}) must be outside the public folder (${dir})`);
  }
  const withIds = options.debugIds ?? true;
  const files = await filesUnder(dir);
  const done: PrivateSourceMap[] = [];
  const moved = new Set<string>();
  for (const file of files.filter((f) => SCRIPT.test(f))) {
    let code = await readFile(file, 'utf8');
    // The map: the one the comment names (when local), else <script>.map.
    let mapFile = `${file}.map`;
    let ref: string | undefined;
    for (const m of code.matchAll(MAPPING_URL)) ref = m[1];
    if (ref && !/^[a-z][a-z0-9+.-]*:/i.test(ref) && !ref.startsWith('/')) mapFile = resolve(dirname(file), decodeURIComponent(ref));
    let mapText: string;
    try { mapText = await readFile(mapFile, 'utf8'); } catch { continue; }
    const map = JSON.parse(mapText) as SourceMapJson;
    if (options.root !== false) projectRelative(map, dirname(mapFile), resolve(options.root ?? '.'));
    code = code.replace(MAPPING_URL, '').replace(/\n+$/, '\n');
    let debugId: string | undefined;
    if (withIds) {
      debugId = (typeof map.debugId === 'string' ? map.debugId : undefined) ?? DEBUG_ID.exec(code)?.[1] ?? contentDebugId(code);
      debugId = debugId.toLowerCase();
      map.debugId = debugId;
      const snippet = debugIdSnippet(debugId);
      if (!code.includes(snippet)) {
        const lines = code.split('\n');
        const at = insertionLine(lines);
        lines.splice(at, 0, snippet);
        code = lines.join('\n');
        insertLine(map, at);
      }
      if (!DEBUG_ID.test(code)) code = `${code.replace(/\n?$/, '\n')}//# debugId=${debugId}\n`;
    }
    const script = relative(dir, file).split(sep).join('/');
    const mapKey = `${script}.map`;
    const json = JSON.stringify(map);
    await mkdir(dirname(join(mapsDir, mapKey)), { recursive: true });
    await writeFile(join(mapsDir, mapKey), json);
    if (debugId) {
      await mkdir(join(mapsDir, 'debug-id'), { recursive: true });
      await writeFile(join(mapsDir, 'debug-id', `${debugId}.map`), json);
    }
    await writeFile(file, code);
    moved.add(mapFile);
    done.push({ script, map: mapKey, debugId });
  }
  for (const f of moved) await rm(f, { force: true });
  return done;
}

/** esbuild: runs privateSourceMaps on the output folder once the build has written it (needs `write: true`, `sourcemap`). */
export function esbuildPlugin(options: Omit<PrivateSourceMapsOptions, 'dir'> & { dir?: string }) {
  return {
    name: 'plume-private-source-maps',
    setup(build: { initialOptions: { outdir?: string; outfile?: string }; onEnd(cb: (r: { errors: unknown[] }) => Promise<void>): void }) {
      const dir = options.dir ?? build.initialOptions.outdir ?? (build.initialOptions.outfile && dirname(build.initialOptions.outfile));
      if (!dir) throw new TypeError('plume/build: esbuildPlugin needs outdir, outfile or options.dir');
      build.onEnd(async (r) => { if (!r.errors.length) await privateSourceMaps({ ...options, dir }); });
    },
  };
}

/** Rollup and Vite (build): runs privateSourceMaps on the output folder once the bundle is written. */
export function rollupPlugin(options: Omit<PrivateSourceMapsOptions, 'dir'> & { dir?: string }) {
  return {
    name: 'plume-private-source-maps',
    apply: 'build' as const,
    async writeBundle(output: { dir?: string; file?: string }) {
      const dir = options.dir ?? output.dir ?? (output.file && dirname(output.file));
      if (!dir) throw new TypeError('plume/build: rollupPlugin needs output.dir, output.file or options.dir');
      await privateSourceMaps({ ...options, dir });
    },
  };
}
