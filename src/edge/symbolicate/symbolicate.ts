// The symbolicator: minified stack traces in, original file, line, column and function names
// out, with the stack written back in its engine's format. Runtime-neutral (no node APIs): the
// relay runs it in workerd, Deno or Vercel's edge, the dev collector in node.
//
// One request is one batch: its stacks are parsed, the maps of their scripts are loaded at
// once (cached per isolate, see maps.ts), then every frame is mapped synchronously. A frame
// that maps nowhere, a script without a usable map and a stack in no known format are left as
// they were and counted, in `stats` and on the record (`plume.symbolication.*`); nothing here
// throws into the caller's path.
//
// Function names: a minifier renames functions, and a source map has no entry for "the
// function around this position". The original name of frame N is the name the map gives for
// the call site in frame N+1, the place that called it (what Sentry did before it parsed
// scopes); a frame with no mapped caller (an event handler, a callback called by the engine)
// keeps the name the engine printed.
import { originalPositionFor, sourceContentFor, type TraceMap } from '@jridgewell/trace-mapping';
import { parseDebugIds } from '../../lib/debug-ids.js';
import { warn, W_SYMBOLICATION } from '../../lib/diag.js';
import { errorText, MapCache, type MapSourceFunction, bindingSource, type StorageBinding, type LoadedMap } from './maps.js';
import { formatFrame, parseStack, splitName, type Frame } from './stack.js';
import { ATTR, resultAttributes } from './attributes.js';

// Here for those who import them from the symbolicator; they live apart so that the OTLP walks
// (and the relay) use them without pulling in trace-mapping.
export { ATTR, resultAttributes };


export interface SymbolicatorOptions {
  /** Where maps are read from: `(urlOrDebugId) => Promise<string | null>`, or a KV/R2/assets binding. */
  source: MapSourceFunction | StorageBinding;
  /**
   * Parsed maps kept per isolate, by the length of their text. Default 16 MiB. A parsed map
   * takes about five times its text in heap once decoded (bench/sourcemaps.ts), so the
   * default keeps a worker well inside workerd's 128 MB.
   */
  maxCacheBytes?: number;
  /** A larger map is refused (and the stack left as it was). Default 16 MiB. */
  maxMapBytes?: number;
  /** How long a missing or refused map is remembered before it is asked for again. Default 5 minutes. */
  missTtlMillis?: number;
  /** How long a request waits for maps before it goes on without them (they are still cached). Default 2 s. */
  timeoutMillis?: number;
  /** Frames mapped per stack at most (the rest are left). Default 200. */
  maxFrames?: number;
  /** Distinct scripts looked up per batch (request) at most. Default 20. */
  maxScripts?: number;
  /** Keep the maps' sourcesContent, for source context. Default false (it is most of a map's memory). */
  keepSourcesContent?: boolean;
  /** Told once per map that is missing or refused. Default: a console warning, PLUME_W016. */
  onProblem?: (message: string) => void;
}

export interface OriginalFrame {
  /** The function name: the original one where it could be found, else what the engine printed. */
  fn: string;
  file: string;
  line: number;
  column: number;
  mapped: boolean;
  /** The frame as it arrived. */
  minified: { fn: string; url: string; line: number; column: number };
}

export interface StackResult {
  /** The stack with every mapped frame rewritten (the input itself when none was). */
  stack: string;
  /** The stack as it arrived. */
  original: string;
  frames: OriginalFrame[];
  mapped: number;
  unmapped: number;
  problem?: string;
  /** The top mapped frame: what code.* attributes say. */
  top?: OriginalFrame;
}

export interface StackInput {
  stack: string;
  /** Script URL → debug ID (from the record's plume.exception.debug_ids). */
  debugIds?: Map<string, string>;
}

export interface SymbolicatorStats {
  stacks: number;
  /** Stacks with at least one frame mapped. */
  symbolicated: number;
  /** Stacks left as they were: no frame mapped. */
  left: number;
  unknownFormat: number;
  framesMapped: number;
  framesUnmapped: number;
  /** Map loads that took longer than timeoutMillis for a request. */
  timeouts: number;
  maps: MapCache['stats'];
}

export interface Symbolicator {
  /** Symbolicates a batch of stacks (one request's); one result per input, in order. */
  symbolicate(inputs: StackInput[]): Promise<StackResult[]>;
  /** Symbolicates an attribute bag in place (`exception.stacktrace` and the code.* and plume.* attributes). */
  symbolicateAttributes(bags: Record<string, unknown>[]): Promise<number>;
  /** Lines of original source around a mapped frame (needs keepSourcesContent). */
  context(frame: OriginalFrame, around: number): { first: number; lines: string[] } | undefined;
  readonly stats: SymbolicatorStats;
}

const TIMED_OUT = 'timed out';

export function createSymbolicator(options: SymbolicatorOptions): Symbolicator {
  if (!options || typeof options !== 'object') throw new TypeError('plume/edge: sourceMaps: options must be an object');
  const given = options.source;
  const source: MapSourceFunction = typeof given === 'function' ? given
    : given && typeof given === 'object' ? bindingSource(given as StorageBinding)
      : (() => { throw new TypeError('plume/edge: sourceMaps.source must be a function (urlOrDebugId) => Promise<string | null> or a binding'); })();
  const num = (name: keyof SymbolicatorOptions, dflt: number): number => {
    const v = options[name] ?? dflt;
    if (typeof v !== 'number' || !(v > 0)) throw new TypeError(`plume/edge: sourceMaps.${name} must be a positive number`);
    return v;
  };
  const timeout = num('timeoutMillis', 2000);
  const maxFrames = num('maxFrames', 200);
  const maxScripts = num('maxScripts', 20);
  const cache = new MapCache({
    source,
    maxCacheBytes: num('maxCacheBytes', 16 << 20),
    maxMapBytes: num('maxMapBytes', 16 << 20),
    missTtlMillis: num('missTtlMillis', 5 * 60_000),
    maxMisses: 1000,
    keepSourcesContent: !!options.keepSourcesContent,
    onProblem: options.onProblem ?? ((m) => warn(W_SYMBOLICATION, `symbolication: ${m}`)),
  });
  const stats: SymbolicatorStats = {
    stacks: 0, symbolicated: 0, left: 0, unknownFormat: 0, framesMapped: 0, framesUnmapped: 0, timeouts: 0, maps: cache.stats,
  };
  const maps = new WeakMap<OriginalFrame, TraceMap>();

  async function symbolicate(inputs: StackInput[]): Promise<StackResult[]> {
    const parsed = inputs.map((i) => parseStack(i.stack, maxFrames));
    // Every script of the batch, each looked up once.
    const wanted = new Map<string, Promise<LoadedMap | string>>();
    const keyOf = (url: string, ids: Map<string, string> | undefined) => {
      const id = ids?.get(url);
      return id ? `${url} ${id}` : url;
    };
    for (let s = 0; s < parsed.length; s++) {
      for (const f of parsed[s].frames) {
        const k = keyOf(f.url, inputs[s].debugIds);
        if (wanted.has(k)) continue;
        wanted.set(k, wanted.size < maxScripts
          ? cache.get(f.url, inputs[s].debugIds?.get(f.url))
          : Promise.resolve(`more than ${maxScripts} scripts in one request: ${f.url} was not looked up`));
      }
    }
    const loaded = new Map<string, LoadedMap | string>();
    if (wanted.size) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((r) => { timer = setTimeout(r, timeout); });
      await Promise.race([Promise.all([...wanted].map(async ([k, p]) => { loaded.set(k, await p); })), late]);
      clearTimeout(timer);
      for (const k of wanted.keys()) {
        if (!loaded.has(k)) { loaded.set(k, `the map of ${k.split(' ')[0]} ${TIMED_OUT} (over ${timeout} ms): left for this request`); stats.timeouts++; }
      }
    }
    return parsed.map((p, s) => mapStack(inputs[s], p, (f) => loaded.get(keyOf(f.url, inputs[s].debugIds))!));
  }

  function mapStack(input: StackInput, p: ReturnType<typeof parseStack>, mapOf: (f: Frame) => LoadedMap | string): StackResult {
    stats.stacks++;
    const result: StackResult = { stack: input.stack, original: input.stack, frames: [], mapped: 0, unmapped: 0 };
    if (!p.frames.length) {
      if (!p.unmappable) { result.problem = 'unknown stack format'; stats.unknownFormat++; }
      stats.left++;
      return result;
    }
    // First the positions, then the names: frame N's name comes from frame N+1's call site.
    const found = p.frames.map((f) => {
      const m = mapOf(f);
      if (typeof m === 'string') { result.problem ??= m; return undefined; }
      let pos;
      try {
        pos = originalPositionFor(m.map, { line: f.line, column: Math.max(0, f.column - 1) });
      } catch (e) {
        result.problem ??= `mapping ${f.url}:${f.line}:${f.column} failed: ${errorText(e)}`;
        return undefined;
      }
      if (pos.source == null || pos.line == null) {
        result.problem ??= `${f.url}:${f.line}:${f.column} maps to nothing in its source map`;
        return undefined;
      }
      return { map: m.map, source: cleanSource(pos.source), line: pos.line, column: (pos.column ?? 0) + 1, name: pos.name };
    });
    const lines = p.lines.slice();
    for (let i = 0; i < p.frames.length; i++) {
      const f = p.frames[i];
      const at = found[i];
      const minified = { fn: f.fn, url: f.url, line: f.line, column: f.column };
      if (!at) {
        result.unmapped++;
        result.frames.push({ fn: f.fn, file: f.url, line: f.line, column: f.column, mapped: false, minified });
        continue;
      }
      const caller = found[i + 1]?.name;
      let fn = f.fn;
      if (caller) {
        const { prefix, suffix } = f.format === 'v8' ? splitName(f.fn) : { prefix: '', suffix: '' };
        fn = `${prefix}${caller}${suffix}`;
      }
      const frame: OriginalFrame = { fn, file: at.source, line: at.line, column: at.column, mapped: true, minified };
      maps.set(frame, at.map);
      result.frames.push(frame);
      result.mapped++;
      result.top ??= frame;
      lines[f.index] = formatFrame(f, fn, at.source, at.line, at.column);
    }
    stats.framesMapped += result.mapped;
    stats.framesUnmapped += result.unmapped;
    if (result.mapped) { stats.symbolicated++; result.stack = lines.join('\n'); } else stats.left++;
    return result;
  }

  return {
    symbolicate,
    async symbolicateAttributes(bags) {
      const todo = bags.filter((b) => typeof b[ATTR.stacktrace] === 'string' && b[ATTR.minified] === undefined);
      if (!todo.length) return 0;
      const results = await symbolicate(todo.map((b) => ({ stack: b[ATTR.stacktrace] as string, debugIds: parseDebugIds(b[ATTR.debugIds]) })));
      let changed = 0;
      for (let i = 0; i < todo.length; i++) {
        const attrs = resultAttributes(results[i]);
        if (!attrs) continue;
        Object.assign(todo[i], attrs);
        changed++;
      }
      return changed;
    },
    context(frame, around) {
      const map = maps.get(frame);
      if (!map) return undefined;
      const text = sourceContentFor(map, frame.file) ?? sourceContentFor(map, map.sources.find((s) => s != null && cleanSource(s) === frame.file) ?? '');
      if (text == null) return undefined;
      const all = text.split('\n');
      const first = Math.max(1, frame.line - around);
      return { first, lines: all.slice(first - 1, Math.min(all.length, frame.line + around)) };
    },
    stats,
  };
}


/** A source path as the map names it, without leading `./` and `../` (relative to the map's folder). */
function cleanSource(s: string): string {
  return s.replace(/^(?:\.{1,2}\/)+/, '');
}
